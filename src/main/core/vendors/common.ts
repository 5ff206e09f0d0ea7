import { formatIssue, OPERATIONS, type OperationId, type OperationSpec, type VendorId } from '@shared/catalog';
import type { Logger } from '../log';
import { DEFAULT_TIMEOUTS, type HttpTimeouts } from './http';
import { DEFAULT_QUERY_RETRY, isTransient, withRetry, type RetryPolicy } from './retry';
import { DEFAULT_MAX_UPLOAD_BYTES } from './upload';
import { VendorError } from './types';

export interface VendorClientOptions {
  timeouts?: Partial<HttpTimeouts>;
  /** Backoff for result queries (and connection checks): network, timeout, 5xx and 429 are retried. */
  queryRetry?: Partial<RetryPolicy>;
  /**
   * Backoff for resending a submission that never reached the vendor (`delivery: 'not_sent'`, e.g. the
   * connection was refused). Nothing else about a submission is ever retried here.
   */
  submitRetry?: Partial<RetryPolicy>;
  /** Largest local video accepted for stylization. */
  maxUploadBytes?: number;
  log?: Logger;
  /** Clock for expiry checks (tests). */
  now?: () => number;
}

export interface ResolvedOptions {
  timeouts: HttpTimeouts;
  queryRetry: RetryPolicy;
  submitRetry: RetryPolicy;
  maxUploadBytes: number;
  log: Logger | undefined;
  now: () => number;
}

export function resolveOptions(options: VendorClientOptions = {}): ResolvedOptions {
  return {
    timeouts: { ...DEFAULT_TIMEOUTS, ...options.timeouts },
    queryRetry: { ...DEFAULT_QUERY_RETRY, ...options.queryRetry },
    submitRetry: { ...DEFAULT_QUERY_RETRY, retries: 2, ...options.submitRetry },
    maxUploadBytes: options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES,
    log: options.log,
    now: options.now ?? Date.now,
  };
}

/** The operation's spec, if it belongs to this vendor. */
export function specFor(vendor: VendorId, operation: OperationId): OperationSpec {
  const spec = OPERATIONS[operation] as OperationSpec | undefined;
  if (!spec || spec.vendor !== vendor) {
    throw new VendorError('validation', `${operation} is not a ${vendor} operation.`, { delivery: 'not_sent' });
  }
  return spec;
}

/**
 * The field a request's local file goes into. The engine has already refused a file for an operation
 * without one; this only keeps a direct caller from sending a file nowhere.
 */
export function fileFieldFor(spec: OperationSpec, file: string | undefined): string | undefined {
  if (file === undefined) return undefined;
  if (spec.fileField === undefined) {
    throw new VendorError('validation', formatIssue(spec, { path: 'file', code: 'file_not_accepted' }, 'en'), { delivery: 'not_sent' });
  }
  return spec.fileField;
}

/** Resends a submission only while it provably never reached the vendor. */
export function submitWithResend<T>(send: () => Promise<T>, options: ResolvedOptions, signal: AbortSignal | undefined, what: string): Promise<T> {
  return withRetry(send, {
    policy: options.submitRetry,
    signal,
    shouldRetry: (error) => error instanceof VendorError && error.delivery === 'not_sent' && (error.kind === 'network' || error.kind === 'timeout'),
    onRetry: (error, delayMs) => options.log?.warn(`${what}: not sent, trying again`, { error, delayMs }),
  });
}

/** A read that can be repeated freely, retried with backoff through transient failures. */
export function readWithRetry<T>(read: () => Promise<T>, options: ResolvedOptions, signal: AbortSignal | undefined, what: string): Promise<T> {
  return withRetry(read, {
    policy: options.queryRetry,
    signal,
    shouldRetry: isTransient,
    onRetry: (error, delayMs) => options.log?.warn(`${what}: retrying`, { error, delayMs }),
  });
}

/** Runs `fn` over `items` with at most `limit` in flight, keeping the order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** The configured base URL, refused with a clear message unless it is an absolute http(s) URL. */
export function parseBaseUrl(vendorName: string, value: string): URL {
  const url = URL.canParse(value) ? new URL(value) : null;
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new VendorError('validation', `The ${vendorName} base URL must be an http(s) URL (got ${JSON.stringify(value)}).`, { delivery: 'not_sent' });
  }
  return url;
}

/** Joins a base URL's path and a relative path without doubling or losing slashes. */
export function joinPath(...parts: string[]): string {
  return `/${parts
    .map((p) => p.replace(/^\/+|\/+$/g, ''))
    .filter(Boolean)
    .join('/')}`;
}

export function clamp01(value: number): number {
  return Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0;
}
