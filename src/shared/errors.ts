/**
 * Every failure that crosses a boundary (IPC, CLI, job record) carries one of these kinds, so callers
 * branch on a stable word instead of parsing messages.
 */
export const ERROR_KINDS = [
  // vendor taxonomy (see the vendor layer)
  'validation',
  'auth',
  'rate_limit',
  'moderation',
  'generation_failed',
  'vendor',
  'network',
  'timeout',
  'server',
  'bad_response',
  'expired',
  // application / transport
  'invalid_input',
  'unknown_channel',
  'forbidden',
  'not_found',
  'conflict',
  'canceled',
  'io',
  'internal',
] as const;

export type ErrorKind = (typeof ERROR_KINDS)[number];

export interface ErrorIssue {
  /** Dotted path of the offending field, e.g. `settings.duration`; empty for the whole payload. */
  path: string;
  message: string;
  /** A parameter check's code (see the catalog's `ISSUE_CODES`): the UI words it again in its own language. */
  code?: string;
  params?: { keys?: string[]; allowed?: string[] };
}

/**
 * Why a connection failed, in data, so each UI words it in its own language (the engine's English
 * sentence is `networkSentence` in the main process's net words).
 */
export const NET_REASONS = ['not_found', 'lookup_failed', 'refused', 'no_response', 'cut_off', 'unreachable', 'cert_expired', 'cert_untrusted'] as const;
export type NetReason = (typeof NET_REASONS)[number];

export interface NetFailure {
  reason: NetReason;
  /** The host the connection was for, as the message names it. */
  host: string;
}

/** The plain-data form of an error, safe to serialize over IPC, into the DB or as CLI JSON. */
export interface ErrorInfo {
  kind: ErrorKind;
  message: string;
  issues?: ErrorIssue[];
  /** A failed connection's reason, when it is one of the known ones. */
  net?: NetFailure;
}

export class AppError extends Error {
  readonly kind: ErrorKind;
  readonly issues: ErrorIssue[] | undefined;
  readonly net: NetFailure | undefined;

  constructor(kind: ErrorKind, message: string, options?: { issues?: ErrorIssue[]; cause?: unknown; net?: NetFailure }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.kind = kind;
    this.issues = options?.issues;
    this.net = options?.net;
  }

  toInfo(): ErrorInfo {
    return { kind: this.kind, message: this.message, ...(this.issues ? { issues: this.issues } : {}), ...(this.net ? { net: this.net } : {}) };
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}
