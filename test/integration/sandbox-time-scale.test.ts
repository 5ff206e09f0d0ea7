import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { Job } from '@shared/jobs';
import { createEngine, type Runtime } from '@main/runtime';
import { createLogger } from '@main/core/log';

/**
 * PROMPTREEL_TIME_SCALE compresses the built-in sandbox together with the engine's timing: a host run
 * with it (the browser shell in the end-to-end tests, a keyless CLI) gets demo results in a tenth of
 * the time, instead of an engine polling fast against a sandbox still taking real seconds.
 */
let runtime: Runtime | undefined;
afterAll(async () => {
  await runtime?.close();
});

it('the built-in sandbox runs in the engine’s compressed time', async () => {
  const r = (runtime = createEngine(mkdtempSync(join(tmpdir(), 'promptreel-scale-')), {
    host: { transport: 'browser', log: createLogger({ sink: () => {} }) },
    vendors: { timeScale: 10 },
  }));
  const ctx = { origin: 'test' };
  const started = Date.now();
  const submitted = await r.dispatch({ name: 'jobs.submit', input: { operation: 'hidream.txt2img', params: { prompt: 'a kite' } } }, ctx);
  const id = (submitted as { value: Job }).value.id;
  let status = '';
  // An image takes the sandbox 3–6 s of vendor time: 0.3–0.6 s compressed, plus the engine's first look.
  while (Date.now() - started < 2_500 && status !== 'succeeded') {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const got = await r.dispatch({ name: 'jobs.get', input: { id } }, ctx);
    status = (got as { value: Job }).value.status;
  }
  expect(status).toBe('succeeded');
});
