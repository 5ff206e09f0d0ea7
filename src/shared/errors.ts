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

/** The plain-data form of an error, safe to serialize over IPC, into the DB or as CLI JSON. */
export interface ErrorInfo {
  kind: ErrorKind;
  message: string;
  issues?: ErrorIssue[];
}

export class AppError extends Error {
  readonly kind: ErrorKind;
  readonly issues: ErrorIssue[] | undefined;

  constructor(kind: ErrorKind, message: string, options?: { issues?: ErrorIssue[]; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.kind = kind;
    this.issues = options?.issues;
  }

  toInfo(): ErrorInfo {
    return this.issues ? { kind: this.kind, message: this.message, issues: this.issues } : { kind: this.kind, message: this.message };
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}
