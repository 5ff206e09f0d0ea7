import { createServer } from 'node:net';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import type WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Runtime } from '@main/runtime';
import { createLogger } from '@main/core/log';
import { createShellSecrets, MAX_FRAME_BYTES, startShell, type Shell } from '@main/shell/server';
import { POSTER_MAX_BASE64 } from '@shared/library';
import { openShellSocket } from '../support/shell-client';

let runtime: Runtime;
let shell: Shell;
const quiet = createLogger({ sink: () => {} });
const secrets = createShellSecrets();

beforeAll(async () => {
  const rendererDir = mkdtempSync(join(tmpdir(), 'promptreel-renderer-'));
  writeFileSync(join(rendererDir, 'index.html'), '<html><head><script type="module" src="./app.js"></script></head></html>');
  mkdirSync(join(rendererDir, 'assets'));
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(tmpdir(), 'outside.txt'), 'outside');
  runtime = createEngine(mkdtempSync(join(tmpdir(), 'promptreel-data-')), { host: { transport: 'browser', log: quiet, mediaUrlPrefix: secrets.mediaUrlPrefix } });
  shell = await startShell({ runtime, rendererDir, port: 0, secrets });
});
afterAll(async () => {
  await shell.close();
  await runtime.close();
});

type Frame = { id?: number | null; envelope?: { ok: boolean; error?: { kind: string; message: string } }; event?: unknown };

function nextFrame(ws: WebSocket): Promise<Frame> {
  return new Promise((resolve) => ws.once('message', (data: Buffer) => resolve(JSON.parse(data.toString('utf8')) as Frame)));
}

function call(ws: WebSocket, id: number, name: string, input: unknown): Promise<unknown> {
  return new Promise((resolve) => {
    ws.on('message', (data: Buffer) => {
      const frame = JSON.parse(data.toString('utf8')) as Frame;
      if (frame.id === id) resolve(frame.envelope);
    });
    ws.send(JSON.stringify({ id, name, input }));
  });
}

function closeCode(ws: WebSocket): Promise<number> {
  return new Promise((resolve) => ws.once('close', (code: number) => resolve(code)));
}

/** The shell still answers: the page and an IPC round trip. */
async function stillServing(): Promise<void> {
  expect((await request(`${shell.origin}/`)).statusCode).toBe(200);
  const ws = await openShellSocket(shell);
  expect(await call(ws, 99, 'app.echo', { text: 'alive' })).toMatchObject({ ok: true, value: { text: 'alive' } });
  ws.close();
}

describe('browser shell HTTP', () => {
  it('binds loopback and prints a URL with the token in the fragment, which no server receives', () => {
    expect(shell.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]{20,}$/);
    expect(shell.url.endsWith(secrets.token)).toBe(true);
  });

  it('serves the page without any secret and sets no cookie', async () => {
    const res = await request(`${shell.origin}/`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['set-cookie']).toBeUndefined();
    await res.body.dump();
    const asLocalhost = await request(`${shell.origin}/`, { headers: { host: `localhost:${shell.port}` } });
    expect(asLocalhost.statusCode).toBe(200);
    await asLocalhost.body.dump();
  });

  it('injects the bridge ahead of the app and sends the CSP', async () => {
    const res = await request(`${shell.origin}/`);
    const html = await res.body.text();
    expect(html.indexOf('/shell-bridge.js')).toBeLessThan(html.indexOf('./app.js'));
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
  });

  it('refuses a foreign Origin or Host', async () => {
    const foreign = await request(`${shell.origin}/`, { headers: { origin: 'http://evil.test' } });
    expect(foreign.statusCode).toBe(403);
    await foreign.body.dump();
    const otherPort = await request(`${shell.origin}/`, { headers: { origin: `http://127.0.0.1:${shell.port + 1}` } });
    expect(otherPort.statusCode).toBe(403);
    await otherPort.body.dump();
    const rebound = await request(`${shell.origin}/`, { headers: { host: `evil.test:${shell.port}` } });
    expect(rebound.statusCode).toBe(403);
    await rebound.body.dump();
  });

  it('does not serve files outside the renderer folder', async () => {
    const res = await request(`${shell.origin}/..%2f..%2foutside.txt`);
    expect(res.statusCode).toBe(404);
    await res.body.dump();
  });

  it('picks another port when the preferred one is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as { port: number }).port;
    const other = await startShell({ runtime, rendererDir: tmpdir(), port: taken, secrets: createShellSecrets() });
    expect(other.port).not.toBe(taken);
    await other.close();
    blocker.close();
  });
});

