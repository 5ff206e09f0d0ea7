import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Download } from '@shared/downloads';
import { openDatabase } from '@main/core/db/database';
import { etagOf, sha256, startRangeServer, type RangeServer } from '../support/range-server';
import { noisyMp4 } from '../support/media-files';

let server: RangeServer;
let dataDir: string;

beforeAll(async () => {
  server = await startRangeServer();
  dataDir = mkdtempSync(join(tmpdir(), 'promptreel-crash-'));
});
afterAll(async () => {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

interface Worker {
  child: ChildProcess;
  lines: AsyncIterator<string>;
  exited: Promise<number | null>;
}

/** The manager in a real second process, run from source like the CLI would be. */
function worker(target: string): Worker {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/download-worker.ts', dataDir, target], {
    env: { ...process.env, TSX_TSCONFIG_PATH: 'tsconfig.node.json' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream })[Symbol.asyncIterator]();
  return { child, lines, exited };
}

async function next(w: Worker, event: string): Promise<{ event: string; download: Download }> {
  for (;;) {
    const result = await w.lines.next();
    if (result.done === true) throw new Error(`the worker ended before "${event}"`);
    const line = JSON.parse(result.value) as { event: string; download: Download };
    if (line.event === event) return line;
  }
}

it('resumes from the .part after kill -9 mid-file: Range from the part size, matching sha256, no .part left', async () => {
  const body = noisyMp4(3 * 1024 * 1024);
  const sent = 1024 * 1024;
  server.set('/video.mp4', { body, faults: [{ kind: 'stall', after: sent }] });

  const first = worker(server.url('/video.mp4'));
  const { download } = await next(first, 'enqueued');
  const part = download.path ?? '';
  expect(part.endsWith('.part')).toBe(true);
  // Wait (on the file, not a clock) until the first process wrote everything it was sent, then kill it.
  await expect.poll(() => (existsSync(part) ? statSync(part).size : -1), { timeout: 20_000, interval: 20 }).toBe(sent);
  first.child.kill('SIGKILL');
  await first.exited;
  expect(statSync(part).size).toBe(sent);

  // The killed process left the download "active" with the validators of the bytes it wrote.
  const db = openDatabase(join(dataDir, 'promptreel.db'));
  expect(db.prepare('SELECT status, etag FROM downloads WHERE id = ?').get(download.id)).toEqual({ status: 'active', etag: etagOf(body) });
  db.close();

  const second = worker('--resume');
  const { download: done } = await next(second, 'settled');
  expect(await second.exited).toBe(0);
  expect(done.id).toBe(download.id);
  expect(done.status).toBe('completed');
  expect(done.sha256).toBe(sha256(body));
  expect(readFileSync(done.path ?? '')).toEqual(body);
  expect(existsSync(part)).toBe(false);
  const resumed = server.requests('/video.mp4').at(-1);
  expect(resumed?.range).toBe(`bytes=${sent}-`);
  expect(resumed?.ifRange).toBe(etagOf(body));
});
