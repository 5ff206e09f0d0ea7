import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '@shared/jobs';
import { createLogger } from '@main/core/log';
import { createEngine, type Runtime } from '@main/runtime';
import { eventually } from '../support/cli-process';
import { sendJson, startFaultServer, type FaultServer } from '../support/fault-server';

/**
 * The HiDream API-User-ID is as secret as the token. A vendor that echoes it back in its refusal
 * (a fake HiDream on loopback, through the real client and the real job engine) must not get it into
 * the job's stored error, the events, the log, or any file of the data folder.
 */
const TOKEN = 'hd-token-echo-0a1b2c3d4e5f';
const USER_ID = 'acct-7731-echo';

let vendor: FaultServer;
let runtime: Runtime;
let dataDir: string;
const events: string[] = [];
const lines: string[] = [];
const call = (name: string, input: unknown): Promise<{ ok: boolean; value?: unknown }> => runtime.dispatch({ name, input }, { origin: 'test' });

beforeAll(async () => {
  vendor = await startFaultServer((req, res) => {
    const said = String(req.headers['api-user-id']);
    sendJson(res, 200, { code: 2031, message: `model retired for API-User-ID ${said} (user ${said})`, result: null });
  });
  dataDir = mkdtempSync(join(tmpdir(), 'promptreel-userid-'));
  runtime = createEngine(dataDir, { host: { transport: 'browser', log: createLogger({ level: 'debug', sink: (line) => lines.push(line) }) } });
  runtime.events.subscribe((name, payload) => events.push(JSON.stringify({ name, payload })));
});

afterAll(async () => {
  await runtime.close();
  await vendor.close();
});

describe('the API-User-ID is masked like the key', () => {
  it('a refusal that echoes it fails the job without it in the error, the events, the log or the database', async () => {
    expect(await call('keys.set', { vendor: 'hidream', token: TOKEN, userId: USER_ID, baseUrl: vendor.origin })).toMatchObject({ ok: true });
    const submitted = await call('jobs.submit', { operation: 'hidream.txt2img', params: { prompt: 'a lighthouse at dawn' } });
    expect(submitted).toMatchObject({ ok: true });
    const id = (submitted.value as Job).id;
    const job = await eventually(() => {
      const got = runtime.jobs.engine.get(id);
      return got.status === 'failed' ? got : undefined;
    });
    expect(await call('jobs.get', { id })).toEqual({ ok: true, value: job });
    // The vendor really was sent the id and echoed it; the user still sees what the vendor said.
    expect(vendor.requests.at(-1)?.headers['api-user-id']).toBe(USER_ID);
    expect(job.error?.message).toMatch(/code 2031: model retired for API-User-ID \*{4}echo \(user \*{4}echo\)/);

    await runtime.close();
    const files = readdirSync(dataDir, { recursive: true, encoding: 'utf8' })
      .map((name) => join(dataDir, name))
      .filter((path) => statSync(path).isFile());
    expect(files.some((f) => f.endsWith('.db'))).toBe(true);
    for (const [where, texts] of Object.entries({ job: [JSON.stringify(job)], events, log: lines, files: files.map((f) => readFileSync(f, 'latin1')) })) {
      expect(texts.length, where).toBeGreaterThan(0);
      for (const text of texts) expect(text.includes(USER_ID), `${where}: ${text.slice(0, 300)}`).toBe(false);
    }
  });
});
