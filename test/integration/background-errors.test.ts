import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Download } from '@shared/downloads';
import { openDatabase } from '@main/core/db/database';
import { sha256, startRangeServer, type RangeServer } from '../support/range-server';
import { noisyMp4 } from '../support/media-files';

/*
 * A database error inside a background timer (here: SQLITE_BUSY in a download's lease renewal, because
 * another program holds an exclusive lock) is reported and retried; it must not end the process.
 */
let server: RangeServer;
let dataDir: string;

beforeAll(async () => {
  server = await startRangeServer();
  dataDir = mkdtempSync(join(tmpdir(), 'promptreel-busy-'));
});
afterAll(async () => {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

interface Line {
  event: string;
  download?: Download;
  level?: string;
  bytesDone?: number;
  message?: string;
}

function worker(target: string): { child: ChildProcess; lines: Line[]; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/download-worker.ts', dataDir, target], {
    env: { ...process.env, TSX_TSCONFIG_PATH: 'tsconfig.node.json', WORKER_BUSY_TIMEOUT_MS: '100' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Line[] = [];
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => lines.push(JSON.parse(line) as Line));
  child.stderr.on('data', (c: Buffer) => process.stderr.write(c));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, lines, exited };
}

it('keeps downloading when the database is locked during lease renewals: reports it, recovers, completes the file', async () => {
  const body = noisyMp4(512 * 1024);
  server.set('/busy.mp4', { body, faults: [{ kind: 'stall', after: 64 * 1024 }] });
  const w = worker(server.url('/busy.mp4'));
  await server.stalled();
  // Everything sent so far is on disk (and the response's validators recorded) before the lock.
  await expect.poll(() => w.lines.some((l) => l.event === 'progress' && l.bytesDone === 64 * 1024), { timeout: 10_000, interval: 20 }).toBe(true);

  // Another program takes the write lock for longer than several renewals (one a second) wait for it.
  const locker = openDatabase(join(dataDir, 'promptreel.db'));
  locker.exec('BEGIN EXCLUSIVE');
  await expect.poll(() => w.lines.filter((l) => l.event === 'problem'), { timeout: 10_000, interval: 50 }).toHaveLength(1);
  await new Promise((r) => setTimeout(r, 1_500));
  expect(w.child.exitCode).toBe(null);
  locker.exec('ROLLBACK');
  locker.close();

  expect(w.lines.find((l) => l.event === 'problem')).toMatchObject({
    level: 'error',
    message: 'Promptreel could not renew its hold on a running download: the database is busy (another program holds a lock on it). It keeps retrying.',
  });
  await expect.poll(() => w.lines.filter((l) => l.event === 'problem').at(-1), { timeout: 10_000, interval: 50 }).toMatchObject({ level: 'info' });
  // The lease was renewed again: the download is still this worker's, and it finishes from its part.
  server.release();
  expect(await w.exited).toBe(0);
  const done = w.lines.find((l) => l.event === 'settled')?.download;
  expect(done).toMatchObject({ status: 'completed', sha256: sha256(body) });
  expect(readFileSync(done?.path ?? '')).toEqual(body);
  expect(server.requests('/busy.mp4').at(-1)?.range).toBe(`bytes=${64 * 1024}-`);
}, 60_000);
