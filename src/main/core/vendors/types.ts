import { AppError, type ErrorInfo, type ErrorIssue, type ErrorKind, type NetFailure } from '@shared/errors';
import type { MediaKind, OperationId, ValidParams, VendorId } from '@shared/catalog';

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
  /**
   * Set when this output failed: `moderation` (HiDream task_status 4), `generation_failed` (status 3,
   * an unknown status, Haiper FAIL), `expired` (finished, but the URL was already past its expiry when
   * we saw it), `bad_response` (reported done without a URL).
   */
  error: ErrorInfo | null;
  /**
   * A status the vendor's page does not document (e.g. Haiper "CANCELLED"), as sent. The output counts
   * as still running: the vendor may yet finish (and bill) it, so the engine keeps asking for a while.
   */
  unknownStatus?: string;
}

/**
 * One task's state as one poll saw it. `outputs` may be empty while the vendor has not started the
 * task yet (HiDream lists sub-task results only once they exist): treat that as pending.
 */
export interface TaskStatus {
  taskId: string;
  outputs: RemoteOutput[];
}

export interface SubmitRequest {
  operation: OperationId;
  /** Params in the vendor's field names, as `validateParams` accepted them (defaults filled): sent as they are. */
  params: ValidParams;
  /** HiDream's request_id: a UUID generated once per job and kept, so a resubmission is recognisable. Haiper has none and ignores it. */
  requestId: string;
  /** A local file streamed as base64 into the operation's `fileField`. */
  file?: string;
  /** Upload progress of `file`, in file bytes. */
  onUploadProgress?: (sentBytes: number, totalBytes: number) => void;
  signal?: AbortSignal;
}

/**
 * Whether a failed request may have reached the vendor. This is what decides if a submission may be
 * sent again: a second copy of a submission the vendor did receive can be billed twice.
 *
 * - `not_sent`: nothing was written to an established connection (refused, DNS, connect timeout,
 *   invalid input, canceled while queued). Safe to send again.
 * - `rejected`: the vendor answered and refused it (auth, rate limit, its own validation, HiDream
 *   `code != 0`, any 4xx). No task was created; send again once the cause is fixed.
 * - `maybe_sent`: the request was written and no clear answer came back (connection cut, timeout
 *   waiting for the answer, 5xx, an unreadable answer, canceled mid-flight). A task may exist: never
 *   resend without the user's say.
 */
export type Delivery = 'not_sent' | 'rejected' | 'maybe_sent';

export interface VendorErrorDetails {
  delivery: Delivery;
  issues?: ErrorIssue[];
  /** HTTP status when the vendor answered. */
  status?: number | null;
  /** HiDream's `code` when it was not 0. */
  vendorCode?: number | null;
  /** The answer's body, redacted and truncated, for the job log. Never shown in the UI. */
  rawBody?: string | null;
  /** From `Retry-After` on a rate-limited answer. */
  retryAfterMs?: number | null;
  /** A connection that failed for a known reason, so the UI can word it in its language. */
  net?: NetFailure;
  cause?: unknown;
}

/**
 * The only error a `VendorClient` throws (kinds: `validation`, `auth`, `rate_limit`, `vendor`, `network`,
 * `timeout`, `server`, `bad_response`, `canceled`). Messages name the vendor and never contain a key.
 */
export class VendorError extends AppError {
  readonly delivery: Delivery;
  readonly status: number | null;
  readonly vendorCode: number | null;
  readonly rawBody: string | null;
  readonly retryAfterMs: number | null;

  constructor(kind: ErrorKind, message: string, details: VendorErrorDetails) {
    super(kind, message, { issues: details.issues, cause: details.cause, ...(details.net ? { net: details.net } : {}) });
    this.name = 'VendorError';
    this.delivery = details.delivery;
    this.status = details.status ?? null;
    this.vendorCode = details.vendorCode ?? null;
    this.rawBody = details.rawBody ?? null;
    this.retryAfterMs = details.retryAfterMs ?? null;
  }

  /** True when sending the same submission again cannot create a second task. */
  get resendSafe(): boolean {
    return this.delivery !== 'maybe_sent';
  }
}

export function isVendorError(value: unknown): value is VendorError {
  return value instanceof VendorError;
}

/**
 * May this failed submission be sent again without risking a double bill? Anything that is not a
 * `VendorError` counts as "maybe sent": when in doubt, ask the user.
 */
export function isResendSafe(error: unknown): boolean {
  return isVendorError(error) && error.resendSafe;
}

/**
 * The engine's only view of a vendor. Every method throws `VendorError` (see its kinds above).
 */
export interface VendorClient {
  readonly vendor: VendorId;
  /**
   * Sends one submission, trusting its validated params. The client itself resends only when the connection was never
   * established (`delivery: 'not_sent'`); every other failure is thrown with its `delivery`, and the
   * caller must not resend a `maybe_sent` one blindly (see `isResendSafe`).
   */
  submit(request: SubmitRequest): Promise<Submission>;
  /**
   * Queries one or more tasks of one operation, in the order given; HiDream batches, Haiper asks for each.
   * Retried with backoff on network, timeout, 5xx and rate-limit answers before it throws. All or nothing:
   * one task the vendor does not know fails the call, so query tasks alone when that must not matter.
   */
  query(operation: OperationId, taskIds: string[], signal?: AbortSignal): Promise<TaskStatus[]>;
  /** A cheap authenticated request that creates no billable work, for "Test connection". Throws `auth` for a bad key. */
  checkConnection(signal?: AbortSignal): Promise<void>;
  close(): Promise<void>;
}
