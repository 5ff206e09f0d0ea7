import { useCallback, useState, useSyncExternalStore } from 'react';

/**
 * One interval per period for the whole window, however many rows show a clock, and none while no
 * enabled component listens: a list of finished jobs ticks nothing.
 */
interface Ticker {
  now: number;
  listeners: Set<() => void>;
  timer: ReturnType<typeof setInterval> | undefined;
}

const tickers = new Map<number, Ticker>();

function tickerFor(intervalMs: number): Ticker {
  let ticker = tickers.get(intervalMs);
  if (!ticker) {
    ticker = { now: Date.now(), listeners: new Set(), timer: undefined };
    tickers.set(intervalMs, ticker);
  }
  return ticker;
}

function subscribe(intervalMs: number, listener: () => void): () => void {
  const ticker = tickerFor(intervalMs);
  ticker.listeners.add(listener);
  if (ticker.timer === undefined) {
    ticker.now = Date.now();
    ticker.timer = setInterval(() => {
      ticker.now = Date.now();
      for (const notify of ticker.listeners) notify();
    }, intervalMs);
  }
  return () => {
    ticker.listeners.delete(listener);
    if (ticker.listeners.size === 0 && ticker.timer !== undefined) {
      clearInterval(ticker.timer);
      ticker.timer = undefined;
    }
  };
}

const idle = (): (() => void) => () => undefined;

/** The current time, refreshed every `intervalMs` while `enabled` (a clock for elapsed times and countdowns). */
export function useNow(intervalMs: number, enabled = true): number {
  // A stopped clock shows the time it was first read; a started one catches up as it subscribes.
  const [frozen] = useState(Date.now);
  const listen = useCallback((listener: () => void) => (enabled ? subscribe(intervalMs, listener) : idle()), [intervalMs, enabled]);
  return useSyncExternalStore(listen, () => (enabled ? tickerFor(intervalMs).now : frozen));
}
