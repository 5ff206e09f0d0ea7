import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Download, DownloadProgress } from '@shared/downloads';
import { openDatabase, type Database } from '@main/core/db/database';
import { DownloadManager, type DownloadSettings } from '@main/core/downloads/manager';
import { DEFAULT_FILE_NAME_TEMPLATE } from '@main/core/downloads/naming';
import type { TransferFs } from '@main/core/downloads/transfer';
import type { DownloadRequest } from '@main/core/downloads/types';
import { createLogger } from '@main/core/log';
import { etagOf, sha256, startRangeServer, type RangeServer } from '../support/range-server';
import { noisyMp4 as mp4 } from '../support/media-files';

const quiet = createLogger({ sink: () => {} });

let server: RangeServer;
let dir: string;
const cleanups: (() => Promise<void> | void)[] = [];

beforeEach(async () => {
  server = await startRangeServer();
  dir = mkdtempSync(join(tmpdir(), 'promptreel-downloads-'));
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Harness {
  manager: DownloadManager;
  db: Database;
  library: string;
  settings: DownloadSettings;
  updates: Download[];
  progress: DownloadProgress[];
  completed: Download[];
}

function harness(options: { settings?: Partial<DownloadSettings>; fs?: TransferFs; db?: Database; idleTimeoutMs?: number } = {}): Harness {
  const db = options.db ?? openDatabase(join(dir, 'promptreel.db'));
  const library = join(dir, 'library');
  const settings: DownloadSettings = {
    concurrency: 2,
    sizeCapBytes: 64 * 1024 * 1024,
    fileNameTemplate: DEFAULT_FILE_NAME_TEMPLATE,
    autoDownload: true,
    directory: library,
    ...options.settings,
  };
  const updates: Download[] = [];
  const progress: DownloadProgress[] = [];
  const completed: Download[] = [];
  const manager = new DownloadManager({
    db,
    log: quiet,
    settings: () => settings,
    onUpdated: (d) => updates.push(d),
    onProgress: (p) => progress.push(p),
    retry: { attempts: 4, baseDelayMs: 5, maxDelayMs: 20 },
    idleTimeoutMs: options.idleTimeoutMs ?? 10_000,
    ...(options.fs ? { fs: options.fs } : {}),
  });
  manager.onCompleted((d) => completed.push(d));
  cleanups.push(async () => {
    await manager.close();
    if (!options.db) db.close();
  });
  return { manager, db, library, settings, updates, progress, completed };
}

const CREATED = new Date(2024, 4, 6, 12, 30).getTime();

function request(url: string, overrides: Partial<DownloadRequest> = {}): DownloadRequest {
  return {
    url,
    destDir: join(dir, 'library'),
    naming: { operation: 'hidream.txt2video', prompt: 'A cat, dancing in the moonlight!', index: 0, kind: 'video', createdAt: CREATED },
    ...overrides,
  };
}

/** Waits (on a condition, not a clock) until the part holds `bytes`, i.e. the client wrote what the server sent. */
async function partReaches(manager: DownloadManager, id: string, bytes: number): Promise<void> {
  const part = manager.get(id)?.path ?? '';
  await expect.poll(() => (existsSync(part) ? statSync(part).size : -1), { timeout: 10_000, interval: 10 }).toBe(bytes);
}

function partFiles(folder: string): string[] {
  return existsSync(folder) ? readdirSync(folder).filter((name) => name.endsWith('.part')) : [];
}

/** A job with one output row, so downloads can reference it like the engine's do. */
function insertOutput(db: Database, outputId: string, url: string): void {
  const now = Date.now();
  db.prepare("INSERT INTO jobs (id, operation, vendor, status, params, created_at, updated_at) VALUES (?, 'hidream.txt2video', 'hidream', 'succeeded', '{}', ?, ?)").run(
    `job-${outputId}`,
    now,
    now,
  );
  db.prepare("INSERT INTO outputs (id, job_id, idx, status, kind, url) VALUES (?, ?, 0, 'succeeded', 'video', ?)").run(outputId, `job-${outputId}`, url);
}

describe('a download', () => {
  it('lands in the library under the template name, typed by Content-Type, hashed, with no .part left', async () => {
    const body = mp4(1_500_000);
    // The URL's ".txt" must not decide the extension.
    server.set('/results/abc.txt', { body, contentType: 'video/mp4' });
    const h = harness();
    const queued = h.manager.enqueue(request(`${server.url('/results/abc.txt')}?sig=secret`, { expiresAt: Date.now() + 60_000 }));
    expect(queued.status).toBe('queued');
    // Persisted before enqueue returned: a fresh reader of the database sees it.
    expect(h.db.prepare('SELECT status FROM downloads WHERE id = ?').get(queued.id)).toEqual({ status: 'queued' });

    const done = await h.manager.whenSettled(queued.id);
    expect(done.status).toBe('completed');
    expect(basename(done.path ?? '')).toBe('2024-05-06_hidream-txt2video_a-cat-dancing-in-the-moonlight_1.mp4');
    expect(readFileSync(done.path ?? '')).toEqual(body);
    expect(done.sha256).toBe(sha256(body));
    expect(done.bytesDone).toBe(body.length);
    expect(done.bytesTotal).toBe(body.length);
    expect(partFiles(h.library)).toEqual([]);
    expect(h.completed.map((d) => d.id)).toEqual([queued.id]);
    expect(h.updates.filter((d) => d.id === queued.id).map((d) => d.status)).toEqual(expect.arrayContaining(['queued', 'active', 'completed']));
    const last = h.progress.at(-1);
    expect(last?.bytesDone).toBe(body.length);
    const seen = h.progress.map((p) => p.bytesDone);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  });

  it('resumes a connection cut mid-file with Range and If-Range, and the sha256 matches', async () => {
    const body = mp4(1_000_000);
    server.set('/cut.mp4', { body, faults: [{ kind: 'stall', after: 300_000 }] });
    const h = harness();
    const { id } = h.manager.enqueue(request(server.url('/cut.mp4')));
    await partReaches(h.manager, id, 300_000);
    server.release();
    const done = await h.manager.whenSettled(id);
    expect(done.status).toBe('completed');
    expect(done.sha256).toBe(sha256(body));
    expect(readFileSync(done.path ?? '')).toEqual(body);
    const [first, second] = server.requests('/cut.mp4');
    expect(first?.range).toBeUndefined();
    expect(second?.range).toBe('bytes=300000-');
    expect(second?.ifRange).toBe(etagOf(body));
  });

  it('resumes after the server cuts the connection itself', async () => {
    const body = mp4(900_000);
    server.set('/cut.mp4', { body, faults: [{ kind: 'cut', after: 450_000 }] });
    const h = harness();
    const done = await h.manager.whenSettled(h.manager.enqueue(request(server.url('/cut.mp4'))).id);
    expect(done.status).toBe('completed');
    expect(done.sha256).toBe(sha256(body));
    expect(server.requests('/cut.mp4')).toHaveLength(2);
  });

  it('lets a slow body finish, and retries a silent one from where it stopped', async () => {
    const slowBody = mp4(120_000);
    const silentBody = mp4(300_000);
    server.set('/slow.mp4', { body: slowBody, faults: [{ kind: 'drip', chunk: 10_000, everyMs: 40 }] });
    server.set('/silent.mp4', { body: silentBody, faults: [{ kind: 'stall', after: 100_000 }] });
    const h = harness({ idleTimeoutMs: 400 });
    const slow = h.manager.enqueueUrl(server.url('/slow.mp4'));
    const silent = h.manager.enqueueUrl(server.url('/silent.mp4'));
    expect((await h.manager.whenSettled(slow.id)).sha256).toBe(sha256(slowBody));
    expect(server.requests('/slow.mp4')).toHaveLength(1);
    expect((await h.manager.whenSettled(silent.id)).sha256).toBe(sha256(silentBody));
    expect(server.requests('/silent.mp4').map((r) => r.range)).toEqual([undefined, 'bytes=100000-']);
  });

  it('resumes a chunked body (no Content-Length) cut mid-way', async () => {
    const body = mp4(800_000);
    server.set('/chunked.mp4', { body, chunked: true, faults: [{ kind: 'stall', after: 200_000 }] });
    const h = harness();
    const { id } = h.manager.enqueueUrl(server.url('/chunked.mp4'));
    await partReaches(h.manager, id, 200_000);
    server.release();
    const done = await h.manager.whenSettled(id);
    expect(done.status).toBe('completed');
    expect(done.sha256).toBe(sha256(body));
    expect(server.requests('/chunked.mp4')[1]?.range).toBe('bytes=200000-');
  });

  it('starts over from zero when the ETag changed while the connection was down', async () => {
    const before = mp4(900_000);
    const after = mp4(700_000);
    server.set('/changing.mp4', { body: before, faults: [{ kind: 'stall', after: 400_000 }] });
    const h = harness();
    const { id } = h.manager.enqueue(request(server.url('/changing.mp4')));
    await partReaches(h.manager, id, 400_000);
    server.set('/changing.mp4', { body: after });
    server.release();
    const done = await h.manager.whenSettled(id);
    expect(done.status).toBe('completed');
    expect(readFileSync(done.path ?? '')).toEqual(after);
    expect(done.sha256).toBe(sha256(after));
    const second = server.requests('/changing.mp4')[1];
    expect(second?.range).toBe('bytes=400000-');
    expect(second?.ifRange).toBe(etagOf(before));
  });

  it('starts over when a server ignores If-Range and answers 206 with another ETag', async () => {
    const before = mp4(900_000);
    const after = mp4(950_000);
    server.set('/sloppy.mp4', { body: before, ifRange: false, faults: [{ kind: 'stall', after: 400_000 }] });
    const h = harness();
    const { id } = h.manager.enqueue(request(server.url('/sloppy.mp4')));
    await partReaches(h.manager, id, 400_000);
    server.set('/sloppy.mp4', { body: after, ifRange: false });
    server.release();
    const done = await h.manager.whenSettled(id);
    expect(done.sha256).toBe(sha256(after));
    expect(server.requests('/sloppy.mp4').map((r) => r.range)).toEqual([undefined, 'bytes=400000-', undefined]);
  });

  it('starts over on 416 (the part is longer than the file now is)', async () => {
    const before = mp4(900_000);
    const after = mp4(300_000);
    server.set('/shrunk.mp4', { body: before, etag: null, ifRange: false, faults: [{ kind: 'stall', after: 500_000 }] });
    const h = harness();
    const { id } = h.manager.enqueue(request(server.url('/shrunk.mp4')));
    await partReaches(h.manager, id, 500_000);
    server.set('/shrunk.mp4', { body: after, etag: null, ifRange: false });
    server.release();
    const done = await h.manager.whenSettled(id);
    expect(done.status).toBe('completed');
    expect(readFileSync(done.path ?? '')).toEqual(after);
    expect(server.requests('/shrunk.mp4').map((r) => r.range)).toEqual([undefined, 'bytes=500000-', undefined]);
  });
});

describe('links that stop working', () => {
  it('ends in `expired` after one request when the link is past its expiry and answers 403', async () => {
    server.set('/old.mp4', { body: mp4(10_000), status: 403 });
    const h = harness();
    const { id } = h.manager.enqueue(request(server.url('/old.mp4'), { expiresAt: Date.now() - 1_000 }));
    const done = await h.manager.whenSettled(id);
    expect(done.status).toBe('expired');
    expect(done.error?.kind).toBe('expired');
    expect(done.error?.message).toMatch(/expired/);
    expect(server.requests('/old.mp4')).toHaveLength(1);
  });

  it('treats a link that worked and then answers 404 as expired, keeping no loop', async () => {
    const body = mp4(600_000);
    server.set('/gone.mp4', { body, faults: [{ kind: 'stall', after: 100_000 }] });
    const h = harness();
    const stalled = server.stalled();
    const { id } = h.manager.enqueue(request(server.url('/gone.mp4')));
    await stalled;
    server.set('/gone.mp4', { body, status: 404 });
    server.release();
    expect((await h.manager.whenSettled(id)).status).toBe('expired');
    expect(server.requests('/gone.mp4')).toHaveLength(2);
    // Nothing half-written is left behind for a link that cannot finish it.
    expect(partFiles(h.library)).toEqual([]);
  });

  it('fails (not expired) when a link without a known expiry never worked', async () => {
    server.set('/private.mp4', { body: mp4(1000), status: 403 });
    const h = harness();
    const done = await h.manager.whenSettled(h.manager.enqueueUrl(server.url('/private.mp4')).id);
    expect(done.status).toBe('failed');
    expect(done.error?.kind).toBe('forbidden');
    expect(server.requests('/private.mp4')).toHaveLength(1);
  });
});

describe('retries', () => {
  it('retries 5xx with backoff and then completes', async () => {
    const body = mp4(50_000);
    server.set('/flaky.mp4', { body, faults: [{ kind: 'status', status: 503 }, { kind: 'status', status: 500 }] });
    const h = harness();
    const done = await h.manager.whenSettled(h.manager.enqueue(request(server.url('/flaky.mp4'))).id);
    expect(done.status).toBe('completed');
    expect(done.error).toBeNull();
    expect(server.requests('/flaky.mp4')).toHaveLength(3);
    // While it waited, the reason was on the record for the UI.
    expect(h.updates.some((d) => d.status === 'active' && /HTTP 503\. Retrying in \d+ s\./.test(d.error?.message ?? ''))).toBe(true);
  });

  it('gives up after the retry limit with a `server` error', async () => {
    server.set('/down.mp4', { body: mp4(1000), status: 502 });
    const h = harness();
    const done = await h.manager.whenSettled(h.manager.enqueue(request(server.url('/down.mp4'))).id);
    expect(done.status).toBe('failed');
    expect(done.error?.kind).toBe('server');
    expect(done.error?.message).toMatch(/HTTP 502.*4 attempts/);
    expect(server.requests('/down.mp4')).toHaveLength(4);
  });

  it('retries a refused connection as a network error', async () => {
    const h = harness();
    const closed = await startRangeServer();
    const url = closed.url('/x.mp4');
    await closed.close();
    const download = h.manager.enqueueUrl(url);
    const done = await h.manager.whenSettled(download.id);
    expect(done.status).toBe('failed');
    expect(done.error?.kind).toBe('network');
    expect(done.error?.message).toMatch(/^127\.0\.0\.1:\d+ refused the connection\. .*Gave up after 4 attempts\.$/);
    // The reason as data, for the window's own language; it goes with the error when the download is retried.
    expect(done.error?.net).toEqual({ reason: 'refused', host: new URL(url).host });
    expect(h.manager.retry(download.id).error).toBeNull();
    expect(h.manager.get(download.id)?.error?.net).toBeUndefined();
  });
});

describe('redirects and limits', () => {
  it('follows a same-scheme redirect', async () => {
    const body = mp4(20_000);
    server.set('/real.mp4', { body });
    server.set('/short', { body, faults: [{ kind: 'redirect', location: '/real.mp4' }] });
    const h = harness();
    const done = await h.manager.whenSettled(h.manager.enqueueUrl(server.url('/short')).id);
    expect(done.status).toBe('completed');
    expect(done.sha256).toBe(sha256(body));
  });

  it.each(['ftp://127.0.0.1/file.mp4', 'file:///etc/passwd', 'data:video/mp4;base64,AAAA'])('refuses a redirect to %s', async (location) => {
    server.set('/evil', { body: Buffer.alloc(1), faults: [{ kind: 'redirect', location }] });
    const h = harness();
    const done = await h.manager.whenSettled(h.manager.enqueueUrl(server.url('/evil')).id);
    expect(done.status).toBe('failed');
    expect(done.error?.kind).toBe('forbidden');
    expect(done.error?.message).toMatch(/Refused a redirect/);
  });

  it('stops after 5 redirects', async () => {
    server.set('/loop', { body: Buffer.alloc(1), faults: Array.from({ length: 10 }, () => ({ kind: 'redirect' as const, location: '/loop' })) });
    const h = harness();
    const done = await h.manager.whenSettled(h.manager.enqueueUrl(server.url('/loop')).id);
    expect(done.error?.message).toMatch(/more than 5 times/);
    expect(server.requests('/loop')).toHaveLength(6);
  });

  it('refuses a file over the size cap before writing, and one without a length once it passes the cap', async () => {
    server.set('/big.mp4', { body: mp4(300_000) });
    server.set('/big-chunked.mp4', { body: mp4(300_000), chunked: true });
    const h = harness({ settings: { sizeCapBytes: 100_000 } });
    const known = await h.manager.whenSettled(h.manager.enqueueUrl(server.url('/big.mp4')).id);
    const unknown = await h.manager.whenSettled(h.manager.enqueueUrl(server.url('/big-chunked.mp4')).id);
    for (const done of [known, unknown]) {
      expect(done.status).toBe('failed');
      expect(done.error?.message).toMatch(/size cap of 98 KB/);
    }
    expect(known.error?.message).toMatch(/The file is 293 KB/);
    expect(readdirSync(h.library)).toEqual([]);
  });

  it('refuses anything but http(s) for on-demand downloads', () => {
    const h = harness();
    expect(() => h.manager.enqueueUrl('file:///etc/passwd')).toThrow(/Only http\(s\) links/);
    expect(() => h.manager.enqueueUrl('not a url')).toThrow(/not a valid URL/);
  });
});

describe('the disk', () => {
  it('pauses with the reason on a full disk, keeps the part, and resumes from it once space is free', async () => {
    const body = mp4(1_000_000);
    server.set('/big.mp4', { body });
    const disk = { full: true, limit: 250_000 };
    const fs: TransferFs = {
      open: async (path, flags) => {
        const handle = await open(path, flags);
        return {
          writev: async (buffers, position) => {
            const room = disk.limit - position;
            if (!disk.full || room >= buffers.reduce((n, b) => n + b.byteLength, 0)) return handle.writev(buffers, position);
            if (room <= 0) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
            // Like the kernel: what fits is written, the next write fails.
            const data = Buffer.concat(buffers.map((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength))).subarray(0, room);
            return handle.writev([data], position);
          },
          read: (buffer, offset, length, position) => handle.read(buffer, offset, length, position),
          stat: () => handle.stat(),
          truncate: (length) => handle.truncate(length),
          sync: () => handle.sync(),
          close: () => handle.close(),
        };
      },
    };
    const h = harness({ fs });
    const { id } = h.manager.enqueue(request(server.url('/big.mp4')));
    await expect.poll(() => h.manager.get(id)?.status).toBe('paused');
    const paused = h.manager.get(id);
    expect(paused?.error?.kind).toBe('io');
    expect(paused?.error?.message).toMatch(/disk is full/);
    const part = paused?.path ?? '';
    expect(part.endsWith('.part')).toBe(true);
    expect(statSync(part).size).toBe(250_000);

    disk.full = false;
    h.manager.resume(id);
    const done = await h.manager.whenSettled(id);
    expect(done.status).toBe('completed');
    expect(done.sha256).toBe(sha256(body));
    expect(server.requests('/big.mp4').at(-1)?.range).toBe('bytes=250000-');
    expect(existsSync(part)).toBe(false);
  });

  it('pauses with the reason when the folder may not be written', async () => {
    server.set('/locked.mp4', { body: mp4(1000) });
    const denied: TransferFs = {
      open: () => Promise.reject(Object.assign(new Error('EACCES: permission denied, open'), { code: 'EACCES' })),
    };
    const h = harness({ fs: denied });
    const { id } = h.manager.enqueue(request(server.url('/locked.mp4')));
    await expect.poll(() => h.manager.get(id)?.status).toBe('paused');
    expect(h.manager.get(id)?.error?.message).toMatch(/no permission to write in .*library/);
    expect(server.requests('/locked.mp4')).toHaveLength(0);
  });

  it('never overwrites an existing file: the new one gets " (2)"', async () => {
    const body = mp4(10_000);
    server.set('/dup.mp4', { body });
    const h = harness();
    mkdirSync(h.library, { recursive: true });
    const existing = join(h.library, '2024-05-06_hidream-txt2video_a-cat-dancing-in-the-moonlight_1.mp4');
    writeFileSync(existing, 'keep me');
    const done = await h.manager.whenSettled(h.manager.enqueue(request(server.url('/dup.mp4'))).id);
    expect(basename(done.path ?? '')).toBe('2024-05-06_hidream-txt2video_a-cat-dancing-in-the-moonlight_1 (2).mp4');
    expect(readFileSync(existing, 'utf8')).toBe('keep me');
  });

  it('takes the extension from magic bytes when the Content-Type says nothing useful', async () => {
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(5000)]);
    server.set('/image.mp4', { body: png, contentType: 'application/octet-stream' });
    const h = harness();
    const done = await h.manager.whenSettled(h.manager.enqueueUrl(server.url('/image.mp4'), { name: 'my picture' }).id);
    expect(basename(done.path ?? '')).toMatch(/^\d{4}-\d{2}-\d{2}_my-picture_1\.png$/);
  });
});

