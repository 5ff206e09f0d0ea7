import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '@shared/jobs';
import type { VendorStates } from '@shared/ipc/jobs';
import { startSandbox, type Sandbox } from '@main/sandbox';
import { createEngine, type Runtime } from '@main/runtime';
import { createLogger } from '@main/core/log';
import { eventually } from '../support/cli-process';

/** The jobs.* IPC slice as the UI uses it: through the runtime's dispatcher and event bus. */
let runtime: Runtime;
let demo: Sandbox | undefined;
const events: [string, unknown][] = [];
const ctx = { origin: 'test' };

beforeAll(() => {
  runtime = createEngine(mkdtempSync(join(tmpdir(), 'promptreel-runtime-')), {
    host: { transport: 'browser', log: createLogger({ sink: () => {} }) },
    // The zero-setup default, sped up for the test.
    vendors: { sandbox: async () => (demo = await startSandbox({ timeScale: 0.02 })) },
  });
  runtime.events.subscribe((name, payload) => events.push([name, payload]));
});

afterAll(async () => {
  await runtime.close();
});

describe('jobs over IPC', () => {
  it('runs a job on the built-in sandbox when no key is configured, and says so', async () => {
    expect(await runtime.dispatch({ name: 'jobs.vendors', input: {} }, ctx)).toEqual({
      ok: true,
      value: { hidream: { mode: 'sandbox', paused: false }, haiper: { mode: 'sandbox', paused: false } },
    });
    const submitted = await runtime.dispatch({ name: 'jobs.submit', input: { operation: 'hidream.txt2img', params: { prompt: 'a kite' } } }, ctx);
    expect(submitted).toMatchObject({ ok: true, value: { status: 'queued', operation: 'hidream.txt2img' } });
    const id = (submitted as { value: Job }).value.id;
    await eventually(() => (events.some(([name, p]) => name === 'jobs.updated' && (p as Job).id === id && (p as Job).status === 'succeeded') ? true : undefined));
    expect(await runtime.dispatch({ name: 'jobs.list', input: {} }, ctx)).toMatchObject({ ok: true, value: { total: 1, jobs: [{ id, status: 'succeeded' }] } });
    expect(demo).toBeDefined();
  });

  it('answers invalid parameters with the field named, and creates nothing', async () => {
    const result = await runtime.dispatch({ name: 'jobs.submit', input: { operation: 'haiper.extend', params: { config: { sourceVideo: 'not a url' } } } }, ctx);
    expect(result).toMatchObject({ ok: false, error: { kind: 'invalid_input', issues: [{ path: 'config.sourceVideo' }] } });
    expect(await runtime.dispatch({ name: 'jobs.get', input: { id: 'missing' } }, ctx)).toMatchObject({ ok: false, error: { kind: 'not_found' } });
  });

  it('announces a vendor switching to live when its key is set in Settings', async () => {
    if (!demo) throw new Error('the sandbox should be running');
    const { accessKey, baseUrl, endpointPath } = demo.haiper;
    expect(await runtime.dispatch({ name: 'keys.set', input: { vendor: 'haiper', accessKey, baseUrl, endpointPath } }, ctx)).toMatchObject({ ok: true });
    await eventually(() => (events.some(([name, p]) => name === 'jobs.vendors' && (p as VendorStates).haiper.mode === 'live') ? true : undefined));
    expect(await runtime.dispatch({ name: 'jobs.vendors', input: {} }, ctx)).toMatchObject({ ok: true, value: { haiper: { mode: 'live' }, hidream: { mode: 'sandbox' } } });
  });
});
