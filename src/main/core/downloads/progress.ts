import type { DownloadProgress } from '@shared/downloads';

/** At most this often per download does a progress event leave the manager (~10 per second). */
export const PROGRESS_INTERVAL_MS = 100;
/** Speed is measured over this much recent time, so a stall shows quickly and a burst does not spike. */
const SPEED_WINDOW_MS = 3_000;

/**
 * Turns a stream of "bytes on disk" updates (one per write, hundreds per second) into coalesced
 * progress events with a speed and an ETA. Pure: the caller passes the time, the tests pass any time.
 */
export class ProgressMeter {
  private total: number | null;
  private bytes = 0;
  private lastEmit = Number.NEGATIVE_INFINITY;
  private pending = false;
  private samples: { at: number; bytes: number }[] = [];

  constructor(
    private readonly id: string,
    total: number | null,
    readonly intervalMs = PROGRESS_INTERVAL_MS,
  ) {
    this.total = total;
  }

  /** A new response can change the size, or start over from 0 (speed samples restart with it). */
  reset(bytes: number, total: number | null, now: number): void {
    this.bytes = bytes;
    this.total = total;
    this.samples = [{ at: now, bytes }];
  }

  /** The event to send now, or null when one went out less than an interval ago (then `flush` later). */
  update(bytes: number, now: number): DownloadProgress | null {
    this.bytes = bytes;
    if (now - this.lastEmit < this.intervalMs) {
      this.pending = true;
      return null;
    }
    return this.emit(now);
  }

  /** The held-back update, if any. */
  flush(now: number): DownloadProgress | null {
    return this.pending ? this.emit(now) : null;
  }

  get hasPending(): boolean {
    return this.pending;
  }

  private emit(now: number): DownloadProgress {
    this.pending = false;
    this.lastEmit = now;
    this.samples.push({ at: now, bytes: this.bytes });
    // Keep one sample older than the window as the baseline.
    while (this.samples.length > 2 && (this.samples[1]?.at ?? now) <= now - SPEED_WINDOW_MS) this.samples.shift();
    const first = this.samples[0] ?? { at: now, bytes: this.bytes };
    const seconds = (now - first.at) / 1000;
    const speedBps = seconds > 0 ? Math.max(0, Math.round((this.bytes - first.bytes) / seconds)) : 0;
    const etaSeconds = this.total !== null && speedBps > 0 ? Math.max(0, Math.ceil((this.total - this.bytes) / speedBps)) : null;
    return { id: this.id, bytesDone: this.bytes, bytesTotal: this.total, speedBps, etaSeconds };
  }
}
