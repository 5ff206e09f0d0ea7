import type { Clock } from '@main/core/jobs/clock';

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
}

/** Lets queued promise chains (fake vendors answer with resolved promises) run to completion. */
export async function settle(rounds = 10): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** A clock that only moves when told to; `random()` is fixed so jitter is neutral (×1). */
export class FakeClock implements Clock {
  private timers: Timer[] = [];
  private seq = 0;

  constructor(private t = 1_700_000_000_000) {}

  now(): number {
    return this.t;
  }

  random(): number {
    return 0.5;
  }

  setTimeout(fn: () => void, ms: number): () => void {
    const timer = { at: this.t + Math.max(0, ms), seq: this.seq++, fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way, in order. */
  async advance(ms: number): Promise<void> {
    const target = this.t + ms;
    await settle();
    for (;;) {
      const next = this.timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!next) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.t = Math.max(this.t, next.at);
      next.fn();
      await settle();
    }
    this.t = target;
    await settle();
  }

  /** Advances in steps until `done()` holds; fails after `limitMs`. */
  async until(done: () => boolean, limitMs = 3_600_000, stepMs = 500): Promise<void> {
    for (let spent = 0; !done(); spent += stepMs) {
      if (spent > limitMs) throw new Error(`condition not reached within ${limitMs} ms of fake time`);
      await this.advance(stepMs);
    }
  }
}
