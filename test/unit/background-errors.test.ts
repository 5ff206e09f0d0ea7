import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LimitSettings } from '@main/core/jobs/limiter';
import { openDatabase } from '@main/core/db/database';
import { JobEngine } from '@main/core/jobs/engine';
import { createLogger } from '@main/core/log';
import { addCompletedDownloads } from '@main/core/library/handlers';
import type { LibraryStore } from '@main/core/library/store';
import { describeFailure, every, type BackgroundProblem } from '@main/platform/timer';
import { FakeClock } from '../support/fake-clock';
import { FakeDownloader, FakeVendor, fakeClients } from '../support/fake-vendor';

const quiet = createLogger({ sink: () => {} });
const roomy: LimitSettings = {
  hidream: { perMinute: { image: 100, video: 100, stylize: 100 }, concurrency: 10 },
  haiper: { perMinute: { image: 100, video: 100, stylize: 100 }, concurrency: 100 },
};
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('every (the periodic-task helper)', () => {
  it('keeps running after a task throws or rejects, backing off, and says when it works again', async () => {
    const clock = new FakeClock();
    const runs: number[] = [];
    const errors: [string, number][] = [];
    const recovered: number[] = [];
    let mode: 'throw' | 'reject' | 'ok' = 'throw';
    const stop = every(
      1_000,
      () => {
        runs.push(clock.now());
        if (mode === 'throw') throw new Error('boom');
        if (mode === 'reject') return Promise.reject(new Error('later boom'));
        return undefined;
      },
      { clock, maxBackoffMs: 4_000, onError: (error, failures) => errors.push([(error as Error).message, failures]), onRecovered: (n) => recovered.push(n) },
    );
    const start = clock.now();
    await clock.advance(1_000);
    await clock.advance(2_000);
    mode = 'reject';
    await clock.advance(4_000);
    await clock.advance(4_000);
    mode = 'ok';
    await clock.advance(4_000);
    await clock.advance(1_000);
    stop();
    await clock.advance(10_000);
    // Failures retry at the usual pace first, then ever more slowly (up to the cap); success resets it.
    expect(runs.map((t) => t - start)).toEqual([1_000, 2_000, 4_000, 8_000, 12_000, 13_000, 14_000, 15_000, 16_000]);
    expect(errors).toEqual([
      ['boom', 1],
      ['boom', 2],
      ['later boom', 3],
      ['later boom', 4],
    ]);
    expect(recovered).toEqual([4]);
  });

  it('never overlaps a slow run with the next, and a failing reporter does not stop it', async () => {
    const clock = new FakeClock();
    let running = 0;
    let most = 0;
    let release: () => void = () => {};
    const stop = every(
      100,
      async () => {
        running++;
        most = Math.max(most, running);
        await new Promise<void>((resolve) => (release = resolve));
        running--;
        throw new Error('after a while');
      },
      {
        clock,
        onError: () => {
          throw new Error('the log is closed');
        },
      },
    );
    await clock.advance(100);
    await clock.advance(1_000);
    expect(running).toBe(1);
    release();
    await clock.advance(100);
    expect(running).toBe(1);
    release();
    stop();
    expect(most).toBe(1);
  });

  it('words the storage faults worth waiting out', () => {
    expect(describeFailure(Object.assign(new Error('database is locked'), { errcode: 5 }))).toBe('the database is busy (another program holds a lock on it)');
    expect(describeFailure(Object.assign(new Error('database or disk is full'), { errcode: 13 }))).toBe('the disk is full');
    expect(describeFailure(Object.assign(new Error('no space'), { code: 'ENOSPC' }))).toBe('the disk is full');
    expect(describeFailure(new Error('something else'))).toBe('something else');
  });
});

/** A database file whose writes give up after 20 ms behind another connection's lock, with fake vendors on a fake clock. */
function busyDatabase() {
  const dir = mkdtempSync(join(tmpdir(), 'promptreel-busy-'));
  dirs.push(dir);
  const file = join(dir, 'promptreel.db');
  const db = openDatabase(file);
  // A write waits this long for another connection's lock before it fails with SQLITE_BUSY.
  db.exec('PRAGMA busy_timeout = 20');
  const clock = new FakeClock();
  const vendors = { hidream: new FakeVendor('hidream', clock), haiper: new FakeVendor('haiper', clock) };
  return { file, db, clock, vendors };
}

