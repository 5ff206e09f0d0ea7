import { describe, expect, it } from 'vitest';
import { timeScaleFromEnv } from '@main/runtime';

describe('PROMPTREEL_TIME_SCALE (see integration/sandbox-time-scale.test.ts for what it does)', () => {
  it('reads only a positive number; anything else is real time', () => {
    expect(timeScaleFromEnv({ PROMPTREEL_TIME_SCALE: '10' })).toBe(10);
    expect(timeScaleFromEnv({ PROMPTREEL_TIME_SCALE: '0' })).toBe(1);
    expect(timeScaleFromEnv({ PROMPTREEL_TIME_SCALE: 'fast' })).toBe(1);
    expect(timeScaleFromEnv({})).toBe(1);
  });
});
