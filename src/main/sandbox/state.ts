import { createHash, randomUUID } from 'node:crypto';
import type { MediaKind, OperationId, RateCategory, VendorId } from '@shared/catalog';
import type { SandboxMarkerName } from './markers';

/** What a sub-task (HiDream) or task (Haiper) ends as. */
export type Outcome = 'success' | 'moderation' | 'fail' | 'unknown';

export interface SandboxOutput {
  subTaskId: string;
  /** ms after the task was created when it leaves the queue, and when it reaches its final state. */
  startsAt: number;
  endsAt: number;
  outcome: Outcome;
  file: string;
}

export interface SandboxTask {
  vendor: VendorId;
  operation: OperationId;
  category: RateCategory;
  taskId: string;
  requestId: string | null;
  createdAt: number;
  outputs: SandboxOutput[];
  markers: Set<SandboxMarkerName>;
  /** Query requests that included this task. */
  queries: number;
}

export type OutputPhase = 'waiting' | 'running' | Outcome;

export interface OutputView {
  phase: OutputPhase;
  /** 0..1 */
  progress: number;
  /** When the output's URL stops working (ms epoch); set once it succeeded. */
  expiresAt: number | null;
}

export type LimitReason = 'hidream.image' | 'hidream.video' | 'hidream.stylize' | 'hidream.concurrency' | 'haiper.rate' | 'haiper.concurrency';

export interface LimitConfig {
  hidream: { perMinute: Record<RateCategory, number>; concurrency: number };
  haiper: { perMinute: number; concurrency: number };
  windowMs: number;
}

export interface TimingConfig {
  /** Base durations before `timeScale`, as [shortest, longest] ms. */
  durations: Record<MediaKind, [number, number]>;
  timeScale: number;
  mediaTtlMs: number;
}

export type SubmissionOutcome = 'created' | 'refused_auth' | 'refused_invalid' | 'refused_limit' | 'refused_code' | 'gateway_502';

/** A submission body as received, with a streamed video replaced by its size. */
export type SubmittedBody = Record<string, unknown> | null;

export interface SubmissionRecord {
  at: number;
  vendor: VendorId;
  operation: OperationId;
  requestId: string | null;
  taskId: string | null;
  outcome: SubmissionOutcome;
  markers: SandboxMarkerName[];
  /** What reached the wire, so tests can assert the exact fields sent (e.g. no empty prompt). */
  body?: SubmittedBody;
}

export interface UploadRecord {
  requestId: string | null;
  /** Decoded size and digest of the base64 video the sandbox received in a file field. */
  bytes: number;
  sha256: string;
  container: string | null;
}

/** Server-side counters, for tests that check what the client really did. */
export interface SandboxStats {
  /** Every submit request, in order (the last 1000). Counters of tasks long gone are dropped with them. */
  submissions: SubmissionRecord[];
  tasksCreated: number;
  /** Submit requests per HiDream request_id, whatever their outcome: more than one means a resend. */
  submissionsByRequestId: Record<string, number>;
  /** Result query requests served (a batch counts once). */
  queries: number;
  /** HiDream batch query requests received, whatever they answered. */
  batchQueries: number;
  /** Query requests that included each task. */
  queriesByTask: Record<string, number>;
  /** Most unfinished tasks seen at once, per vendor and per HiDream category. */
  maxConcurrent: Record<VendorId | RateCategory, number>;
  /** Submissions refused because the client went over a limit (`[limit]` markers not counted). */
  limitViolations: { total: number } & Partial<Record<LimitReason, number>>;
  authFailures: number;
  /** The last 1000 stylize uploads received as base64. */
  uploads: UploadRecord[];
  /** Requests for result media. */
  mediaRequests: number;
}

const KEEP_SUBMISSIONS = 1000;

function fraction(seed: string): number {
  return createHash('sha256').update(seed).digest().readUInt32BE(0) / 2 ** 32;
}

/**
 * The sandbox's tasks, limits and counters. Nothing runs on a timer: a task's state is computed from the
 * time elapsed since it was created whenever it is asked for, so a thousand tasks cost nothing at rest.
 */