describe('job engine on a busy database', () => {
  it('survives SQLITE_BUSY in a lease renewal: reports it, renews again once the lock is gone, and finishes the job', async () => {
    const { file, db, clock, vendors } = busyDatabase();
    vendors.haiper.duration = 120_000;
    const problems: BackgroundProblem[] = [];
    const engine = new JobEngine({
      db,
      clients: fakeClients(vendors),
      downloader: new FakeDownloader(),
      outputDir: '/library',
      clock,
      limits: roomy,
      owner: 'A',
      log: quiet,
      leaseMs: 30_000,
      onProblem: (problem) => problems.push(problem),
    });
    const job = await engine.submit({ operation: 'haiper.generate', params: { prompt: 'sea' } });
    await clock.until(() => engine.get(job.id).status === 'running');
    const lease = (): number => (db.prepare('SELECT lease_until FROM jobs WHERE id = ?').get(job.id) as { lease_until: number }).lease_until;

    const locker = openDatabase(file);
    locker.exec('BEGIN EXCLUSIVE');
    const held = lease();
    await clock.advance(10_000);
    expect(lease()).toBe(held);
    expect(problems).toEqual([
      { level: 'error', message: 'Promptreel could not renew its hold on running jobs: the database is busy (another program holds a lock on it). It keeps retrying.' },
    ]);
    locker.exec('ROLLBACK');
    locker.close();

    await clock.advance(10_000);
    expect(lease()).toBeGreaterThan(held);
    expect(problems.at(-1)).toEqual({ level: 'info', message: 'Promptreel can renew its hold on running jobs again.' });
    await clock.until(() => engine.get(job.id).status === 'succeeded');
    expect(vendors.haiper.submits).toHaveLength(1);
    await engine.close();
    db.close();
  });

  it('survives SQLITE_BUSY when a queued job is about to be sent: nothing is sent, and it goes out once the lock is gone', async () => {
    const { file, db, clock, vendors } = busyDatabase();
    const problems: BackgroundProblem[] = [];
    const engine = new JobEngine({ db, clients: fakeClients(vendors), downloader: new FakeDownloader(), outputDir: '/library', clock, limits: roomy, owner: 'A', log: quiet, onProblem: (p) => problems.push(p) });
    const job = await engine.submit({ operation: 'haiper.generate', params: { prompt: 'sea' } });

    const locker = openDatabase(file);
    locker.exec('BEGIN EXCLUSIVE');
    await clock.advance(0);
    expect(engine.get(job.id).status).toBe('queued');
    expect(vendors.haiper.submits).toHaveLength(0);
    expect(problems).toEqual([{ level: 'error', message: "Promptreel could not record a job's submission: the database is busy (another program holds a lock on it)." }]);
    locker.exec('ROLLBACK');
    locker.close();

    await clock.until(() => engine.get(job.id).status === 'succeeded');
    expect(vendors.haiper.submits).toHaveLength(1);
    await engine.close();
    db.close();
  });

  it('never resends a job whose accepted submission could not be recorded: it is set aside for the user', async () => {
    const { file, db, clock, vendors } = busyDatabase();
    let answer: () => void = () => {};
    vendors.haiper.submitGate = new Promise<void>((resolve) => (answer = resolve));
    const problems: BackgroundProblem[] = [];
    const engine = new JobEngine({ db, clients: fakeClients(vendors), downloader: new FakeDownloader(), outputDir: '/library', clock, limits: roomy, owner: 'A', log: quiet, onProblem: (p) => problems.push(p) });
    const job = await engine.submit({ operation: 'haiper.generate', params: { prompt: 'sea' } });
    await clock.advance(0);
    expect(engine.get(job.id).status).toBe('submitting');

    // The vendor accepts while another program holds the database.
    const locker = openDatabase(file);
    locker.exec('BEGIN EXCLUSIVE');
    answer();
    await clock.advance(0);
    locker.exec('ROLLBACK');
    locker.close();
    expect(problems.map((p) => p.level)).toEqual(['error']);
    expect(engine.get(job.id).status).toBe('submitting');

    // The next pickup (the app's adopt timer, or a restart) sets it aside; it is never sent again.
    engine.resumeAll();
    expect(engine.get(job.id)).toMatchObject({ status: 'needs_attention' });
    await clock.advance(600_000);
    expect(vendors.haiper.submits).toHaveLength(1);
    await engine.close();
    db.close();
  });
});

describe('library intake on a failing database', () => {
  it('keeps sweeping for downloads finished elsewhere after a sweep fails, and says so', async () => {
    const problems: BackgroundProblem[] = [];
    let sweeps = 0;
    const store = {
      completedDownloadsWithoutItem: () => {
        sweeps++;
        if (sweeps === 1) throw Object.assign(new Error('database or disk is full'), { errcode: 13 });
        return [];
      },
      addFromDownload: () => Promise.resolve(),
    } as unknown as LibraryStore;
    const downloader = { onCompleted: () => () => {}, get: () => undefined };
    const stop = addCompletedDownloads(downloader, store, quiet, { sweepEveryMs: 20, onProblem: (p) => problems.push(p) });
    await expect.poll(() => sweeps, { timeout: 5_000 }).toBeGreaterThanOrEqual(3);
    await stop();
    expect(problems).toEqual([
      { level: 'error', message: 'Promptreel could not add downloads finished elsewhere to the library: the disk is full. It keeps retrying.' },
      { level: 'info', message: 'Promptreel can add downloads finished elsewhere to the library again.' },
    ]);
  });
});
