import { VendorError } from './types';

export interface RetryPolicy {
  /** Attempts after the first one. */
  retries: number;
  /** The first backoff ceiling; it doubles per attempt up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Injectable for tests; resolves after `ms`, rejects when `signal` aborts. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Injectable for tests; uniform in [0, 1). */
  random: () => number;
}

export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(canceled());
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(canceled());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function canceled(): VendorError {
  return new VendorError('canceled', 'Canceled.', { delivery: 'not_sent' });
}

export const DEFAULT_QUERY_RETRY: RetryPolicy = {
  retries: 4,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  sleep: abortableSleep,
  random: Math.random,
};

/**
 * "Full jitter" backoff: a uniform delay below an exponentially growing ceiling, so many clients that
 * failed together do not come back together. A vendor's Retry-After is a floor.
 */
export function backoffDelay(attempt: number, policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs' | 'random'>, retryAfterMs?: number | null): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  const jittered = Math.floor(policy.random() * ceiling);
  return Math.max(jittered, Math.min(retryAfterMs ?? 0, policy.maxDelayMs * 4));
}

/** Failures a repeated read can outlast: the network, a slow or overloaded server, a rate limit. */
export function isTransient(error: unknown): error is VendorError {
  return error instanceof VendorError && ['network', 'timeout', 'server', 'rate_limit'].includes(error.kind);
}

/**
 * Runs `attempt` until it succeeds, `shouldRetry` says no, or the retries are used up; the last error is
 * thrown as is. `onRetry` sees each error that will be retried (for logging).
 */
export async function withRetry<T>(
  attempt: (n: number) => Promise<T>,
  options: {
    policy: RetryPolicy;
    shouldRetry: (error: unknown) => boolean;
    signal?: AbortSignal | undefined;
    onRetry?: (error: unknown, delayMs: number, n: number) => void;
  },
): Promise<T> {
  const { policy, shouldRetry, signal } = options;
  for (let n = 0; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      if (n >= policy.retries || !shouldRetry(error) || signal?.aborted) throw error;
      const delay = backoffDelay(n, policy, error instanceof VendorError ? error.retryAfterMs : null);
      options.onRetry?.(error, delay, n);
      await policy.sleep(delay, signal);
    }
  }
}
