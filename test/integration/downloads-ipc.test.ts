import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Download } from '@shared/downloads';
import type { EventName } from '@shared/ipc';
import type { HostCapabilities } from '@main/core/host';
import { createLogger } from '@main/core/log';
import { createEngine, type Runtime } from '@main/runtime';
import { sha256, startRangeServer, type RangeServer } from '../support/range-server';

let server: RangeServer;
let dataDir: string;
let runtime: Runtime | undefined;

beforeEach(async () => {
  server = await startRangeServer();
  dataDir = mkdtempSync(join(tmpdir(), 'promptreel-dl-ipc-'));
});
afterEach(async () => {
  await runtime?.close();
  runtime = undefined;
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function start(host?: HostCapabilities): { runtime: Runtime; events: { name: EventName; payload: unknown }[] } {
  const events: { name: EventName; payload: unknown }[] = [];
  runtime = createEngine(dataDir, {
    host: { transport: host ? 'electron' : 'browser', log: createLogger({ sink: () => {} }), ...(host ? { files: host } : {}) },
  });
  runtime.events.subscribe((name, payload) => events.push({ name, payload }));
  return { runtime, events };
}

const ctx = { origin: 'test' };

async function call(rt: Runtime, name: string, input: unknown): Promise<{ ok: boolean; value?: unknown; error?: { kind: string; message: string } }> {
  return rt.dispatch({ name, input }, ctx);
}

function completedEvent(events: { name: EventName; payload: unknown }[], id: string): Download | undefined {
  return events
    .filter((e) => e.name === 'downloads.updated')
    .map((e) => e.payload as Download)
    .find((d) => d.id === id && d.status === 'completed');
}

describe('downloads over IPC', () => {
  it('downloads an on-demand URL into the library and announces it with updated and progress events', async () => {
    const body = randomBytes(400_000);
    server.set('/clip', { body, contentType: 'video/webm' });
    const { runtime: rt, events } = start();
    const queued = await call(rt, 'downloads.enqueueUrl', { url: server.url('/clip'), name: 'Sunset timelapse' });
    expect(queued.ok).toBe(true);
    const id = (queued.value as Download).id;
    await expect.poll(() => completedEvent(events, id), { timeout: 10_000 }).toBeDefined();
    const done = completedEvent(events, id);
    expect(dirname(done?.path ?? '')).toBe(join(dataDir, 'Library'));
    expect(done?.path).toMatch(/_sunset-timelapse_1\.webm$/);
    expect(done?.sha256).toBe(sha256(body));
    const progress = events.filter((e) => e.name === 'downloads.progress').map((e) => e.payload as { id: string; bytesDone: number });
    expect(progress.at(-1)).toMatchObject({ id, bytesDone: body.length });

    const list = await call(rt, 'downloads.list', {});
    expect(list.value).toMatchObject({ total: 1, downloads: [{ id, status: 'completed' }], host: { reveal: false, open: false, drag: false } });
  });

  it('refuses non-http(s) URLs and unknown fields before anything runs', async () => {
    const { runtime: rt } = start();
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'ftp://example.com/a.mp4']) {
      const result = await call(rt, 'downloads.enqueueUrl', { url });
      expect(result).toMatchObject({ ok: false, error: { kind: 'invalid_input' } });
    }
    expect(await call(rt, 'downloads.pause', { id: 'x', path: '/etc' })).toMatchObject({ ok: false, error: { kind: 'invalid_input' } });
    expect(await call(rt, 'downloads.pause', { id: 'nope' })).toMatchObject({ ok: false, error: { kind: 'not_found' } });
    expect((await call(rt, 'downloads.list', {})).value).toMatchObject({ total: 0 });
  });

  it('reveals, opens and drags a finished file through the desktop host, by id only', async () => {
    server.set('/img', { body: Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(1000)]), contentType: null });
    const calls: string[] = [];
    const host: HostCapabilities = {
      showItemInFolder: (path) => void calls.push(`reveal ${path}`),
      openPath: (path) => {
        calls.push(`open ${path}`);
        return Promise.resolve();
      },
      startDrag: (path) => {
        calls.push(`drag ${path}`);
        return Promise.resolve();
      },
      pickPath: ({ kind, title }) => {
        calls.push(`pick ${kind} ${title}`);
        return Promise.resolve(kind === 'folder' ? '/home/me/Clips' : null);
      },
    };
    const { runtime: rt, events } = start(host);
    const id = ((await call(rt, 'downloads.enqueueUrl', { url: server.url('/img') })).value as Download).id;
    await expect.poll(() => completedEvent(events, id), { timeout: 10_000 }).toBeDefined();
    const path = completedEvent(events, id)?.path ?? '';
    expect(path).toMatch(/\.jpg$/);
    for (const name of ['downloads.reveal', 'downloads.open', 'downloads.startDrag']) {
      expect(await call(rt, name, { id })).toEqual({ ok: true, value: { ok: true } });
    }
    expect(calls).toEqual([`reveal ${path}`, `open ${path}`, `drag ${path}`]);
    expect((await call(rt, 'downloads.list', {})).value).toMatchObject({ host: { reveal: true, open: true, drag: true } });

    // The system's open dialog, for a folder to import or a moved file to relink.
    expect((await call(rt, 'app.info', {})).value).toMatchObject({ canPickPaths: true, canRevealFiles: true });
    expect(await call(rt, 'app.pickPath', { kind: 'folder', title: 'Import a folder' })).toEqual({ ok: true, value: { path: '/home/me/Clips' } });
    expect(await call(rt, 'app.pickPath', { kind: 'file', title: 'Find the file' })).toEqual({ ok: true, value: { path: null } });
    expect(await call(rt, 'app.pickPath', { kind: 'anything', title: 'x' })).toMatchObject({ ok: false, error: { kind: 'invalid_input' } });
    expect(calls.slice(3)).toEqual(['pick folder Import a folder', 'pick file Find the file']);
  });

  it('answers host actions in the browser shell with a clear error', async () => {
    server.set('/img', { body: randomBytes(100) });
    const { runtime: rt, events } = start();
    const id = ((await call(rt, 'downloads.enqueueUrl', { url: server.url('/img') })).value as Download).id;
    await expect.poll(() => completedEvent(events, id), { timeout: 10_000 }).toBeDefined();
    const result = await call(rt, 'downloads.reveal', { id });
    expect(result).toMatchObject({ ok: false, error: { kind: 'forbidden' } });
    expect(result.error?.message).toMatch(/not available in the browser shell/);
    expect((await call(rt, 'app.info', {})).value).toMatchObject({ canPickPaths: false, canRevealFiles: false });
    expect(await call(rt, 'app.pickPath', { kind: 'folder', title: 'Import a folder' })).toMatchObject({ ok: false, error: { kind: 'forbidden' } });
  });
});
