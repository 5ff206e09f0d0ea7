import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Envelope } from '@shared/ipc';
import type { LibraryItem, LibraryPage } from '@shared/library';
import { createLogger } from '@main/core/log';
import { createRuntime, type Runtime } from '@main/runtime';
import { byteRange, startShell, type Shell } from '@main/shell/server';
import { mp4, png } from '../support/media-files';

let runtime: Runtime;
let shell: Shell;
let id: string;
const video = mp4({ durationMs: 2_000, width: 64, height: 36, salt: 'served' });
const trashed: string[] = [];

beforeAll(async () => {
  const rendererDir = mkdtempSync(join(tmpdir(), 'promptreel-renderer-'));
  writeFileSync(join(rendererDir, 'index.html'), '<html><head><script type="module" src="./app.js"></script></head></html>');
  const dataDir = mkdtempSync(join(tmpdir(), 'promptreel-data-'));
  mkdirSync(join(dataDir, 'in'));
  writeFileSync(join(dataDir, 'in', 'served clip.mp4'), video);
  runtime = createRuntime({
    transport: 'browser',
    dataDir,
    openExternal: () => Promise.resolve(false),
    log: createLogger({ sink: () => undefined }),
    mediaUrlPrefix: '/media/',
    trashFile: (path) => {
      trashed.push(path);
      return Promise.resolve();
    },
  });
  await runtime.library.importFolder(join(dataDir, 'in'));
  id = runtime.library.search({}).items[0]?.id ?? '';
  shell = await startShell({ runtime, rendererDir, port: 0 });
});
afterAll(async () => {
  await shell.close();
  await runtime.close();
});

const cookie = (): string => `promptreel_token=${shell.token}`;

describe('library media over the browser shell', () => {
  it('serves an item file with its type, and byte ranges for seeking', async () => {
    const full = await request(`${shell.origin}/media/${id}`, { headers: { cookie: cookie() } });
    expect(full.statusCode).toBe(200);
    expect(full.headers['content-type']).toBe('video/mp4');
    expect(full.headers['accept-ranges']).toBe('bytes');
    expect(Buffer.from(await full.body.arrayBuffer())).toEqual(video);

    const part = await request(`${shell.origin}/media/${id}`, { headers: { cookie: cookie(), range: 'bytes=4-7' } });
    expect(part.statusCode).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 4-7/${video.length}`);
    expect(await part.body.text()).toBe('ftyp');

    const beyond = await request(`${shell.origin}/media/${id}`, { headers: { cookie: cookie(), range: `bytes=${video.length}-` } });
    expect(beyond.statusCode).toBe(416);
    await beyond.body.dump();
  });

  it('needs the shell token, and knows only library items', async () => {
    const anonymous = await request(`${shell.origin}/media/${id}`);
    expect(anonymous.statusCode).toBe(401);
    await anonymous.body.dump();
    for (const path of ['/media/424242', '/media/abc', '/media/1%2F..%2F..%2Fetc%2Fpasswd', `/media/${id}/poster`]) {
      const response = await request(`${shell.origin}${path}`, { headers: { cookie: cookie() } });
      expect(response.statusCode, path).toBe(404);
      await response.body.dump();
    }
  });

  it('answers library requests over the WebSocket with media URLs, and pushes events', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${shell.port}/__shell/ws`, { headers: { cookie: cookie(), origin: shell.origin } });
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const frames: { id?: number; envelope?: Envelope<unknown>; event?: { name: string; payload: unknown } }[] = [];
    ws.on('message', (data: Buffer) => frames.push(JSON.parse(data.toString('utf8')) as (typeof frames)[number]));
    const call = async (n: number, name: string, input: unknown): Promise<Envelope<unknown>> => {
      ws.send(JSON.stringify({ id: n, name, input }));
      for (;;) {
        const frame = frames.find((f) => f.id === n);
        if (frame?.envelope) return frame.envelope;
        await new Promise((resolve) => ws.once('message', resolve));
      }
    };

    const page = (await call(1, 'library.search', { text: 'served' })) as Envelope<LibraryPage>;
    expect(page).toMatchObject({ ok: true, value: { items: [{ id, title: 'served clip', mediaUrl: `/media/${id}`, posterUrl: null }] } });

    const poster = png(8, 8).toString('base64');
    const withPoster = (await call(2, 'library.setPoster', { id, png: poster, durationMs: 2_000 })) as Envelope<LibraryItem>;
    expect(withPoster.ok && withPoster.value.posterUrl).toMatch(new RegExp(`^/media/${id}/poster\\?v=\\d+$`));
    expect(frames.some((f) => f.event?.name === 'library.updated')).toBe(true);
    const served = await request(`${shell.origin}/media/${id}/poster`, { headers: { cookie: cookie() } });
    expect(served.headers['content-type']).toBe('image/png');
    expect(Buffer.from(await served.body.arrayBuffer()).toString('base64')).toBe(poster);

    const bad = await call(3, 'library.update', { id, title: 'x', colour: 'red' });
    expect(bad).toMatchObject({ ok: false, error: { kind: 'invalid_input' } });
    const notPng = await call(4, 'library.setPoster', { id, png: 'not base64!' });
    expect(notPng).toMatchObject({ ok: false, error: { kind: 'invalid_input' } });

    const removed = await call(5, 'library.remove', { id });
    expect(removed).toEqual({ ok: true, value: { id } });
    expect(trashed).toHaveLength(1);
    expect(await call(6, 'library.get', { id })).toMatchObject({ ok: false, error: { kind: 'not_found' } });
    ws.close();
  });
});

describe('byte ranges', () => {
  it('reads the forms browsers send', () => {
    expect(byteRange(undefined, 100)).toBeNull();
    expect(byteRange('bytes=0-', 100)).toEqual({ start: 0, end: 99 });
    expect(byteRange('bytes=10-19', 100)).toEqual({ start: 10, end: 19 });
    expect(byteRange('bytes=90-500', 100)).toEqual({ start: 90, end: 99 });
    expect(byteRange('bytes=-10', 100)).toEqual({ start: 90, end: 99 });
    expect(byteRange('bytes=100-', 100)).toBe('unsatisfiable');
    expect(byteRange('bytes=0-1,5-6', 100)).toBeNull();
    expect(byteRange('items=0-1', 100)).toBeNull();
  });
});
