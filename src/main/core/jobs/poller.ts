import { VENDOR_IDS, type OperationId, type VendorId } from '@shared/catalog';
import type { TaskStatus } from '../vendors/types';
import { jitter, type Clock } from './clock';

/** Poll timing, in vendor time (ms). */
export const POLL = {
  /** First look soon after acceptance: short jobs and early failures show up quickly. */
  first: 2_000,
  min: 1_000,
  max: 15_000,
  /** Without progress from the vendor, wait this fraction of the time the job has run so far. */
  growth: 0.3,
  /** With progress, never less than this fraction of the elapsed time (a job stuck at 99 %). */
  floor: 0.1,
  /** Backoff after failed polls: doubles per failure from `min`, up to this. */
  errorMax: 60_000,
  /** HiDream's batch endpoint takes a list; UNCERTAIN: the page states no maximum, so stay modest. */
  maxBatch: 50,
  /** Requests in flight per vendor across all jobs, so a burst of due jobs does not flood it. */
  maxInFlight: 6,
} as const;

/**
 * How long to wait before the next look, from how long the task has run and the progress the vendor
 * reports. With progress the remaining time is estimated (elapsed × (1 − p) / p) and the next poll aimed
 * at it; without, the interval grows with the task's age. Clamped to [min, max]; the caller adds jitter.
 */
export function pollDelay(elapsed: number, progress: number): number {
  const delay = progress > 0.02 && progress < 1 ? Math.max((elapsed * (1 - progress)) / progress, POLL.floor * elapsed) : POLL.growth * elapsed;
  return Math.min(Math.max(delay, POLL.min), POLL.max);
}

export function errorBackoff(failures: number): number {
  return Math.min(POLL.min * 2 ** failures, POLL.errorMax);
}

export interface PollTarget<V extends string = VendorId> {
  jobId: string;
  vendor: V;
  operation: OperationId;
  taskId: string;
  /** When the vendor accepted the task (ms epoch), so the interval grows with the task's age. */
  since: number;
  progress?: number;
}

interface Tracked<V extends string> extends PollTarget<V> {
  progress: number;
  dueAt: number;
  /** The last interval, used to decide whether an early look in a batch is worth it. */
  interval: number;
  inFlight: boolean;
  failures: number;
  /** After a failed batch, poll alone so one bad task cannot block the others. */
  solo: boolean;
}

export interface PollerDeps<V extends string = VendorId> {
  /** The vendors polled, in turn; every vendor of the catalog unless told. */
  vendors?: readonly V[];
  clock: Clock;
  /** Vendor time runs this many times faster than the clock (tests, benchmarks); 1 in real use. */
  timeScale: number;
  query(vendor: V, operation: OperationId, taskIds: string[]): Promise<TaskStatus[]>;
  /** Whether the vendor answers several tasks of one operation in one request. */
  batchable(vendor: V): boolean;
  /** A task's state; return true when it is final and polling should stop. */
  onStatus(jobId: string, status: TaskStatus): boolean;
  /** A poll failed; the engine may pause the vendor or drop jobs, otherwise they are retried later. */
  onError(vendor: V, jobIds: string[], error: unknown, failures: number): void;
  /** Runs the handling of one answer's tasks as a unit (the engine commits them in one transaction). */
  atomically?(fn: () => void): void;
}

/**
 * One timer for all running jobs: each job has a due time, a tick sends what is due (HiDream tasks of one
 * operation in one batch request, pulling in those due soon), and a job is never in two requests at once.
 */
export class Poller<V extends string = VendorId> {
  private readonly tracked = new Map<string, Tracked<V>>();
  private readonly paused = new Set<V>();
  private readonly vendors: readonly V[];
  private readonly inFlight = new Map<V, number>();
  private cancelTimer: (() => void) | null = null;
  private timerAt = Infinity;
  private tickPending = false;
  private closed = false;

  constructor(private readonly deps: PollerDeps<V>) {
    this.vendors = deps.vendors ?? (VENDOR_IDS as readonly string[] as readonly V[]);
  }

  private real(vendorMs: number): number {
    return vendorMs / this.deps.timeScale;
  }

  track(target: PollTarget<V>): void {
    if (this.closed) return;
    const now = this.deps.clock.now();
    const elapsed = (now - target.since) * this.deps.timeScale;
    const progress = target.progress ?? 0;
    const first = elapsed < POLL.first ? POLL.first - elapsed : pollDelay(elapsed, progress);
    const interval = jitter(this.deps.clock, first);
    const dueAt = now + this.real(interval);
    this.tracked.set(target.jobId, { ...target, progress, dueAt, interval, inFlight: false, failures: 0, solo: false });
    // Only an earlier due time moves the timer: no scan of every job for each one added.
    if (dueAt < this.timerAt && !this.paused.has(target.vendor)) this.setTimer(dueAt);
  }

  untrack(jobId: string): void {
    this.tracked.delete(jobId);
  }

  has(jobId: string): boolean {
    return this.tracked.has(jobId);
  }

  get size(): number {
    return this.tracked.size;
  }

  pause(vendor: V): void {
    this.paused.add(vendor);
  }

  /** Resumes a paused vendor's jobs with an immediate look. */
  resume(vendor: V): void {
    if (!this.paused.delete(vendor)) return;
    const now = this.deps.clock.now();
    for (const t of this.tracked.values()) if (t.vendor === vendor) t.dueAt = now;
    this.tick();
  }

  isPaused(vendor: V): boolean {
    return this.paused.has(vendor);
  }

  close(): void {
    this.closed = true;
    this.cancelTimer?.();
    this.cancelTimer = null;
    this.tracked.clear();
  }