describe('the queue', () => {
  it('pauses a running download keeping its part, and resumes it with a Range request', async () => {
    const body = mp4(700_000);
    server.set('/p.mp4', { body, faults: [{ kind: 'stall', after: 200_000 }] });
    const h = harness();
    const { id } = h.manager.enqueue(request(server.url('/p.mp4')));
    await partReaches(h.manager, id, 200_000);
    expect(h.manager.pause(id).status).toBe('paused');
    expect(existsSync(h.manager.get(id)?.path ?? '')).toBe(true);
    h.manager.resume(id);
    const done = await h.manager.whenSettled(id);
    expect(done.sha256).toBe(sha256(body));
    expect(server.requests('/p.mp4')[1]?.range).toBe('bytes=200000-');
  });

  it('cancels a running download and deletes its part; retry then downloads it afresh', async () => {
    const body = mp4(500_000);
    server.set('/c.mp4', { body, faults: [{ kind: 'stall', after: 100_000 }] });
    const h = harness();
    const stalled = server.stalled();
    const { id } = h.manager.enqueue(request(server.url('/c.mp4')));
    await stalled;
    const part = h.manager.get(id)?.path ?? '';
    expect(h.manager.cancel(id).status).toBe('canceled');
    expect((await h.manager.whenSettled(id)).status).toBe('canceled');
    await expect.poll(() => existsSync(part)).toBe(false);
    expect(h.manager.retry(id).status).toBe('queued');
    const done = await h.manager.whenSettled(id);
    expect(done.status).toBe('completed');
    expect(done.sha256).toBe(sha256(body));
    expect(server.requests('/c.mp4').at(-1)?.range).toBeUndefined();
  });

  it('runs no more than `concurrency` at once, and the link that expires first goes first', async () => {
    server.set('/blocker.mp4', { body: mp4(300_000), faults: [{ kind: 'stall', after: 1000 }] });
    server.set('/late.mp4', { body: mp4(1000) });
    server.set('/soon.mp4', { body: mp4(1000) });
    const h = harness({ settings: { concurrency: 1 } });
    const stalled = server.stalled();
    const blocker = h.manager.enqueue(request(server.url('/blocker.mp4')));
    await stalled;
    const late = h.manager.enqueue(request(server.url('/late.mp4'), { expiresAt: Date.now() + 3_600_000 }));
    const soon = h.manager.enqueue(request(server.url('/soon.mp4'), { expiresAt: Date.now() + 60_000 }));
    expect(h.manager.list({ status: ['active'] }).downloads.map((d) => d.id)).toEqual([blocker.id]);
    h.manager.pause(blocker.id);
    await h.manager.whenSettled(late.id);
    expect(server.requests().map((r) => r.path).slice(1)).toEqual(['/soon.mp4', '/late.mp4']);
    expect(h.manager.get(soon.id)?.status).toBe('completed');
    expect(h.manager.get(blocker.id)?.status).toBe('paused');
  });

  it('pauses and resumes everything at once', async () => {
    server.set('/a.mp4', { body: mp4(300_000), faults: [{ kind: 'stall', after: 1000 }] });
    server.set('/b.mp4', { body: mp4(2000) });
    const h = harness({ settings: { concurrency: 1 } });
    const stalled = server.stalled();
    const a = h.manager.enqueue(request(server.url('/a.mp4')));
    await stalled;
    const b = h.manager.enqueue(request(server.url('/b.mp4')));
    expect(h.manager.pauseAll()).toBe(2);
    expect(h.manager.list().downloads.map((d) => d.status)).toEqual(['paused', 'paused']);
    expect(h.manager.resumeAll()).toBe(2);
    expect((await h.manager.whenSettled(a.id)).status).toBe('completed');
    expect((await h.manager.whenSettled(b.id)).status).toBe('completed');
  });

  it('survives a restart: a new manager on the same database resumes from the part', async () => {
    const body = mp4(800_000);
    server.set('/r.mp4', { body, faults: [{ kind: 'stall', after: 250_000 }] });
    const db = openDatabase(join(dir, 'promptreel.db'));
    cleanups.push(() => db.close());
    const first = harness({ db });
    const { id } = first.manager.enqueue(request(server.url('/r.mp4')));
    await partReaches(first.manager, id, 250_000);
    await first.manager.close();
    expect(first.manager.get(id)?.status).toBe('queued');

    const second = harness({ db });
    second.manager.resume();
    const done = await second.manager.whenSettled(id);
    expect(done.sha256).toBe(sha256(body));
    expect(server.requests('/r.mp4')[1]?.range).toBe('bytes=250000-');
    expect(second.completed.map((d) => d.id)).toEqual([id]);
  });

  it('refuses an output id that is not in the database, clearly', () => {
    const h = harness();
    expect(() => h.manager.enqueue(request(server.url('/x.mp4'), { outputId: 'ghost', jobId: 'nojob' }))).toThrow(/No job output ghost/);
  });

  it('records a job result paused when auto-download is off, and one click starts it', async () => {
    const body = mp4(5000);
    server.set('/manual.mp4', { body });
    const h = harness({ settings: { autoDownload: false } });
    insertOutput(h.db, 'out-1', server.url('/manual.mp4'));
    const recorded = h.manager.enqueue(request(server.url('/manual.mp4'), { outputId: 'out-1', jobId: 'job-out-1' }));
    expect(recorded.status).toBe('paused');
    // The engine may enqueue the same output again after its own restart: nothing is duplicated.
    expect(h.manager.enqueue(request(server.url('/manual.mp4'), { outputId: 'out-1' })).id).toBe(recorded.id);
    expect(server.requests()).toHaveLength(0);
    // "Download" on the result in the UI: enqueueUrl with the output id starts the same record.
    expect(h.manager.enqueueUrl(server.url('/manual.mp4'), { outputId: 'out-1' }).id).toBe(recorded.id);
    const done = await h.manager.whenSettled(recorded.id);
    expect(done.status).toBe('completed');
    expect(done.outputId).toBe('out-1');
    expect(done.jobId).toBe('job-out-1');
  });
});

