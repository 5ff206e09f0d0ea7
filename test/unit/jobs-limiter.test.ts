import { describe, expect, it } from 'vitest';
import { defaultMembership, limitsFor } from '@shared/catalog';
import { DEFAULT_LIMIT_SETTINGS, RateLimiter } from '@main/core/jobs/limiter';

function limiter(perMinute = { image: 3, video: 2, stylize: 1 }, concurrency = 10) {
  return new RateLimiter({ hidream: { perMinute, concurrency }, haiper: { perMinute, concurrency } }, 60_000);
}

describe('rate limiter', () => {
  it('derives HiDream concurrency from the membership level, and Haiper limits from the user numbers', () => {
    expect(DEFAULT_LIMIT_SETTINGS.hidream).toEqual({ perMinute: { image: 100, video: 10, stylize: 2 }, concurrency: 1, tier: 'free' });
    expect(limitsFor({ ...defaultMembership(), hidream: 'L3' }).hidream.concurrency).toBe(7);
    expect(limitsFor({ ...defaultMembership(), haiper: { concurrency: 4, perMinute: 12 } }).haiper).toEqual({ perMinute: { image: 12, video: 12, stylize: 12 }, concurrency: 4 });
  });

  it('allows the per-minute limit per category, then says when the oldest answer leaves the window', () => {
    const l = limiter();
    expect(l.tryAcquire('a', 'hidream', 'video', 1, 0)).toEqual({ ok: true });
    l.answered('a', 'hidream', 'video', 1_000);
    expect(l.tryAcquire('b', 'hidream', 'video', 1, 2_000)).toEqual({ ok: true });
    l.answered('b', 'hidream', 'video', 3_000);
    expect(l.tryAcquire('c', 'hidream', 'video', 1, 4_000)).toMatchObject({ ok: false, retryAt: 61_001 });
    // Other categories and vendors have their own windows.
    expect(l.tryAcquire('d', 'hidream', 'image', 1, 4_000)).toEqual({ ok: true });
    expect(l.tryAcquire('e', 'haiper', 'video', 1, 4_000)).toEqual({ ok: true });
    expect(l.tryAcquire('c', 'hidream', 'video', 1, 61_000)).toMatchObject({ ok: false });
    expect(l.tryAcquire('c', 'hidream', 'video', 1, 61_001)).toEqual({ ok: true });
  });

  it('counts a submission still in flight, with no retry time until it is answered', () => {
    const l = limiter();
    l.tryAcquire('a', 'hidream', 'video', 1, 0);
    l.tryAcquire('b', 'hidream', 'video', 1, 0);
    expect(l.tryAcquire('c', 'hidream', 'video', 1, 120_000)).toMatchObject({ ok: false, retryAt: null });
    l.answered('a', 'hidream', 'video', 120_000);
    expect(l.tryAcquire('c', 'hidream', 'video', 1, 120_000)).toMatchObject({ ok: false, retryAt: 180_001 });
  });

  it('does not count a submission that never left', () => {
    const l = limiter();
    l.tryAcquire('a', 'hidream', 'stylize', 1, 0);
    l.withdraw('a', 'hidream', 'stylize');
    l.release('a', 'hidream');
    expect(l.tryAcquire('b', 'hidream', 'stylize', 1, 0)).toEqual({ ok: true });
  });

  it('weighs an image submission by its image count, capped at the limit', () => {
    const l = limiter();
    expect(l.tryAcquire('a', 'hidream', 'image', 2, 0)).toEqual({ ok: true });
    expect(l.tryAcquire('b', 'hidream', 'image', 2, 0)).toMatchObject({ ok: false });
    expect(l.tryAcquire('c', 'hidream', 'image', 1, 0)).toEqual({ ok: true });
    const fresh = limiter();
    expect(fresh.tryAcquire('big', 'hidream', 'image', 4, 0)).toEqual({ ok: true });
  });

  it('holds concurrency slots across categories until released', () => {
    const l = limiter({ image: 100, video: 100, stylize: 100 }, 2);
    expect(l.tryAcquire('a', 'hidream', 'video', 1, 0)).toEqual({ ok: true });
    expect(l.tryAcquire('b', 'hidream', 'image', 1, 0)).toEqual({ ok: true });
    expect(l.tryAcquire('c', 'hidream', 'image', 1, 0)).toMatchObject({ ok: false, retryAt: null });
    l.release('a', 'hidream', 5_000);
    expect(l.tryAcquire('c', 'hidream', 'image', 1, 1_000)).toMatchObject({ ok: false, retryAt: 5_000 });
    expect(l.tryAcquire('c', 'hidream', 'image', 1, 5_000)).toEqual({ ok: true });
    l.release('b', 'hidream');
    l.hold('x', 'hidream');
    expect(l.inUse('hidream', 5_000)).toBe(2);
  });

  it('keeps a window seeded from before a restart, and obeys a vendor penalty', () => {
    const l = limiter();
    l.seed('old1', 'hidream', 'video', 1, 10_000);
    l.seed('old2', 'hidream', 'video', 1, 20_000);
    expect(l.tryAcquire('a', 'hidream', 'video', 1, 30_000)).toMatchObject({ ok: false, retryAt: 70_001 });
    l.penalize('hidream', 'image', 50_000, 'refused');
    expect(l.tryAcquire('b', 'hidream', 'image', 1, 30_000)).toMatchObject({ ok: false, retryAt: 50_000 });
  });

  it('lifts a vendor pause when the job it answered is forgiven (canceled), and keeps the pauses of others', () => {
    const l = limiter();
    l.penalize('haiper', 'video', 320_000, 'gone');
    l.penalize('haiper', 'video', 40_000, 'kept');
    expect(l.tryAcquire('b', 'haiper', 'video', 1, 30_000)).toMatchObject({ ok: false, retryAt: 320_000, reason: 'penalty' });
    l.forgive('gone');
    expect(l.tryAcquire('b', 'haiper', 'video', 1, 30_000)).toMatchObject({ ok: false, retryAt: 40_000, reason: 'penalty' });
    l.forgive('kept');
    expect(l.tryAcquire('b', 'haiper', 'video', 1, 30_000)).toEqual({ ok: true });
  });
});