export class SandboxState {
  readonly tasks = new Map<string, SandboxTask>();
  private readonly windows = new Map<string, number[]>();
  private readonly counters: Omit<SandboxStats, 'submissionsByRequestId' | 'queriesByTask' | 'mediaRequests'>;
  private readonly byRequestId = new Map<string, number>();
  private readonly byTask = new Map<string, number>();

  constructor(
    readonly limits: LimitConfig,
    readonly timing: TimingConfig,
    readonly now: () => number,
  ) {
    this.counters = {
      submissions: [],
      tasksCreated: 0,
      queries: 0,
      batchQueries: 0,
      maxConcurrent: { hidream: 0, haiper: 0, image: 0, video: 0, stylize: 0 },
      limitViolations: { total: 0 },
      authFailures: 0,
      uploads: [],
    };
  }

  stats(mediaRequests: number): SandboxStats {
    return structuredClone({
      ...this.counters,
      submissionsByRequestId: Object.fromEntries(this.byRequestId),
      queriesByTask: Object.fromEntries(this.byTask),
      mediaRequests,
    });
  }

  recordSubmission(record: Omit<SubmissionRecord, 'at'>): void {
    this.counters.submissions.push({ ...record, at: this.now() });
    if (this.counters.submissions.length > KEEP_SUBMISSIONS) this.counters.submissions.shift();
    if (record.requestId) this.byRequestId.set(record.requestId, (this.byRequestId.get(record.requestId) ?? 0) + 1);
    if (record.outcome === 'refused_auth') this.counters.authFailures++;
  }

  recordAuthFailure(): void {
    this.counters.authFailures++;
  }

  recordUpload(upload: UploadRecord): void {
    this.counters.uploads.push(upload);
    if (this.counters.uploads.length > KEEP_SUBMISSIONS) this.counters.uploads.shift();
  }

  recordBatchQuery(): void {
    this.counters.batchQueries++;
  }

  /** Whether a body was seen before (for `[busy]`: refused the first time only). */
  private readonly seenBodies = new Set<string>();
  firstTime(key: string): boolean {
    if (this.seenBodies.has(key)) return false;
    this.seenBodies.add(key);
    return true;
  }

  recordQuery(tasks: SandboxTask[]): void {
    this.counters.queries++;
    for (const task of tasks) {
      task.queries++;
      this.byTask.set(task.taskId, task.queries);
    }
  }

  private unfinished(vendor: VendorId, category?: RateCategory): number {
    const now = this.now();
    let count = 0;
    for (const task of this.tasks.values()) {
      if (task.vendor !== vendor || (category && task.category !== category)) continue;
      if (now < task.createdAt + Math.max(...task.outputs.map((o) => o.endsAt))) count++;
    }
    return count;
  }

  /**
   * Whether one more task with `count` outputs fits the vendor's limits; the reason when it does not.
   * HiDream counts each image or video against its category's per-minute limit, and unfinished tasks
   * against the membership's concurrency; Haiper's limits here are invented (UNCERTAIN, none published).
   */
  overLimit(vendor: VendorId, category: RateCategory, count: number): LimitReason | null {
    const now = this.now();
    const key = vendor === 'hidream' ? `hidream.${category}` : 'haiper.rate';
    const perMinute = vendor === 'hidream' ? this.limits.hidream.perMinute[category] : this.limits.haiper.perMinute;
    const concurrency = vendor === 'hidream' ? this.limits.hidream.concurrency : this.limits.haiper.concurrency;
    const window = (this.windows.get(key) ?? []).filter((t) => t > now - this.limits.windowMs);
    this.windows.set(key, window);
    let reason: LimitReason | null = null;
    if (this.unfinished(vendor) >= concurrency) reason = `${vendor}.concurrency`;
    else if (window.length + count > perMinute) reason = key as LimitReason;
    if (reason) {
      this.counters.limitViolations.total++;
      this.counters.limitViolations[reason] = (this.counters.limitViolations[reason] ?? 0) + 1;
    }
    return reason;
  }