describe('one queue shared by two processes (the app and a CLI run)', () => {
  it('never runs one download twice: a live owner keeps it through the other’s restart pickup', async () => {
    const body = mp4(600_000);
    server.set('/shared.mp4', { body, faults: [{ kind: 'stall', after: 200_000 }] });
    // Two managers, each on its own connection to the same database file, as two processes are.
    const cli = harness();
    const app = harness();
    const { id } = cli.manager.enqueue(request(server.url('/shared.mp4')));
    await partReaches(cli.manager, id, 200_000);

    // The app starts meanwhile: the download is running, so it is not queued again or started here.
    app.manager.resume();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(app.manager.get(id)?.status).toBe('active');
    expect(server.requests('/shared.mp4')).toHaveLength(1);

    server.release();
    const done = await cli.manager.whenSettled(id);
    expect(done.sha256).toBe(sha256(body));
    expect(cli.completed.map((d) => d.id)).toEqual([id]);
    expect(app.completed).toEqual([]);
    // The cut connection was resumed by its owner, from the part; nobody else asked for the file.
    expect(server.requests('/shared.mp4').map((r) => r.range)).toEqual([undefined, 'bytes=200000-']);
  });

  it('takes over a download whose owner died, from its part', async () => {
    const body = mp4(500_000);
    server.set('/orphan.mp4', { body, faults: [{ kind: 'stall', after: 150_000 }] });
    const first = harness();
    const { id } = first.manager.enqueue(request(server.url('/orphan.mp4')));
    await partReaches(first.manager, id, 150_000);
    await first.manager.close();
    // What a kill -9 leaves: the row still active, leased to a process that no longer exists.
    first.db.prepare("UPDATE downloads SET status = 'active', owner = ?, lease_until = ? WHERE id = ?").run(`${hostname()}:999999999:dead`, Date.now() + 60_000, id);

    const next = harness();
    next.manager.resume();
    const done = await next.manager.whenSettled(id);
    expect(done.sha256).toBe(sha256(body));
    expect(server.requests('/orphan.mp4').at(-1)?.range).toBe('bytes=150000-');
  });

  it('stops its transfer, keeping the part, when the other process pauses the download', async () => {
    const body = mp4(400_000);
    server.set('/paused.mp4', { body, faults: [{ kind: 'stall', after: 100_000 }] });
    const cli = harness();
    const app = harness();
    const { id } = cli.manager.enqueue(request(server.url('/paused.mp4')));
    await partReaches(cli.manager, id, 100_000);

    // Paused in the app: the CLI notices at its next lease renewal (within a second) and lets go,
    // writing nothing more to the download's record.
    const cliWrites = cli.updates.length;
    app.manager.pause(id);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(app.manager.get(id)?.status).toBe('paused');
    expect(cli.updates.slice(cliWrites)).toEqual([]);

    // The cut reaches no one (the CLI already stopped, so it asks for nothing again); resumed in the
    // app, the download runs to the end from the part.
    server.release();
    app.manager.resume(id);
    const done = await app.manager.whenSettled(id);
    expect(done.sha256).toBe(sha256(body));
    expect(server.requests('/paused.mp4').map((r) => r.range)).toEqual([undefined, 'bytes=100000-']);
    expect(cli.completed).toEqual([]);
  });
});
