import type { ErrorInfo } from './errors';
import type { MediaKind, OperationId, VendorId } from './catalog/spec';

/**
 * A job's life: queued → submitting → running → succeeded | failed | canceled, and needs_attention
 * when only the user can decide (a submission that may have been billed, an expired key).
 */
export const JOB_STATUSES = ['queued', 'submitting', 'running', 'succeeded', 'failed', 'canceled', 'needs_attention'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export const FINAL_JOB_STATUSES: readonly JobStatus[] = ['succeeded', 'failed', 'canceled'];

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
  /** ms epoch before which a queued job is not submitted again (rate-limit or network backoff). */
  notBefore: number | null;
  attempts: number;
  createdAt: number;
  updatedAt: number;
  submittedAt: number | null;
  finishedAt: number | null;
  outputs: JobOutput[];
}
