import { createServer } from 'node:net';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuntime, type Runtime } from '@main/runtime';
import { createLogger } from '@main/core/log';
import { startShell, type Shell } from '@main/shell/server';

let runtime: Runtime;
let shell: Shell;
const quiet = createLogger({ sink: () => {} });

beforeAll(async () => {
  const rendererDir = mkdtempSync(join(tmpdir(), 'promptreel-renderer-'));
  writeFileSync(join(rendererDir, 'index.html'), '<html><head><script type="module" src="./app.js"></script></head></html>');
  mkdirSync(join(rendererDir, 'assets'));
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(tmpdir(), 'outside.txt'), 'outside');
  runtime = createRuntime({
    transport: 'browser',
    dataDir: mkdtempSync(join(tmpdir(), 'promptreel-data-')),
    openExternal: () => Promise.resolve(false),
    log: quiet,
  });
  shell = await startShell({ runtime, rendererDir, port: 0 });
});
afterAll(async () => {
  await shell.close();
});

const cookie = (): string => `promptreel_token=${shell.token}`;

function openSocket(headers: Record<string, string>): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${shell.port}/__shell/ws`, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode ?? 0}`)));
    ws.once('error', reject);
  });
}

function call(ws: WebSocket, id: number, name: string, input: unknown): Promise<unknown> {
  return new Promise((resolve) => {
    ws.on('message', (data: Buffer) => {
      const frame = JSON.parse(data.toString('utf8')) as { id?: number; envelope?: unknown };
      if (frame.id === id) resolve(frame.envelope);
    });
    ws.send(JSON.stringify({ id, name, input }));
  });
}

describe('browser shell HTTP', () => {
  it('binds loopback and prints a URL with the token', () => {
    expect(shell.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{20,}$/);
  });

  it('refuses a request without the token (401) and with a wrong one (403)', async () => {
    expect((await request(`${shell.origin}/`)).statusCode).toBe(401);
    expect((await request(`${shell.origin}/?token=wrong`)).statusCode).toBe(403);
    expect((await request(`${shell.origin}/`, { headers: { cookie: 'promptreel_token=wrong' } })).statusCode).toBe(403);
  });

  it('trades the URL token for an HttpOnly SameSite cookie', async () => {
    const res = await request(shell.url);
    expect(res.statusCode).toBe(302);
    expect(res.headers['location']).toBe('/');
    expect(String(res.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Strict/);
  });

  it('injects the bridge ahead of the app and sends the CSP', async () => {
    const res = await request(`${shell.origin}/`, { headers: { cookie: cookie() } });
    const html = await res.body.text();
    expect(html.indexOf('/shell-bridge.js')).toBeLessThan(html.indexOf('./app.js'));
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
  });

  it('refuses a foreign Origin or Host even with the token', async () => {
    const foreign = await request(`${shell.origin}/`, { headers: { cookie: cookie(), origin: 'http://evil.test' } });
    expect(foreign.statusCode).toBe(403);
    const rebound = await request(`${shell.origin}/`, { headers: { cookie: cookie(), host: `evil.test:${shell.port}` } });
    expect(rebound.statusCode).toBe(403);
  });

  it('does not serve files outside the renderer folder', async () => {
    const res = await request(`${shell.origin}/..%2f..%2foutside.txt`, { headers: { cookie: cookie() } });
    expect(res.statusCode).toBe(404);
  });

  it('picks another port when the preferred one is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as { port: number }).port;
    const other = await startShell({ runtime, rendererDir: tmpdir(), port: taken });
    expect(other.port).not.toBe(taken);
    await other.close();
    blocker.close();
  });
});

describe('browser shell WebSocket', () => {
  it('carries the same channel map as Electron IPC, with typed errors', async () => {
    const ws = await openSocket({ cookie: cookie(), origin: shell.origin });
    expect(await call(ws, 1, 'app.echo', { text: 'over ws' })).toMatchObject({ ok: true, value: { text: 'over ws' } });
    expect(await call(ws, 2, 'app.echo', { text: 5 })).toMatchObject({ ok: false, error: { kind: 'invalid_input' } });
    expect(await call(ws, 3, 'nope', {})).toMatchObject({ ok: false, error: { kind: 'unknown_channel' } });
    ws.close();
  });

  it('pushes runtime events to connected pages', async () => {
    const ws = await openSocket({ cookie: cookie(), origin: shell.origin });
    const got = new Promise<unknown>((resolve) => ws.once('message', (data: Buffer) => resolve(JSON.parse(data.toString('utf8')))));
    runtime.events.emit('app.notice', { level: 'info', message: 'hello' });
    expect(await got).toEqual({ event: { name: 'app.notice', payload: { level: 'info', message: 'hello' } } });
    ws.close();
  });

  it('refuses a handshake from a foreign origin, without an origin, or without the token', async () => {
    await expect(openSocket({ cookie: cookie(), origin: 'http://evil.test' })).rejects.toThrow('HTTP 403');
    await expect(openSocket({ cookie: cookie() })).rejects.toThrow('HTTP 403');
    await expect(openSocket({ origin: shell.origin })).rejects.toThrow('HTTP 401');
  });
});
