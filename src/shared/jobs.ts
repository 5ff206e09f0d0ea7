import type { ErrorInfo } from './errors';
import type { MediaKind, OperationId, RateCategory, VendorId } from './catalog/spec';

/**
 * A job's life: queued → submitting → running → succeeded | partial | failed | canceled, and
 * needs_attention when only the user can decide (a submission that may have been billed, a status the
 * vendor never documented). `succeeded` means every output the vendor was asked for is saved (or being
 * saved); `partial` means some are and some were lost (rejected, failed, or their link expired before
 * they were saved); `failed` means none is.
 */
export const JOB_STATUSES = ['queued', 'submitting', 'running', 'succeeded', 'failed', 'canceled', 'needs_attention', 'partial'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export const FINAL_JOB_STATUSES: readonly JobStatus[] = ['succeeded', 'partial', 'failed', 'canceled'];

/** Final states the vendor's work reached; a download settling later may move a job between them. */
export const OUTCOME_STATUSES: readonly JobStatus[] = ['succeeded', 'partial', 'failed'];

/**
 * Why a queued job has not been sent yet, in data so each UI words it in its own language: the
 * account's concurrent tasks are all in use (by this or another Promptreel process on the same data
 * folder), its per-minute quota for this kind of task is spent, the vendor itself just answered "too
 * many", or an earlier job of the same kind waits to be retried (jobs of one kind go in order).
 *
 * `until` (ms epoch, the engine's clock) is when the engine expects to try again, estimated where it
 * cannot know (a slot frees when a running task ends); null when it has no estimate. `ahead` counts
 * the jobs of the same kind in line before this one: with any, `until` is the earliest it could go.
 */
export type WaitReason = (
  | { kind: 'concurrency'; vendor: VendorId; limit: number; /** HiDream membership level, when known. */ tier: string | null }
  | { kind: 'per_minute'; vendor: VendorId; category: RateCategory; limit: number }
  | { kind: 'rate_limited'; vendor: VendorId; category: RateCategory }
  | { kind: 'behind'; vendor: VendorId; category: RateCategory }
) & { until?: number | null; ahead?: number };

/**
 * Jobs in line are counted up to this many: past it, a reason says "more than" and no time, so a long
 * queue is not rewritten (and re-announced) in full each time the line moves.
 */
export const AHEAD_COUNTED = 50;

export function isFinalStatus(status: JobStatus): boolean {
  return FINAL_JOB_STATUSES.includes(status);
}

export type OutputStatus = 'pending' | 'running' | 'succeeded' | 'failed';

export interface JobOutput {
  id: string;
  index: number;
  subTaskId: string | null;
  status: OutputStatus;
  progress: number;
  kind: MediaKind | null;
  /** The vendor's result URL; it stops working at `expiresAt` (when known). */
  url: string | null;
  expiresAt: number | null;
  error: ErrorInfo | null;
  /** The download manager's record for this file, once the engine handed it over. */
  downloadId: string | null;
}

export interface Job {
  id: string;
  operation: OperationId;
  vendor: VendorId;
  status: JobStatus;
  /** Validated parameters in the vendor's field names, defaults filled in. */
  params: Record<string, unknown>;
  /** A local video streamed into the stylize request, if any. */
  inputFile: string | null;
  /** Where the results are written; null means the library folder. */
  outputDir: string | null;
  /** The library item this job was made from, for lineage. */
  parentItemId: string | null;
  requestId: string | null;
  taskId: string | null;
  progress: number;
  error: ErrorInfo | null;
  /**
   * Why the job waits: for the user's decision (needs_attention), or for a new key — a queued or running
   * job with `attention` set and `error.kind === 'auth'` is paused until the vendor's key changes.
   */
  attention: string | null;
  /** Set while a queued job waits for a free slot or per-minute quota (`attention` has it in English). */
  waiting: WaitReason | null;
  /** ms epoch before which a queued job is not submitted again (rate-limit or network backoff). */
  notBefore: number | null;
  attempts: number;
  /** The job this one was started to retry (the user's Retry), if any. */
  retryOf: string | null;
  /** The newest job started to retry this one, if any. */
  retriedBy: string | null;
  /** The user discarded it when asked (needs_attention → canceled): nothing failed. */
  discarded: boolean;
  /**
   * How long a task of this kind typically takes, in the engine's clock ms (the catalog's typical
   * durations, or the sandbox's while the vendor runs in it); null when unknown.
   */
  expectedMs: number | null;
  createdAt: number;
  updatedAt: number;
  submittedAt: number | null;
  finishedAt: number | null;
  outputs: JobOutput[];
  /**
   * The set this job was made in (one submit of N seeds, several styles…), or null. Optional in the type
   * only so records made before sets existed still type-check; the engine always sets it.
   */
  groupId?: string | null;
  /** Its position in the set, from 0 (the set's row order); null outside a set. */
  groupIndex?: number | null;
}

/** Below this much reported progress, the elapsed time says too little about the rest. */
const TRUSTED_PROGRESS = 0.05;

/**
 * When a running job will probably be done (ms epoch, same clock as `now`): from the vendor's progress
 * (elapsed × (1 − p) / p) once it reported some, else from the typical duration. Null when neither
 * says anything useful (no typical duration, or the job already took longer than usual without progress).
 */
export function expectedEnd(since: number, progress: number, expectedMs: number | null, now: number): number | null {
  const elapsed = Math.max(0, now - since);
  if (progress >= 1) return now;
  if (progress >= TRUSTED_PROGRESS) return now + (elapsed * (1 - progress)) / progress;
  if (expectedMs === null || elapsed >= expectedMs) return null;
  return since + expectedMs;
}

/** The remaining time of a running job in ms, or null when there is no honest estimate. */
export function remainingMs(job: Pick<Job, 'status' | 'progress' | 'expectedMs' | 'submittedAt' | 'createdAt'>, now: number): number | null {
  if (job.status !== 'running') return null;
  const end = expectedEnd(job.submittedAt ?? job.createdAt, job.progress, job.expectedMs, now);
  return end === null ? null : Math.max(0, end - now);
}
