import type { ErrorInfo } from '@shared/errors';
import type { MediaKind, OperationId, VendorId } from '@shared/operations';

/** What a vendor said when it accepted a submission. */
export interface Submission {
  taskId: string;
  /** HiDream returns one sub-task per output (e.g. per image); Haiper has none. */
  subTaskIds: string[];
}

export type RemoteState = 'pending' | 'running' | 'succeeded' | 'failed';

export interface RemoteOutput {
  subTaskId: string | null;
  state: RemoteState;
  /** 0..1 */
  progress: number;
  kind: MediaKind;
  url: string | null;
  /** ms epoch when `url` stops working, if the vendor says (Haiper's expireTime). */
  expiresAt: number | null;
  /** Set when this output failed: `moderation`, `generation_failed`… */
  error: ErrorInfo | null;
}

/** One task's state as one poll saw it. */
export interface TaskStatus {
  taskId: string;
  outputs: RemoteOutput[];
}

export interface SubmitRequest {
  operation: OperationId;
  /** Validated params (vendor field names, defaults filled). */
  params: Record<string, unknown>;
  /** HiDream's request_id: generated once per job and kept, so a retry is recognisable. */
  requestId: string;
  /** A local video to stream as base64 into the operation's video field. */
  file?: string;
  signal?: AbortSignal;
}

/**
 * The engine's only view of a vendor. Implementations throw `AppError` with the vendor taxonomy
 * (`auth`, `rate_limit`, `vendor`, `network`, `timeout`, `server`, `bad_response`, …).
 */
export interface VendorClient {
  readonly vendor: VendorId;
  /**
   * Never retried blindly: a submission that may have reached the vendor could bill twice. Only a
   * failure before the connection was established may be retried, and the error says so
   * (`AppError` with kind `network` and `retryable: true` in its `cause`… see the implementation).
   */
  submit(request: SubmitRequest): Promise<Submission>;
  /** Query one or more tasks of one operation; HiDream may batch, Haiper queries each. */
  query(operation: OperationId, taskIds: string[], signal?: AbortSignal): Promise<TaskStatus[]>;
  /** A cheap authenticated request that creates no billable work, for "Test connection". */
  checkConnection(signal?: AbortSignal): Promise<void>;
  close(): Promise<void>;
}
