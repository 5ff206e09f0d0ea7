import type { OperationId, VendorId } from '@shared/operations';
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

export interface PollTarget {
  jobId: string;
  vendor: VendorId;
  operation: OperationId;
  taskId: string;
  /** When the vendor accepted the task (ms epoch), so the interval grows with the task's age. */
  since: number;
  progress?: number;
}

interface Tracked extends PollTarget {
  progress: number;
  dueAt: number;
  /** The last interval, used to decide whether an early look in a batch is worth it. */
  interval: number;
  inFlight: boolean;
  failures: number;
  /** After a failed batch, poll alone so one bad task cannot block the others. */
  solo: boolean;
}

export interface PollerDeps {
  clock: Clock;
  /** Vendor time runs this many times faster than the clock (tests, benchmarks); 1 in real use. */
  timeScale: number;
  query(vendor: VendorId, operation: OperationId, taskIds: string[]): Promise<TaskStatus[]>;
  /** Whether the vendor answers several tasks of one operation in one request. */
  batchable(vendor: VendorId): boolean;
  /** A task's state; return true when it is final and polling should stop. */
  onStatus(jobId: string, status: TaskStatus): boolean;
  /** A poll failed; the engine may pause the vendor or drop jobs, otherwise they are retried later. */
  onError(vendor: VendorId, jobIds: string[], error: unknown, failures: number): void;
}

/**
 * One timer for all running jobs: each job has a due time, a tick sends what is due (HiDream tasks of one
 * operation in one batch request, pulling in those due soon), and a job is never in two requests at once.
 */
export class Poller {
  private readonly tracked = new Map<string, Tracked>();
  private readonly paused = new Set<VendorId>();
  private readonly inFlight: Record<VendorId, number> = { hidream: 0, haiper: 0 };
  private cancelTimer: (() => void) | null = null;
  private timerAt = Infinity;
  private closed = false;

  constructor(private readonly deps: PollerDeps) {}

  private real(vendorMs: number): number {
    return vendorMs / this.deps.timeScale;
  }

  track(target: PollTarget): void {
    if (this.closed) return;
    const now = this.deps.clock.now();
    const elapsed = (now - target.since) * this.deps.timeScale;
    const progress = target.progress ?? 0;
    const first = elapsed < POLL.first ? POLL.first - elapsed : pollDelay(elapsed, progress);
    const interval = jitter(this.deps.clock, first);
    this.tracked.set(target.jobId, { ...target, progress, dueAt: now + this.real(interval), interval, inFlight: false, failures: 0, solo: false });
    this.arm();
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

  pause(vendor: VendorId): void {
    this.paused.add(vendor);
  }

  /** Resumes a paused vendor's jobs with an immediate look. */
  resume(vendor: VendorId): void {
    if (!this.paused.delete(vendor)) return;
    const now = this.deps.clock.now();
    for (const t of this.tracked.values()) if (t.vendor === vendor) t.dueAt = now;
    this.tick();
  }

  isPaused(vendor: VendorId): boolean {
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
    if (this.closed) return;
    let next = Infinity;
    for (const t of this.tracked.values()) {
      // A vendor at its request cap is looked at again when one of its requests returns.
      if (t.inFlight || this.paused.has(t.vendor) || this.inFlight[t.vendor] >= POLL.maxInFlight) continue;
      if (t.dueAt < next) next = t.dueAt;
    }
    if (next === this.timerAt) return;
    this.cancelTimer?.();
    this.cancelTimer = null;
    this.timerAt = next;
    if (next === Infinity) return;
    this.cancelTimer = this.deps.clock.setTimeout(() => {
      this.cancelTimer = null;
      this.timerAt = Infinity;
      this.tick();
    }, next - this.deps.clock.now());
  }

  private tick(): void {
    if (this.closed) return;
    const now = this.deps.clock.now();
    const idle = [...this.tracked.values()].filter((t) => !t.inFlight && !this.paused.has(t.vendor));
    const due = idle.filter((t) => t.dueAt <= now).sort((a, b) => a.dueAt - b.dueAt);
    for (const vendor of ['hidream', 'haiper'] as const) {
      for (const group of this.requests(vendor, due, idle, now)) {
        if (this.inFlight[vendor] >= POLL.maxInFlight) break;
        void this.send(vendor, group);
      }
    }
    this.arm();
  }

  /** Groups the vendor's due jobs into requests, oldest due first. */
  private requests(vendor: VendorId, due: Tracked[], idle: Tracked[], now: number): Tracked[][] {
    const mine = due.filter((t) => t.vendor === vendor);
    if (!this.deps.batchable(vendor)) return mine.map((t) => [t]);
    const groups: Tracked[][] = [];
    const taken = new Set<string>();
    for (const t of mine) {
      if (taken.has(t.jobId)) continue;
      if (t.solo) {
        groups.push([t]);
        taken.add(t.jobId);
        continue;
      }
      // Others of the same operation come along if they would be due within half their interval anyway:
      // the request is paid once, and a slightly early look costs nothing more.
      const mates = idle
        .filter((o) => o.vendor === vendor && o.operation === t.operation && !o.solo && !taken.has(o.jobId))
        .filter((o) => o.dueAt <= now || o.dueAt - now <= this.real(o.interval) / 2)
        .sort((a, b) => a.dueAt - b.dueAt);
      for (let i = 0; i < mates.length; i += POLL.maxBatch) {
        const batch = mates.slice(i, i + POLL.maxBatch);
        // Only the part that holds an overdue job is worth sending now.
        if (!batch.some((o) => o.dueAt <= now)) break;
        batch.forEach((o) => taken.add(o.jobId));
        groups.push(batch);
      }
    }
    return groups;
  }

  private async send(vendor: VendorId, group: Tracked[]): Promise<void> {
    const first = group[0];
    if (!first) return;
    for (const t of group) t.inFlight = true;
    this.inFlight[vendor]++;
    try {
      let statuses: TaskStatus[];
      try {
        statuses = await this.deps.query(vendor, first.operation, group.map((t) => t.taskId));
      } catch (error) {
        this.failed(vendor, group, error);
        return;
      }
      const now = this.deps.clock.now();
      for (const t of group) {
        t.inFlight = false;
        if (this.closed || this.tracked.get(t.jobId) !== t) continue;
        const status = statuses.find((s) => s.taskId === t.taskId);
        if (!status) {
          this.retryLater(t, now);
          continue;
        }
        t.failures = 0;
        t.solo = false;
        if (this.deps.onStatus(t.jobId, status)) {
          this.tracked.delete(t.jobId);
          continue;
        }
        const outputs = status.outputs;
        t.progress = outputs.length ? outputs.reduce((sum, o) => sum + o.progress, 0) / outputs.length : 0;
        t.interval = jitter(this.deps.clock, pollDelay((now - t.since) * this.deps.timeScale, t.progress));
        t.dueAt = now + this.real(t.interval);
      }
    } finally {
      this.inFlight[vendor]--;
      this.tick();
    }
  }

  private failed(vendor: VendorId, group: Tracked[], error: unknown): void {
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

  private retryLater(t: Tracked, now: number, count = true): void {
    if (count) t.failures++;
    t.interval = jitter(this.deps.clock, errorBackoff(t.failures));
    t.dueAt = now + this.real(t.interval);
  }
}
