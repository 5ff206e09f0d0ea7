import { describe, expect, it } from 'vitest';
import { ProgressMeter } from '@main/core/downloads/progress';

describe('progress events', () => {
  it('coalesce hundreds of writes per second into at most ~10 events per second', () => {
    const meter = new ProgressMeter('d1', 100_000_000);
    meter.reset(0, 100_000_000, 0);
    let sent = 0;
    // 1000 writes of 64 KiB over one second (one per millisecond).
    for (let t = 1; t <= 1000; t++) if (meter.update(t * 65_536, t)) sent++;
    expect(sent).toBeLessThanOrEqual(11);
    expect(sent).toBeGreaterThanOrEqual(9);
    // The update held back at the end is not lost.
    expect(meter.flush(1000)?.bytesDone).toBe(1000 * 65_536);
    expect(meter.flush(1000)).toBeNull();
  });

  it('reports speed over the recent window and an ETA', () => {
    const meter = new ProgressMeter('d1', 10_000_000);
    meter.reset(0, 10_000_000, 0);
    meter.update(1_000_000, 1_000);
    const event = meter.update(2_000_000, 2_000);
    expect(event).toEqual({ id: 'd1', bytesDone: 2_000_000, bytesTotal: 10_000_000, speedBps: 1_000_000, etaSeconds: 8 });
    // A stall shows as a falling speed once the window moves past the last burst.
    const stalled = meter.update(2_000_000, 10_000);
    expect(stalled?.speedBps).toBe(0);
    expect(stalled?.etaSeconds).toBeNull();
  });
});
