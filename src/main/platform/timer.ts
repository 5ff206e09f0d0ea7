import { systemClock, type Clock } from './clock';

export interface EveryOptions {
  clock?: Clock;
  /**
   * A run threw or rejected; `failures` counts the failed runs in a row. The task runs again after
   * `ms` doubled per failure, up to `maxBackoffMs`.
   */
  onError: (error: unknown, failures: number) => void;
  /** The first run that succeeded after `failures` failed ones. */
  onRecovered?: (failures: number) => void;
  /** Longest wait between failed runs; default `ms` (a lease renewal must keep its pace). */
  maxBackoffMs?: number;
  /** Runs once right away instead of after the first `ms`. */
  immediately?: boolean;
}

/**
 * Runs `task` every `ms` until the returned function is called: the one way to run periodic work in
 * the engine. A run that throws or rejects is reported and retried, never thrown into the event loop
 * (where it would end the process: a busy or full database inside a lease renewal must not kill the app).
 * Runs never overlap (the next one is scheduled when the last one settled), and the timer alone does
 * not keep the process alive.
 */
export function every(ms: number, task: () => unknown, options: EveryOptions): () => void {
  const clock = options.clock ?? systemClock;
  const maxBackoff = Math.max(ms, options.maxBackoffMs ?? ms);
  let stopped = false;
  let failures = 0;
  let cancel: (() => void) | undefined;

  const schedule = (delay: number): void => {
    if (stopped) return;
    cancel = clock.setTimeout(run, delay, { background: true });
  };
  const succeeded = (): void => {
    if (failures) quietly(() => options.onRecovered?.(failures));
    failures = 0;
    schedule(ms);
  };
  const failed = (error: unknown): void => {
    failures++;
    quietly(() => {
      options.onError(error, failures);
    });
    schedule(Math.min(maxBackoff, ms * 2 ** (failures - 1)));
  };
  const run = (): void => {
    cancel = undefined;
    if (stopped) return;
    let result: unknown;
    try {
      result = task();
    } catch (error) {
      failed(error);
      return;
    }
    if (result instanceof Promise) result.then(succeeded, failed);
    else succeeded();
  };

  if (options.immediately) run();
  else schedule(ms);
  return () => {
    stopped = true;
    cancel?.();
  };
}

/** A reporter's own failure (a closed log stream…) must not take the timer down with it. */
function quietly(fn: () => void): void {
  try {
    fn();
  } catch {
    // Nothing left to report it to.
  }
}

/**
 * What a background failure means for the user, in words: the storage faults that are worth waiting
 * out (the database is busy, the disk is full) are named; anything else carries its own message.
 */
export function describeFailure(error: unknown): string {
  const e = error as { errcode?: unknown; code?: unknown; message?: unknown } | null;
  // node:sqlite puts SQLite's primary result code in `errcode` (extended codes keep it in the low byte).
  const sqlite = typeof e?.errcode === 'number' ? e.errcode & 0xff : undefined;
  if (sqlite === 5 || sqlite === 6) return 'the database is busy (another program holds a lock on it)';
  if (sqlite === 13 || e?.code === 'ENOSPC') return 'the disk is full';
  if (sqlite === 10) return 'the database could not be read or written (disk I/O error)';
  const message = e && typeof e.message === 'string' ? e.message : String(error);
  return message || 'an unknown error';
}

/** What the user is told about background work: it failed (and is retried), or works again. */
export interface BackgroundProblem {
  level: 'error' | 'info';
  message: string;
}

export interface BackgroundReport {
  onError: (error: unknown, failures: number) => void;
  onRecovered: (failures: number) => void;
}

/**
 * The usual reporting for a periodic task: every failure is logged; the user hears of the first one
 * of a streak (and of the recovery), not of every retry.
 */
export function reportBackground(
  what: string,
  log: { error(message: string, data?: Record<string, unknown>): void; info(message: string, data?: Record<string, unknown>): void },
  onProblem?: (problem: BackgroundProblem) => void,
): BackgroundReport {
  return {
    onError: (error, failures) => {
      log.error(`${what} failed; retrying`, { error, failures });
      if (failures === 1) onProblem?.({ level: 'error', message: `Promptreel could not ${what}: ${describeFailure(error)}. It keeps retrying.` });
    },
    onRecovered: (failures) => {
      log.info(`${what}: working again`, { failures });
      onProblem?.({ level: 'info', message: `Promptreel can ${what} again.` });
    },
  };
}