  /** Sets the one timer for the earliest due job that is not already being asked about. */
  private arm(): void {
    let next = Infinity;
    for (const t of this.tracked.values()) {
      // A vendor at its request cap is looked at again when one of its requests returns.
      if (t.inFlight || this.paused.has(t.vendor) || (this.inFlight.get(t.vendor) ?? 0) >= POLL.maxInFlight) continue;
      if (t.dueAt < next) next = t.dueAt;
    }
    if (next !== this.timerAt) this.setTimer(next);
  }

  private setTimer(at: number): void {
    if (this.closed) return;
    this.cancelTimer?.();
    this.cancelTimer = null;
    this.timerAt = at;
    if (at === Infinity) return;
    this.cancelTimer = this.deps.clock.setTimeout(() => {
      this.cancelTimer = null;
      this.timerAt = Infinity;
      this.tick();
    }, at - this.deps.clock.now());
  }

  /** One look at what is due, soon, however many requests just came back. */
  private scheduleTick(): void {
    if (this.tickPending || this.closed) return;
    this.tickPending = true;
    this.deps.clock.setTimeout(() => {
      this.tickPending = false;
      this.tick();
    }, 0);
  }

  private tick(): void {
    if (this.closed) return;
    const now = this.deps.clock.now();
    for (const vendor of this.vendors) {
      let room = POLL.maxInFlight - (this.inFlight.get(vendor) ?? 0);
      if (this.paused.has(vendor) || room <= 0) continue;
      const idle: Tracked<V>[] = [];
      for (const t of this.tracked.values()) if (t.vendor === vendor && !t.inFlight) idle.push(t);
      for (const group of this.requests(vendor, idle, now)) {
        if (room-- <= 0) break;
        void this.send(vendor, group);
      }
    }
    this.arm();
  }

  /** Groups the vendor's due jobs into requests, the most overdue first. */
  private requests(vendor: V, idle: Tracked<V>[], now: number): Tracked<V>[][] {
    const byDue = (a: Tracked<V>, b: Tracked<V>): number => a.dueAt - b.dueAt;
    const due = idle.filter((t) => t.dueAt <= now).sort(byDue);
    if (!due.length || !this.deps.batchable(vendor)) return due.map((t) => [t]);
    const groups: Tracked<V>[][] = due.filter((t) => t.solo).map((t) => [t]);
    // Others of an operation come along if they would be due within half their interval anyway: the
    // request is paid once, and a slightly early look costs nothing more.
    const byOperation = new Map<OperationId, Tracked<V>[]>();
    for (const t of idle) {
      if (t.solo || (t.dueAt > now && t.dueAt - now > this.real(t.interval) / 2)) continue;
      const list = byOperation.get(t.operation) ?? [];
      list.push(t);
      byOperation.set(t.operation, list);
    }
    for (const mates of byOperation.values()) {
      mates.sort(byDue);
      for (let i = 0; i < mates.length; i += POLL.maxBatch) {
        const batch = mates.slice(i, i + POLL.maxBatch);
        // Only a batch holding an overdue job is worth sending now.
        if ((batch[0]?.dueAt ?? Infinity) > now) break;
        groups.push(batch);
      }
    }
    return groups.sort((a, b) => (a[0]?.dueAt ?? 0) - (b[0]?.dueAt ?? 0));
  }

  private async send(vendor: V, group: Tracked<V>[]): Promise<void> {
    const first = group[0];
    if (!first) return;
    for (const t of group) t.inFlight = true;
    this.inFlight.set(vendor, (this.inFlight.get(vendor) ?? 0) + 1);
    try {
      let statuses: TaskStatus[];
      try {
        statuses = await this.deps.query(vendor, first.operation, group.map((t) => t.taskId));
      } catch (error) {
        this.failed(vendor, group, error);
        return;
      }
      const now = this.deps.clock.now();
      const handle = (): void => {
        for (const t of group) this.answered(t, statuses, now);
      };
      try {
        if (this.deps.atomically) this.deps.atomically(handle);
        else handle();
      } catch (error) {
        // The answers could not be recorded (a busy or full database): they are asked for again later.
        this.failed(vendor, group, error);
      }
    } finally {
      this.inFlight.set(vendor, (this.inFlight.get(vendor) ?? 1) - 1);
      this.scheduleTick();
    }
  }

  private answered(t: Tracked<V>, statuses: TaskStatus[], now: number): void {
    t.inFlight = false;
    if (this.closed || this.tracked.get(t.jobId) !== t) return;
    const status = statuses.find((s) => s.taskId === t.taskId);
    if (!status) {
      this.retryLater(t, now);
      return;
    }
    t.failures = 0;
    t.solo = false;
    if (this.deps.onStatus(t.jobId, status)) {
      this.tracked.delete(t.jobId);
      return;
    }
    const outputs = status.outputs;
    t.progress = outputs.length ? outputs.reduce((sum, o) => sum + o.progress, 0) / outputs.length : 0;
    t.interval = jitter(this.deps.clock, pollDelay((now - t.since) * this.deps.timeScale, t.progress));
    t.dueAt = now + this.real(t.interval);
  }

  private failed(vendor: V, group: Tracked<V>[], error: unknown): void {
    const now = this.deps.clock.now();
    for (const t of group) {
      t.inFlight = false;
      t.failures++;
      if (group.length > 1) t.solo = true;
    }
    this.deps.onError(
      vendor,
      group.map((t) => t.jobId),
      error,
      Math.max(...group.map((t) => t.failures)),
    );
    for (const t of group) if (this.tracked.get(t.jobId) === t) this.retryLater(t, now, false);
  }

  private retryLater(t: Tracked<V>, now: number, count = true): void {
    if (count) t.failures++;
    t.interval = jitter(this.deps.clock, errorBackoff(t.failures));
    t.dueAt = now + this.real(t.interval);
  }
}
