import { execFileSync } from 'node:child_process';
import { existsSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '@main/core/db/database';
import { DownloadManager, type DownloadSettings } from '@main/core/downloads/manager';
import { DEFAULT_FILE_NAME_TEMPLATE } from '@main/core/downloads/naming';
import { downloadHandlers } from '@main/core/downloads/handlers';
import type { HostCapabilities } from '@main/core/host';
import { createLogger } from '@main/core/log';
import { sha256, startRangeServer, type RangeServer } from '../support/range-server';
import { noisyMp4 as mp4 } from '../support/media-files';

/**
 * The files a download writes, against what can happen to them on a real disk: a name taken by a
 * planted link before the download starts, and the whole folder deleted while the bytes flow.
 */
const quiet = createLogger({ sink: () => {} });

let server: RangeServer;
let dir: string;
let manager: DownloadManager;
let closeDb: () => void;

function start(settings: Partial<DownloadSettings> = {}): DownloadManager {
  const db = openDatabase(join(dir, 'promptreel.db'));
  closeDb = () => db.close();
  manager = new DownloadManager({
    db,
    log: quiet,
    settings: () => ({
      concurrency: 2,
      sizeCapBytes: 64 * 1024 * 1024,
      fileNameTemplate: DEFAULT_FILE_NAME_TEMPLATE,
      autoDownload: true,
      directory: join(dir, 'library'),
      ...settings,
    }),
    retry: { attempts: 4, baseDelayMs: 5, maxDelayMs: 20 },
    idleTimeoutMs: 10_000,
  });
  return manager;
}

beforeEach(async () => {
  server = await startRangeServer();
  dir = mkdtempSync(join(tmpdir(), 'promptreel-download-files-'));
});

afterEach(async () => {
  await manager.close();
  closeDb();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A download recorded but not started, so a test can plant something under its `.part` name first. */
function recordPaused(url: string): { id: string; part: string } {
  const download = start({ autoDownload: false }).enqueue({
    url,
    destDir: join(dir, 'library'),
    naming: { operation: 'hidream.txt2video', prompt: 'planted', index: 0, kind: 'video', createdAt: Date.now() },
  });
  const part = download.path ?? '';
  expect(part.endsWith('.part')).toBe(true);
  mkdirSync(dirname(part), { recursive: true });
  return { id: download.id, part };
}

describe('a planted .part', () => {
  it('is never written through when it is a symbolic link: the download stops and says why', async () => {
    server.set('/clip.mp4', { body: mp4(200_000) });
    const { id, part } = recordPaused(server.url('/clip.mp4'));
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'precious');
    symlinkSync(victim, part);

    manager.resume(id);
    const settled = await manager.whenSettled(id);
    expect(settled.status).toBe('failed');
    expect(settled.error?.kind).toBe('forbidden');
    expect(settled.error?.message).toContain(`${part} is a symbolic link, not a file Promptreel wrote`);
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    expect(lstatSync(part).isSymbolicLink()).toBe(true);
    expect(server.requests('/clip.mp4')).toHaveLength(0);
  });

  it('is refused when it is a dangling link that would create a file elsewhere', async () => {
    server.set('/clip.mp4', { body: mp4(50_000) });
    const { id, part } = recordPaused(server.url('/clip.mp4'));
    const elsewhere = join(dir, 'elsewhere.sh');
    symlinkSync(elsewhere, part);

    manager.resume(id);
    expect((await manager.whenSettled(id)).status).toBe('failed');
    expect(existsSync(elsewhere)).toBe(false);
  });

  it('is refused when it is a hard link to another file', async () => {
    server.set('/clip.mp4', { body: mp4(50_000) });
    const { id, part } = recordPaused(server.url('/clip.mp4'));
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'precious');
    linkSync(victim, part);

    manager.resume(id);
    const settled = await manager.whenSettled(id);
    expect(settled.status).toBe('failed');
    expect(settled.error?.message).toContain('has another name (a hard link)');
    expect(readFileSync(victim, 'utf8')).toBe('precious');
  });

  it('is refused, without hanging, when it is a FIFO', async () => {
    server.set('/clip.mp4', { body: mp4(50_000) });
    const { id, part } = recordPaused(server.url('/clip.mp4'));
    execFileSync('mkfifo', [part]);

    manager.resume(id);
    const settled = await manager.whenSettled(id);
    expect(settled.status).toBe('failed');
    expect(settled.error?.message).toContain('is not a regular file');
  });

  it('a part of our own is still continued with a Range request', async () => {
    const body = mp4(120_000);
    server.set('/clip.mp4', { body });
    const { id, part } = recordPaused(server.url('/clip.mp4'));
    writeFileSync(part, body.subarray(0, 40_000));

    manager.resume(id);
    const done = await manager.whenSettled(id);
    expect(done.status).toBe('completed');
    expect(done.sha256).toBe(sha256(body));
    expect(server.requests('/clip.mp4')[0]?.range).toBe('bytes=40000-');
  });
});

describe('the download folder deleted mid-download', () => {
  it('is recreated and the file completes, continuing from the bytes already received', async () => {
    const body = mp4(4 * 1024 * 1024);
    // Slow enough to delete the folder halfway: 64 KiB every 5 ms.
    server.set('/slow.mp4', { body, faults: [{ kind: 'drip', chunk: 64 * 1024, everyMs: 5 }] });
    const library = join(dir, 'library', 'deep', 'folder');
    const m = start();
    const { id, path } = m.enqueueUrl(server.url('/slow.mp4'), { destDir: library, name: 'survivor' });
    const part = path ?? '';
    await expect.poll(() => (existsSync(part) ? statSync(part).size : 0), { timeout: 10_000, interval: 5 }).toBeGreaterThan(1024 * 1024);
    rmSync(join(dir, 'library'), { recursive: true, force: true });

    const done = await m.whenSettled(id);
    expect(done.status, done.error?.message).toBe('completed');
    expect(done.sha256).toBe(sha256(body));
    expect(dirname(done.path ?? '')).toBe(library);
    expect(sha256(readFileSync(done.path ?? ''))).toBe(sha256(body));
    expect(existsSync(part)).toBe(false);
    // The bytes received before the deletion were kept: the second request asks for the rest only.
    const second = server.requests('/slow.mp4')[1];
    expect(second?.range).toMatch(/^bytes=\d+-$/);
    expect(Number(/\d+/.exec(second?.range ?? '')?.[0])).toBeGreaterThan(1024 * 1024);
  });
});

describe('a finished file swapped for a link', () => {
  it('is not opened or dragged out: the host is never handed the link', async () => {
    const body = mp4(20_000);
    server.set('/done.mp4', { body });
    const m = start();
    const done = await m.whenSettled(m.enqueueUrl(server.url('/done.mp4'), { name: 'finished' }).id);
    expect(done.status).toBe('completed');
    const opened: string[] = [];
    const host: HostCapabilities = {
      showItemInFolder: (path) => opened.push(path),
      openPath: (path) => Promise.resolve(void opened.push(path)),
      startDrag: (path) => Promise.resolve(void opened.push(path)),
      pickPath: () => Promise.resolve(null),
    };
    const handlers = downloadHandlers(m, host);
    const ctx = { origin: 'test' };
    await handlers['downloads.open']({ id: done.id }, ctx);
    expect(opened).toEqual([done.path]);

    const secret = join(dir, 'id_ed25519');
    writeFileSync(secret, 'PRIVATE KEY');
    rmSync(done.path ?? '');
    symlinkSync(secret, done.path ?? '');
    await expect(async () => handlers['downloads.open']({ id: done.id }, ctx)).rejects.toThrow(/is no longer the downloaded file \(it is now a link or not a regular file\)/);
    await expect(async () => handlers['downloads.startDrag']({ id: done.id }, ctx)).rejects.toThrow(/is no longer the downloaded file/);
    expect(opened).toHaveLength(1);
  });
});
