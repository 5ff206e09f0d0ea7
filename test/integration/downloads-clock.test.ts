import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openDatabase } from '@main/core/db/database';
import { DownloadManager } from '@main/core/downloads/manager';
import { DEFAULT_FILE_NAME_TEMPLATE } from '@main/core/downloads/naming';
import { createLogger } from '@main/core/log';
import { FakeClock } from '../support/fake-clock';
import { sha256, startRangeServer, type RangeServer } from '../support/range-server';
import { noisyMp4 } from '../support/media-files';

/*
 * Downloads run on the same `Clock` as jobs: retry waits, lease renewals and progress flushes all go
 * through it, so a test (or a benchmark) can move time for them without waiting.
 */
let server: RangeServer;
let dir: string;
beforeAll(async () => {
  server = await startRangeServer();
  dir = mkdtempSync(join(tmpdir(), 'promptreel-dl-clock-'));
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

it('waits out a retry on the injected clock, and renews its lease on it', async () => {
  const body = noisyMp4(128 * 1024);
  server.set('/cut.mp4', { body, faults: [{ kind: 'cut', after: 32 * 1024 }] });
  const clock = new FakeClock(Date.now());
  const db = openDatabase(join(dir, 'promptreel.db'));
  const manager = new DownloadManager({
    db,
    log: createLogger({ sink: () => {} }),
    clock,
    settings: () => ({ concurrency: 1, sizeCapBytes: 1024 ** 3, fileNameTemplate: DEFAULT_FILE_NAME_TEMPLATE, autoDownload: true, directory: dir }),
    retry: { attempts: 3, baseDelayMs: 60_000, maxDelayMs: 60_000 },
  });
  const { id } = manager.enqueueUrl(server.url('/cut.mp4'));
  const row = (): { error_message: string | null; lease_until: number | null } =>
    db.prepare('SELECT error_message, lease_until FROM downloads WHERE id = ?').get(id) as { error_message: string | null; lease_until: number | null };
  await expect.poll(() => row().error_message, { timeout: 10_000 }).toMatch(/Retrying in 60 s/);
  // Real time passes, fake time does not: no second request yet.
  await new Promise((r) => setTimeout(r, 300));
  expect(server.requests('/cut.mp4')).toHaveLength(1);
  const leased = row().lease_until ?? 0;
  await clock.advance(5_000);
  expect(row().lease_until).toBe(clock.now() + 30_000);
  expect(row().lease_until).toBeGreaterThan(leased);

  await clock.advance(60_000);
  const done = await manager.whenSettled(id);
  expect(done.status).toBe('completed');
  expect(readFileSync(done.path ?? '')).toEqual(body);
  expect(done.sha256).toBe(sha256(body));
  expect(server.requests('/cut.mp4').map((r) => r.range)).toEqual([undefined, `bytes=${32 * 1024}-`]);
  await manager.close();
  db.close();
});
