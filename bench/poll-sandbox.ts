/**
 * The sandbox vendor for `bench:poll`, in its own process so the engine's event-loop delay is measured
 * without the vendor's work on the same loop. Talks to the parent over the fork IPC channel.
 */
import { startSandbox } from '../src/main/sandbox/index';

const speedup = Number(process.env['BENCH_SPEEDUP'] ?? '4');
const sandbox = await startSandbox({
  timeScale: 1 / speedup,
  // Task durations spread over 10–120 s of vendor time.
  durations: { image: [10_000, 120_000], video: [10_000, 120_000] },
  hidreamLimits: { perMinute: { image: 1_000_000, video: 1_000_000, stylize: 1_000_000 }, concurrency: 1_000_000 },
  haiperLimits: { perMinute: 1_000_000, concurrency: 1_000_000 },
  limitWindowMs: 60_000 / speedup,
});

process.on('message', (message: string) => {
  if (message === 'stats') process.send?.({ stats: sandbox.stats() });
  if (message === 'close') void sandbox.close().then(() => process.exit(0));
});
process.send?.({ ready: { origin: sandbox.origin, hidream: sandbox.hidream, haiper: sandbox.haiper } });
