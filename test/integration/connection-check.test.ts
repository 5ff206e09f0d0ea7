import { mkdtempSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@main/core/log';
import { createEngine, type Runtime } from '@main/runtime';
import { startSandbox, type Sandbox } from '@main/sandbox';

/** "Test connection" end to end: the runtime's dispatcher, the real vendor clients, the sandbox vendor over loopback HTTP. */
const quiet = createLogger({ sink: () => {} });
let sandbox: Sandbox;
let runtime: Runtime;

beforeAll(async () => {
  sandbox = await startSandbox({ timeScale: 0.01, log: quiet });
  runtime = createEngine(mkdtempSync(join(tmpdir(), 'promptreel-check-')), { host: { transport: 'browser', log: quiet } });
});
afterAll(async () => {
  await runtime.close();
  await sandbox.close();
});

const call = (name: string, input: unknown): Promise<unknown> => runtime.dispatch({ name, input }, { origin: 'test' });
const test = (vendor: 'hidream' | 'haiper'): Promise<unknown> => call('keys.test', { vendor });

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('test connection against the sandbox vendor', () => {
  it('HiDream: OK with the right token, "invalid key" with a wrong or expired one, "unreachable" on a closed port', async () => {
    const { token, baseUrl } = sandbox.hidream;
    expect(await test('hidream')).toEqual({ ok: true, value: { ok: false, reason: 'not_configured', message: 'No HiDream key is saved yet.' } });

    await call('keys.set', { vendor: 'hidream', token, baseUrl });
    expect(await test('hidream')).toEqual({ ok: true, value: { ok: true } });

    await call('keys.set', { vendor: 'hidream', token: `${token}-wrong` });
    expect(await test('hidream')).toMatchObject({ ok: true, value: { ok: false, reason: 'invalid_key' } });

    await call('keys.set', { vendor: 'hidream', token });
    sandbox.setTokenValid('hidream', false);
    expect(await test('hidream')).toMatchObject({ ok: true, value: { ok: false, reason: 'invalid_key' } });
    sandbox.setTokenValid('hidream', true);

    await call('keys.set', { vendor: 'hidream', token, baseUrl: `http://127.0.0.1:${await closedPort()}` });
    const unreachable = await test('hidream');
    expect(unreachable).toMatchObject({ ok: true, value: { ok: false, reason: 'unreachable', message: expect.stringMatching(/^Could not connect to HiDream\. 127\.0\.0\.1:\d+ refused the connection\..* \(http:\/\/127\.0\.0\.1:\d+\)$/) as unknown } });
    expect(JSON.stringify(unreachable)).not.toContain(token);
  });

  it('Cloudsway (Haiper): OK with the right AccessKey, "invalid key" with a wrong one, "unreachable" on a closed port', async () => {
    const { accessKey, baseUrl, endpointPath } = sandbox.haiper;
    await call('keys.set', { vendor: 'haiper', accessKey, baseUrl, endpointPath });
    expect(await test('haiper')).toEqual({ ok: true, value: { ok: true } });

    await call('keys.set', { vendor: 'haiper', accessKey: `${accessKey}-wrong` });
    const refused = await test('haiper');
    expect(refused).toMatchObject({ ok: true, value: { ok: false, reason: 'invalid_key', message: expect.stringMatching(/refused the key/) as unknown } });
    expect(JSON.stringify(refused)).not.toContain(accessKey);

    await call('keys.set', { vendor: 'haiper', accessKey, baseUrl: `http://127.0.0.1:${await closedPort()}/v1/ai` });
    expect(await test('haiper')).toMatchObject({ ok: true, value: { ok: false, reason: 'unreachable' } });
  });

  it('a saved key is not redirected: moving it to another host needs the key again, and nothing reaches that host', async () => {
    const seen: string[] = [];
    const elsewhere = createHttpServer((req, res) => {
      seen.push(`${req.url ?? ''} ${req.headers.authorization ?? ''} ${String(req.headers['api-user-id'] ?? '')}`);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"code":0,"message":"ok","result":[]}');
    });
    await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
    try {
      const redirect = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}`;
      const { token, baseUrl } = sandbox.hidream;
      await call('keys.set', { vendor: 'hidream', token, userId: 'user-redirect-5521', baseUrl });
      expect(await call('keys.set', { vendor: 'hidream', baseUrl: redirect })).toMatchObject({
        ok: false,
        error: { kind: 'invalid_input', message: expect.stringMatching(/another host \(http:\/\/127\.0\.0\.1:\d+\): enter the HiDream token again/) as unknown },
      });
      expect(await test('hidream')).toEqual({ ok: true, value: { ok: true } });
      expect(seen).toEqual([]);
    } finally {
      await new Promise<void>((resolve) => elsewhere.close(() => resolve()));
    }
  });
});
