import type { Clock } from './clock';

interface Slot<T> {
  lastAt: number;
  pending: T | undefined;
  cancel: (() => void) | null;
}

/**
 * Rate-limits a stream of values per key: the first value goes out at once, later ones at most every
 * `intervalMs`, and the latest value always goes out eventually (a trailing emit), so a listener never
 * misses where a job ended up.
 */
export class Coalescer<T> {
  private readonly slots = new Map<string, Slot<T>>();

  constructor(
    private readonly clock: Clock,
    private readonly intervalMs: number,
    private readonly emit: (key: string, value: T) => void,
  ) {}

  push(key: string, value: T): void {
    const now = this.clock.now();
    const slot = this.slots.get(key) ?? { lastAt: -Infinity, pending: undefined, cancel: null };
    this.slots.set(key, slot);
    if (now - slot.lastAt >= this.intervalMs && !slot.cancel) {
      slot.lastAt = now;
      this.emit(key, value);
      return;
    }
    slot.pending = value;
    slot.cancel ??= this.clock.setTimeout(() => this.flush(key), slot.lastAt + this.intervalMs - now);
  }

  /** Sends the pending value now (e.g. just before a status change is announced). */
  flush(key: string): void {
    const slot = this.slots.get(key);
    if (!slot) return;
    slot.cancel?.();
    slot.cancel = null;
    if (slot.pending !== undefined) {
      const value = slot.pending;
      slot.pending = undefined;
      slot.lastAt = this.clock.now();
      this.emit(key, value);
    }
  }

  /** Forgets a key without emitting (the job is final and announced in full). */
  drop(key: string): void {
    this.slots.get(key)?.cancel?.();
    this.slots.delete(key);
  }

  close(): void {
    for (const key of [...this.slots.keys()]) this.drop(key);
  }
}
