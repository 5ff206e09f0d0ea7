/**
 * Everything time- or chance-dependent in the engine (jobs and downloads) goes through a `Clock`, so
 * tests drive the queue, the poller and the lease timers with a fake clock instead of waiting, and the
 * same code runs at full speed.
 */
export interface Clock {
  now(): number;
  /**
   * Calls `fn` after `ms`; returns a function that cancels it. `background`: the timer alone does not
   * keep the process alive (lease renewals, sweeps), so a CLI run ends when its real work is done.
   */
  setTimeout(fn: () => void, ms: number, options?: { background?: boolean }): () => void;
  /** Uniform in [0, 1), for jitter. */
  random(): number;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms, options) => {
    const timer = setTimeout(fn, Math.max(0, ms));
    if (options?.background) timer.unref();
    return () => clearTimeout(timer);
  },
  random: () => Math.random(),
};

/** `ms` spread by ±`spread` (0.2 = ±20 %), so jobs started together do not poll together forever. */
export function jitter(clock: Clock, ms: number, spread = 0.2): number {
  return ms * (1 - spread + 2 * spread * clock.random());
}
