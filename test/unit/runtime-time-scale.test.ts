import { describe, expect, it } from 'vitest';
import { builtInSandboxOptions, timeScaleFromEnv } from '@main/runtime';
import { createLogger } from '@main/core/log';

describe('compressed vendor time (PROMPTREEL_TIME_SCALE)', () => {
  const log = createLogger({ sink: () => undefined, level: 'error' });

  it('speeds the built-in sandbox up by the factor the engine expects, tasks and per-minute window alike', () => {
    // The engine waits 1/10 of vendor time at scale 10; a sandbox left in real time made every
    // end-to-end flow poll ten times too often for results that came at their normal pace.
    expect(builtInSandboxOptions(10, log)).toMatchObject({ timeScale: 0.1, limitWindowMs: 6_000 });
    expect(builtInSandboxOptions(1, log)).toMatchObject({ timeScale: 1, limitWindowMs: 60_000 });
  });

  it('reads only a positive number; anything else is real time', () => {
    expect(timeScaleFromEnv({ PROMPTREEL_TIME_SCALE: '10' })).toBe(10);
    expect(timeScaleFromEnv({ PROMPTREEL_TIME_SCALE: '0' })).toBe(1);
    expect(timeScaleFromEnv({ PROMPTREEL_TIME_SCALE: 'fast' })).toBe(1);
    expect(timeScaleFromEnv({})).toBe(1);
  });
});
