import { describe, expect, it } from 'vitest';
import { Coalescer } from '@main/core/jobs/coalesce';
import { FakeClock } from '../support/fake-clock';

describe('progress coalescing', () => {
  it('emits at most one value per interval per key, and always the latest one last', async () => {
    const clock = new FakeClock(0);
    const seen: [string, number, number][] = [];
    const c = new Coalescer<number>(clock, 100, (key, value) => seen.push([key, value, clock.now()]));
    for (let i = 1; i <= 50; i++) {
      c.push('a', i);
      if (i % 2) c.push('b', i);
      await clock.advance(10);
    }
    await clock.advance(200);
    const a = seen.filter(([k]) => k === 'a');
    expect(a.length).toBeLessThanOrEqual(6);
    for (let i = 1; i < a.length; i++) expect((a[i]?.[2] ?? 0) - (a[i - 1]?.[2] ?? 0)).toBeGreaterThanOrEqual(100);
    expect(a.at(-1)?.[1]).toBe(50);
    expect(seen.filter(([k]) => k === 'b').at(-1)?.[1]).toBe(49);
  });

  it('drops a pending value when the key is dropped', async () => {
    const clock = new FakeClock(0);
    const seen: number[] = [];
    const c = new Coalescer<number>(clock, 100, (_k, v) => seen.push(v));
    c.push('a', 1);
    c.push('a', 2);
    c.drop('a');
    await clock.advance(500);
    expect(seen).toEqual([1]);
  });
});
