import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AppError } from '@shared/errors';
import type { Job } from '@shared/jobs';
import { KeyVault } from '@main/core/keys/vault';
import { createLogger } from '@main/core/log';
import { createEngine, type Runtime } from '@main/runtime';
import type { VendorClient } from '@main/core/vendors/types';
import { createVendorClient } from '@main/core/vendors';
import { startSandbox, type Sandbox } from '@main/sandbox';
import { createShellSecrets, startShell, type Shell } from '@main/shell/server';
import { createElectronSecretStore, createSafeStorageCipher } from '@main/keys-electron';
import { FakeSafeStorage, leakForms, useSafeStorage } from '../support/fake-safe-storage';
import { openShellSocket } from '../support/shell-client';

vi.mock('electron', async () => (await import('../support/fake-safe-storage')).electronMock);

/**
 * The keys' leak test: configure keys the way the desktop app does (safeStorage vault, electron-store
 * file), drive every key-related request and a job through the real dispatcher over the browser
 * shell's WebSocket, and then look for the keys everywhere they must not be: every frame sent to the
 * page, every event, every log line, stderr/stdout, and every file under the data folder. It walks
 * whatever exists, so it covers the job engine, downloads and library as they land in the runtime.
 */
const USER_ID = 'leak-user-77aa91';
// The sandbox's keys: HiDream requests really authenticate with it, so the real client's traffic is covered.
let TOKEN: string;
let ACCESS_KEY: string;
let SECRETS: string[];
let sandbox: Sandbox;

let dataDir: string;
let runtime: Runtime;
let shell: Shell;
let ws: WebSocket;
const pageFrames: string[] = [];
const events: string[] = [];
const logLines: string[] = [];
const stdio: string[] = [];
let nextId = 1;

function send(name: string, input: unknown): Promise<{ ok: boolean; value?: unknown; error?: { kind: string; message: string } }> {
  const id = nextId++;
  return new Promise((resolve) => {
    const onMessage = (data: Buffer): void => {
      const frame = JSON.parse(data.toString('utf8')) as { id?: number; envelope?: { ok: boolean } };
      if (frame.id === id) {
        ws.off('message', onMessage);
        resolve(frame.envelope as never);
      }
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify({ id, name, input }));
  });
}

/** A vendor client that behaves as badly as one could: it logs its key and throws it back. */
function leakyClient(log: ReturnType<typeof createLogger>, key: string): VendorClient {
  return {
    vendor: 'haiper',
    submit: () => Promise.reject(new Error('not used')),
    query: () => Promise.reject(new Error('not used')),
    checkConnection: () => {
      log.debug('GET /api-pub/gw/v3/… with', { headers: { Authorization: `Bearer ${key}` } });
      return Promise.reject(new AppError('auth', `{"code":401,"message":"token ${key} is invalid"}`));
    },
    close: () => Promise.resolve(),
  };
}

beforeAll(async () => {
  const write = (chunk: unknown): boolean => {
    stdio.push(String(chunk));
    return true;
  };
  vi.spyOn(process.stderr, 'write').mockImplementation(write);
  vi.spyOn(process.stdout, 'write').mockImplementation(write);

  sandbox = await startSandbox({ timeScale: 0.01, log: createLogger({ sink: () => {} }) });
  TOKEN = sandbox.hidream.token;
  ACCESS_KEY = sandbox.haiper.accessKey;
  SECRETS = [TOKEN, USER_ID, ACCESS_KEY];
  dataDir = mkdtempSync(join(tmpdir(), 'promptreel-leak-'));
  useSafeStorage(new FakeSafeStorage('gnome_libsecret'));
  const log = createLogger({ level: 'debug', sink: (line) => logLines.push(line) });
  const keys = await KeyVault.open({ cipher: createSafeStorageCipher(), store: createElectronSecretStore(dataDir), log: log.child('keys') });
  runtime = createEngine(dataDir, {
    host: { transport: 'browser', keys, log },
    vendors: {
      // HiDream: the real client against the sandbox. Haiper: a hostile client that logs and echoes its key.
      connect: (credentials) =>
        credentials.vendor === 'hidream' ? createVendorClient(credentials, { log: log.child('vendors') }) : leakyClient(log, credentials.accessKey),
    },
  });
  runtime.events.subscribe((name, payload) => events.push(JSON.stringify({ name, payload })));

  const rendererDir = mkdtempSync(join(tmpdir(), 'promptreel-leak-renderer-'));
  writeFileSync(join(rendererDir, 'index.html'), '<html></html>');
  shell = await startShell({ runtime, rendererDir, port: 0, secrets: createShellSecrets() });
  ws = await openShellSocket(shell);
  ws.on('message', (data: Buffer) => pageFrames.push(data.toString('utf8')));
});