describe('no request ends the shell', () => {
  it('ignores a cookie that is not valid percent-encoding (no token needed to send one)', async () => {
    const res = await request(`${shell.origin}/`, { headers: { cookie: 'promptreel_token=%zz' } });
    expect(res.statusCode).toBe(200);
    await res.body.dump();
    await expect(openShellSocket(shell, { token: null })).rejects.toThrow('HTTP 401');
    await stillServing();
  });

  it('answers 400 to a path that is not valid percent-encoding', async () => {
    for (const path of ['/%zz', `${secrets.mediaUrlPrefix}%E0%A4%A`, `${secrets.mediaUrlPrefix}download/%zz`]) {
      const res = await request(`${shell.origin}${path}`);
      expect(res.statusCode, path).toBe(400);
      expect(await res.body.text()).toContain('percent-encoding');
    }
    await stillServing();
  });

  it('answers 404 to a folder', async () => {
    for (const path of ['/assets', '/assets/']) {
      const res = await request(`${shell.origin}${path}`);
      expect(res.statusCode, path).toBe(404);
      await res.body.dump();
    }
    await stillServing();
  });

  it('answers a frame that is JSON but not a request object, and keeps the connection', async () => {
    const ws = await openShellSocket(shell);
    for (const text of ['null', '[]', '"x"', '7', '{}', '{"id":"1"}', 'not json']) {
      const answer = nextFrame(ws);
      ws.send(text);
      expect(await answer, text).toMatchObject({ id: null, envelope: { ok: false, error: { kind: 'invalid_input' } } });
    }
    expect(await call(ws, 1, 'app.echo', { text: 'still here' })).toMatchObject({ ok: true, value: { text: 'still here' } });
    ws.close();
    await stillServing();
  });

  it('closes with 1009 on a frame over the limit and 1007 on invalid UTF-8', async () => {
    const big = await openShellSocket(shell);
    const bigClosed = closeCode(big);
    big.send(JSON.stringify({ id: 1, name: 'app.echo', input: { text: 'x'.repeat(MAX_FRAME_BYTES) } }));
    expect(await bigClosed).toBe(1009);

    const garbled = await openShellSocket(shell);
    const garbledClosed = closeCode(garbled);
    garbled.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
    expect(await garbledClosed).toBe(1007);
    await stillServing();
  });

  it('takes the largest legitimate frame, a poster at its 2 MiB limit', async () => {
    expect(MAX_FRAME_BYTES).toBeGreaterThan(POSTER_MAX_BASE64);
    const ws = await openShellSocket(shell);
    // No such item: the point is that the frame reaches the dispatcher and gets its answer.
    const answer = await call(ws, 1, 'library.setPoster', { id: '424242', png: 'A'.repeat(POSTER_MAX_BASE64) });
    expect(answer).toMatchObject({ ok: false, error: { kind: 'not_found' } });
    ws.close();
  });
});

describe('browser shell WebSocket', () => {
  it('carries the same channel map as Electron IPC, with typed errors', async () => {
    const ws = await openShellSocket(shell);
    expect(ws.protocol).toBe('promptreel.v1');
    expect(await call(ws, 1, 'app.echo', { text: 'over ws' })).toMatchObject({ ok: true, value: { text: 'over ws' } });
    expect(await call(ws, 2, 'app.echo', { text: 5 })).toMatchObject({ ok: false, error: { kind: 'invalid_input' } });
    expect(await call(ws, 3, 'nope', {})).toMatchObject({ ok: false, error: { kind: 'unknown_channel' } });
    ws.close();
  });

  it('accepts the page opened as http://localhost:<port>', async () => {
    const ws = await openShellSocket(shell, { host: 'localhost', origin: `http://localhost:${shell.port}` });
    expect(await call(ws, 1, 'app.echo', { text: 'via localhost' })).toMatchObject({ ok: true, value: { text: 'via localhost' } });
    ws.close();
  });

  it('pushes runtime events to connected pages', async () => {
    const ws = await openShellSocket(shell);
    const got = nextFrame(ws);
    const values = runtime.settings.get();
    runtime.events.emit('settings.changed', values);
    expect(await got).toEqual({ event: { name: 'settings.changed', payload: values } });
    ws.close();
  });

  it('refuses a handshake from a foreign origin, without an origin, or without the right token', async () => {
    await expect(openShellSocket(shell, { origin: 'http://evil.test' })).rejects.toThrow('HTTP 403');
    await expect(openShellSocket(shell, { origin: `http://127.0.0.1:${shell.port + 1}` })).rejects.toThrow('HTTP 403');
    await expect(openShellSocket(shell, { origin: null })).rejects.toThrow('HTTP 403');
    await expect(openShellSocket(shell, { token: null })).rejects.toThrow('HTTP 401');
    await expect(openShellSocket(shell, { token: 'wrong-token-0123456789' })).rejects.toThrow('HTTP 403');
    // The media key opens files, never the API.
    await expect(openShellSocket(shell, { token: secrets.mediaKey })).rejects.toThrow('HTTP 403');
  });
});
