import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Envelope } from '@shared/ipc';
import type { LibraryItem, LibraryPage } from '@shared/library';
import { createLogger } from '@main/core/log';
import { createEngine, type Runtime } from '@main/runtime';
import { byteRange, createShellSecrets, startShell, type Shell } from '@main/shell/server';
import { mp4, png } from '../support/media-files';
import { startRangeServer } from '../support/range-server';
import { openShellSocket } from '../support/shell-client';

let runtime: Runtime;
let shell: Shell;
let id: string;
const video = mp4({ durationMs: 2_000, width: 64, height: 36, salt: 'served' });
const trashed: string[] = [];
const secrets = createShellSecrets();
const media = (path: string): string => `${shell.origin}${secrets.mediaUrlPrefix}${path}`;

beforeAll(async () => {
  const rendererDir = mkdtempSync(join(tmpdir(), 'promptreel-renderer-'));
  writeFileSync(join(rendererDir, 'index.html'), '<html><head><script type="module" src="./app.js"></script></head></html>');
  const dataDir = mkdtempSync(join(tmpdir(), 'promptreel-data-'));
  mkdirSync(join(dataDir, 'in'));
  writeFileSync(join(dataDir, 'in', 'served clip.mp4'), video);
  runtime = createEngine(dataDir, {
    host: {
      transport: 'browser',
      log: createLogger({ sink: () => undefined }),
      mediaUrlPrefix: secrets.mediaUrlPrefix,
      trashFile: (path) => {
        trashed.push(path);
        return Promise.resolve();
      },
    },
  });
  await runtime.library.importFolder(join(dataDir, 'in'));
  id = runtime.library.search({}).items[0]?.id ?? '';
  shell = await startShell({ runtime, rendererDir, port: 0, secrets });
});
afterAll(async () => {
  await shell.close();
  await runtime.close();
});

describe('library media over the browser shell', () => {
  it('serves an item file with its type, and byte ranges for seeking', async () => {
    const full = await request(media(id));
    expect(full.statusCode).toBe(200);
    expect(full.headers['content-type']).toBe('video/mp4');
    expect(full.headers['accept-ranges']).toBe('bytes');
    expect(Buffer.from(await full.body.arrayBuffer())).toEqual(video);

    const part = await request(media(id), { headers: { range: 'bytes=4-7' } });
    expect(part.statusCode).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 4-7/${video.length}`);
    expect(await part.body.text()).toBe('ftyp');

    const beyond = await request(media(id), { headers: { range: `bytes=${video.length}-` } });
    expect(beyond.statusCode).toBe(416);
    await beyond.body.dump();
  });

  it('needs the media key in the path, and knows only library items', async () => {
    for (const path of [`/media/${id}`, `/media/wrong-key-0123456789/${id}`, `/media/${shell.token}/${id}`]) {
      const refused = await request(`${shell.origin}${path}`);
      expect(refused.statusCode, path).toBe(403);
      await refused.body.dump();
    }
    for (const path of ['424242', 'abc', '1%2F..%2F..%2Fetc%2Fpasswd', `${id}/poster`]) {
      const response = await request(media(path));
      expect(response.statusCode, path).toBe(404);
      await response.body.dump();
    }
  });

  it('answers library requests over the WebSocket with media URLs, and pushes events', async () => {
    const ws = await openShellSocket(shell);
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
    expect(page).toMatchObject({ ok: true, value: { items: [{ id, title: 'served clip', mediaUrl: `${secrets.mediaUrlPrefix}${id}`, posterUrl: null }] } });

    const poster = png(8, 8).toString('base64');
    const withPoster = (await call(2, 'library.setPoster', { id, png: poster, durationMs: 2_000 })) as Envelope<LibraryItem>;
    expect(withPoster.ok && withPoster.value.posterUrl).toMatch(new RegExp(`^${secrets.mediaUrlPrefix}${id}/poster\\?v=\\d+$`));
    expect(frames.some((f) => f.event?.name === 'library.updated')).toBe(true);
    const served = await request(media(`${id}/poster`));
    expect(served.headers['content-type']).toBe('image/png');
    expect(Buffer.from(await served.body.arrayBuffer()).toString('base64')).toBe(poster);

    // A poster of 1.2 MB of base64 (a large frame grab) is a frame above the old 1 MiB cap.
    const large = Buffer.concat([png(8, 8), randomBytes(900_000)]).toString('base64');
    expect(large.length).toBeGreaterThan(1_200_000);
    const withLarge = (await call(7, 'library.setPoster', { id, png: large })) as Envelope<LibraryItem>;
    expect(withLarge).toMatchObject({ ok: true });
    const servedLarge = await request(media(`${id}/poster`));
    expect(Buffer.from(await servedLarge.body.arrayBuffer()).toString('base64')).toBe(large);

    const bad = await call(3, 'library.update', { id, title: 'x', colour: 'red' });
    expect(bad).toMatchObject({ ok: false, error: { kind: 'invalid_input' } });
    const notPng = await call(4, 'library.setPoster', { id, png: 'not base64!' });
    expect(notPng).toMatchObject({ ok: false, error: { kind: 'invalid_input' } });

    const removed = await call(5, 'library.remove', { id });
    // An imported file is the user's own: the item goes, the file stays.
    expect(removed).toEqual({ ok: true, value: { id, trashed: false } });
    expect(trashed).toHaveLength(0);
    expect(await call(6, 'library.get', { id })).toMatchObject({ ok: false, error: { kind: 'not_found' } });
    ws.close();
  });
});

describe('finished downloads over the browser shell', () => {
  it('are served with the type their bytes show, not the one the remote server sent, and without CORS', async () => {
    const server = await startRangeServer();
    const destDir = mkdtempSync(join(tmpdir(), 'promptreel-served-'));
    const page = Buffer.from('<html><script>alert(document.domain)</script></html>');
    const clip = mp4({ durationMs: 1_000, width: 32, height: 18, salt: 'as html' });
    server.set('/page', { body: page, contentType: 'text/html' });
    server.set('/clip', { body: clip, contentType: 'text/html; charset=utf-8' });
    try {
      for (const [path, body, type] of [
        ['/page', page, 'application/octet-stream'],
        ['/clip', clip, 'video/mp4'],
      ] as const) {
        const queued = runtime.downloads.enqueueUrl(server.url(path), { destDir });
        expect((await runtime.downloads.whenSettled(queued.id)).status).toBe('completed');
        const served = await request(media(`download/${queued.id}`));
        expect(served.statusCode, path).toBe(200);
        expect(served.headers['content-type'], path).toBe(type);
        expect(served.headers['x-content-type-options'], path).toBe('nosniff');
        expect(served.headers['access-control-allow-origin'], path).toBeUndefined();
        if (type === 'application/octet-stream') expect(served.headers['content-disposition']).toBe('attachment');
        else expect(served.headers['content-disposition']).toBeUndefined();
        expect(Buffer.from(await served.body.arrayBuffer())).toEqual(body);
      }
    } finally {
      await server.close();
    }
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
