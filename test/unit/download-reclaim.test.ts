import { describe, expect, it } from 'vitest';
import { BufferReclaimer, loadCollector, type Collect } from '@main/core/downloads/reclaim';

describe('freeing written buffers early', () => {
  it('asks for one young-generation collection per step of bytes written, whatever the chunk sizes', () => {
    const asked: Parameters<Collect>[0][] = [];
    const reclaimer = new BufferReclaimer((options) => void asked.push(options), 1_000);
    for (let i = 0; i < 9; i++) reclaimer.written(300);
    expect(asked).toEqual([
      { type: 'minor', execution: 'sync' },
      { type: 'minor', execution: 'sync' },
    ]);
    // A resumed or restarted transfer reports its position going back: nothing is counted for it.
    reclaimer.written(-5_000);
    reclaimer.written(0);
    expect(asked).toHaveLength(2);
  });

  it('does nothing where the collector is unavailable', () => {
    const reclaimer = new BufferReclaimer(null, 10);
    expect(() => reclaimer.written(1_000)).not.toThrow();
  });

  it('finds V8’s collector in this Node, without a global gc in the app’s own context', () => {
    const collect = loadCollector();
    expect(typeof collect).toBe('function');
    expect(() => collect?.({ type: 'minor', execution: 'sync' })).not.toThrow();
    expect('gc' in globalThis).toBe(false);
  });
});