  /** When the oldest entry of a full per-minute window frees up, for Retry-After. */
  retryAfterMs(vendor: VendorId, category: RateCategory): number {
    const window = this.windows.get(vendor === 'hidream' ? `hidream.${category}` : 'haiper.rate') ?? [];
    const oldest = window[0];
    return oldest === undefined ? 1_000 : Math.max(1_000, oldest + this.limits.windowMs - this.now());
  }

  createTask(input: {
    vendor: VendorId;
    operation: OperationId;
    category: RateCategory;
    kind: MediaKind;
    requestId: string | null;
    markers: Set<SandboxMarkerName>;
    files: string[];
  }): SandboxTask {
    const now = this.now();
    this.prune(now);
    const taskId = randomUUID();
    const [shortest, longest] = this.timing.durations[input.kind];
    const scale = this.timing.timeScale * (input.markers.has('[slow]') ? 10 : 1);
    const staggered = input.markers.has('[staggered]');
    const outputs = input.files.map((file, index): SandboxOutput => {
      const duration = Math.max(1, Math.round((shortest + fraction(`${taskId}:${index}`) * (longest - shortest)) * scale));
      const outcome = this.outcome(input.markers, index, input.files.length);
      // Staggered: each sub-task starts once the one before it is done, as a queue of one would run them.
      const offset = staggered ? Math.round(index * longest * scale * 1.2) : 0;
      // Moderation decides early; everything else runs its full course.
      const end = outcome === 'moderation' ? Math.round(duration * 0.3) : duration;
      return { subTaskId: randomUUID(), startsAt: offset + Math.round(duration * 0.15), endsAt: offset + end, outcome, file };
    });
    const task: SandboxTask = { ...input, taskId, createdAt: now, outputs, queries: 0 };
    this.tasks.set(taskId, task);
    this.counters.tasksCreated++;
    const key = input.vendor === 'hidream' ? `hidream.${input.category}` : 'haiper.rate';
    const window = this.windows.get(key) ?? [];
    for (let i = 0; i < (input.vendor === 'hidream' ? input.files.length : 1); i++) window.push(now);
    this.windows.set(key, window);
    const max = this.counters.maxConcurrent;
    max[input.vendor] = Math.max(max[input.vendor], this.unfinished(input.vendor));
    if (input.vendor === 'hidream') max[input.category] = Math.max(max[input.category], this.unfinished('hidream', input.category));
    return task;
  }

  private outcome(markers: Set<SandboxMarkerName>, index: number, count: number): Outcome {
    if (markers.has('[moderation]')) return 'moderation';
    if (markers.has('[fail]')) return 'fail';
    if (markers.has('[unknown-status]')) return 'unknown';
    if (markers.has('[partial]') && count > 1 && index === count - 1) return 'moderation';
    return 'success';
  }

  view(task: SandboxTask, output: SandboxOutput): OutputView {
    const elapsed = this.now() - task.createdAt;
    if (elapsed < output.startsAt) return { phase: 'waiting', progress: 0, expiresAt: null };
    if (elapsed < output.endsAt) {
      const progress = Math.min(0.99, Math.round(((elapsed - output.startsAt) / (output.endsAt - output.startsAt)) * 100) / 100);
      return { phase: 'running', progress, expiresAt: null };
    }
    if (output.outcome !== 'success') return { phase: output.outcome, progress: 1, expiresAt: null };
    const finishedAt = task.createdAt + output.endsAt;
    return { phase: 'success', progress: 1, expiresAt: task.markers.has('[expired]') ? finishedAt : finishedAt + this.timing.mediaTtlMs };
  }

  /** Forgets tasks long finished and past their media's life, so a sandbox running for days stays small. */
  private prune(now: number): void {
    for (const [id, task] of this.tasks) {
      const end = task.createdAt + Math.max(...task.outputs.map((o) => o.endsAt));
      if (end + this.timing.mediaTtlMs + 600_000 < now) {
        this.tasks.delete(id);
        this.byTask.delete(id);
        if (task.requestId) this.byRequestId.delete(task.requestId);
      }
    }
  }
}