afterAll(async () => {
  ws.close();
  await shell.close();
  await runtime.close();
  await sandbox.close();
  vi.restoreAllMocks();
});

describe('keys never leak', () => {
  it('drives keys, settings, connection checks and a job through the dispatcher', async () => {
    expect(await send('keys.set', { vendor: 'hidream', token: TOKEN, userId: USER_ID, baseUrl: sandbox.hidream.baseUrl })).toMatchObject({ ok: true });
    expect(await send('keys.set', { vendor: 'haiper', accessKey: ACCESS_KEY, endpointPath: 'maas/ep', baseUrl: sandbox.haiper.baseUrl })).toMatchObject({
      ok: true,
      value: { vendors: { haiper: { configured: true, last4: ACCESS_KEY.slice(-4), storage: 'encrypted' } } },
    });

    // Wrong input that contains a key: the refusal must not repeat it.
    const spaced = await send('keys.set', { vendor: 'hidream', token: `x ${TOKEN}` });
    expect(spaced).toMatchObject({ ok: false, error: { kind: 'invalid_input' } });
    const huge = await send('keys.set', { vendor: 'hidream', token: TOKEN.repeat(200) });
    expect(huge).toMatchObject({ ok: false, error: { kind: 'invalid_input' } });
    expect(await send('keys.set', { vendor: 'hidream', token: TOKEN, extra: TOKEN })).toMatchObject({ ok: false });

    expect(await send('keys.status', {})).toMatchObject({ ok: true, value: { vendors: { hidream: { configured: true, hasUserId: true } } } });
    expect(await send('keys.test', { vendor: 'hidream' })).toEqual({ ok: true, value: { ok: true } });
    expect(await send('keys.test', { vendor: 'haiper' })).toMatchObject({ ok: true, value: { ok: false, reason: 'invalid_key' } });
    sandbox.setTokenValid('hidream', false);
    expect(await send('keys.test', { vendor: 'hidream' })).toMatchObject({ ok: true, value: { ok: false, reason: 'invalid_key' } });
    sandbox.setTokenValid('hidream', true);
    expect(await send('app.info', {})).toMatchObject({ ok: true, value: { keyStorage: 'encrypted (gnome_libsecret)', keyStorageKind: 'encrypted', keyStorageBackend: 'gnome_libsecret' } });
    expect(await send('settings.update', { theme: 'dark' })).toMatchObject({ ok: true });
    expect(await send('keys.setMode', { mode: 'session' })).toMatchObject({ ok: true, value: { mode: 'session' } });
    expect(await send('keys.setMode', { mode: 'persistent' })).toMatchObject({ ok: true, value: { mode: 'persistent' } });

    // A job with the keys configured. While the job engine is not in this build the request is refused;
    // once it is, the job runs against the sandbox to the end (results, downloads, library).
    const submitted = await send('jobs.submit', { operation: 'hidream.txt2img', params: { prompt: 'a cat walking on a beach at sunset' } });
    if (submitted.ok) {
      const id = (submitted.value as Job).id;
      await vi.waitFor(
        async () => {
          const job = await send('jobs.get', { id });
          expect(['submitting', 'queued', 'running']).not.toContain((job.value as Job).status);
        },
        { timeout: 20_000, interval: 200 },
      );
    }
    await send('jobs.list', {});
    await send('keys.clear', { vendor: 'haiper' });
  });

  it('the keys are in no frame sent to the page, no event, no log line and no console output', () => {
    expect(pageFrames.length).toBeGreaterThan(10);
    expect(logLines.length).toBeGreaterThan(3);
    for (const [where, texts] of Object.entries({ pageFrames, events, logLines, stdio })) {
      for (const text of texts) {
        for (const secret of SECRETS) expect(text.includes(secret), `${secret} in ${where}: ${text.slice(0, 200)}`).toBe(false);
      }
    }
  });

  it('the keys are in no file under the data folder', async () => {
    await runtime.close();
    const files = readdirSync(dataDir, { recursive: true, encoding: 'utf8' })
      .map((name) => join(dataDir, name))
      .filter((path) => statSync(path).isFile());
    expect(files.map((f) => f.slice(dataDir.length + 1))).toEqual(expect.arrayContaining(['keys.json', 'settings.json']));
    for (const file of files) {
      const bytes = readFileSync(file);
      for (const secret of SECRETS) {
        for (const form of leakForms(secret)) expect(bytes.includes(form), `${form} in ${file}`).toBe(false);
      }
    }
  });
});
