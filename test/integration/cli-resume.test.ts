import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '@main/sandbox';
import { openDatabase, type Database } from '@main/core/db/database';
import { DownloadManager } from '@main/core/downloads/manager';
import { DEFAULT_FILE_NAME_TEMPLATE } from '@main/core/downloads/naming';
import { JobStore } from '@main/core/jobs/store';
import { createLogger } from '@main/core/log';
import { CLI, compressedSandbox, eventually, runCli, sandboxCliEnv } from '../support/cli-process';
import { sha256 as sha256Of, startRangeServer } from '../support/range-server';
import { startStallingProxy } from '../support/stalling-proxy';
import { noisyMp4 } from '../support/media-files';

/*
 * `promptreel resume` against work another process left or still holds: a real CLI killed with -9 that
 * lingers as a zombie, a holder on another host whose lease lapses, a live holder that keeps renewing,
 * and a download a full disk paused. Time is compressed 10× as in cli.test.ts.
 */
let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await compressedSandbox();
});
afterAll(async () => {
  await sandbox.close();
});

const env = (dataDir: string, origin = sandbox.origin, vendor = sandbox): NodeJS.ProcessEnv => sandboxCliEnv(dataDir, vendor, origin);

const dataDir = (): string => mkdtempSync(join(tmpdir(), 'promptreel-resume-'));
const jsonLines = (stdout: string): Record<string, unknown>[] =>
  stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
const fileSha = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

function procState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return undefined;
  }
}

/**
 * The CLI as the grandchild of a `sh` that then becomes `sleep`: `sleep` never reaps, so the CLI killed
 * with -9 stays a zombie, as it would in a container without an init.
 */
async function cliUnderNonReapingParent(args: string[], cliEnvironment: NodeJS.ProcessEnv): Promise<{ pid: number; keeper: ChildProcess }> {
  const keeper = spawn('sh', ['-c', '"$@" >/dev/null 2>&1 & echo $!; exec sleep 300', 'sh', process.execPath, CLI, ...args], {
    env: cliEnvironment,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const first = await createInterface({ input: keeper.stdout as NodeJS.ReadableStream })[Symbol.asyncIterator]().next();
  return { pid: Number(first.value), keeper };
}

async function killToZombie(pid: number): Promise<void> {
  process.kill(pid, 'SIGKILL');
  await eventually(() => (procState(pid) === 'Z' ? true : undefined), 5_000, `process ${pid} a zombie`);
}

function lease(db: Database, table: 'jobs' | 'downloads', id: string, owner: string | null, leaseUntil: number | null): void {
  db.prepare(`UPDATE ${table} SET owner = ?, lease_until = ? WHERE id = ?`).run(owner, leaseUntil, id);
}

/** A job the vendor is working on, left by a CLI run without --wait (so nobody holds it). */
async function runningJob(dir: string): Promise<string> {
  const accepted = await runCli(['run', 'haiper.generate', '--params', '{"prompt":"waves"}', '--json'], env(dir));
  expect(accepted.code, accepted.stderr).toBe(0);
  return String(jsonLines(accepted.stdout)[0]?.['id']);
}

describe('promptreel resume', () => {
  it.runIf(process.platform === 'linux')(
    'takes over at once from a CLI killed with -9 that lingers as a zombie, polling and downloading, one submission each',
    async () => {
      const vendor = await compressedSandbox();
      const proxy = await startStallingProxy(vendor.origin);
      const dir = dataDir();
      const db = openDatabase(join(dir, 'promptreel.db'));
      const store = new JobStore(db);
      const jobWith = (operation: string) => store.list({ offset: 0, limit: 10 }).jobs.find((j) => j.operation === operation);
      const keepers: ChildProcess[] = [];
      try {
        // 1. Killed while polling.
        const polling = await cliUnderNonReapingParent(['run', 'hidream.txt2video', '--params', '{"prompt":"a slow river"}', '--wait', '--json'], env(dir, vendor.origin, vendor));
        keepers.push(polling.keeper);
        const running = await eventually(() => (jobWith('hidream.txt2video')?.status === 'running' ? jobWith('hidream.txt2video') : undefined), 20_000, 'the video job running');
        await killToZombie(polling.pid);

        // 2. Killed while downloading: the result file stalls after its first bytes.
        proxy.stall = true;
        const downloading = await cliUnderNonReapingParent(['run', 'haiper.generate', '--params', '{"prompt":"a fast car"}', '--wait', '--json'], env(dir, proxy.origin, vendor));
        keepers.push(downloading.keeper);
        await proxy.stalled();
        const midDownload = jobWith('haiper.generate');
        expect(midDownload?.status).toBe('succeeded');
        await killToZombie(downloading.pid);
        proxy.stall = false;
        // Both zombies still hold fresh leases: only seeing that they are dead lets resume go on at once.
        const download = db.prepare("SELECT owner, lease_until FROM downloads WHERE status = 'active'").all() as { owner: string; lease_until: number }[];
        expect(download).toHaveLength(1);
        expect(download[0]?.owner).toContain(`:${downloading.pid}:`);
        const job = db.prepare('SELECT owner, lease_until FROM jobs WHERE id = ?').get(running.id) as { owner: string; lease_until: number };
        expect(job.owner).toContain(`:${polling.pid}:`);
        const lapse = Math.min(job.lease_until, download[0]?.lease_until ?? 0);

        const resumed = await runCli(['resume', '--wait', '--json'], env(dir, proxy.origin, vendor));
        expect(resumed.code, resumed.stderr).toBe(0);
        // Done before either lease lapsed: it did not wait them out.
        expect(Date.now()).toBeLessThan(lapse);
        const lines = jsonLines(resumed.stdout);
        expect(lines.map((l) => l['id']).sort()).toEqual([running.id, midDownload?.id].sort());
        for (const line of lines) {
          expect(line).toMatchObject({ status: 'succeeded', error: null });
          for (const output of line['outputs'] as { path: string; sha256: string }[]) expect(fileSha(output.path)).toBe(output.sha256);
        }
        expect(vendor.stats().submissions.map((s) => s.outcome)).toEqual(['created', 'created']);
      } finally {
        for (const keeper of keepers) keeper.kill('SIGKILL');
        db.close();
        await proxy.close();
        await vendor.close();
      }
    },
    90_000,
  );

  it('with --wait, waits for the lease of a holder that stopped renewing to lapse, then takes the job over', async () => {
    const dir = dataDir();
    const id = await runningJob(dir);
    const db = openDatabase(join(dir, 'promptreel.db'));
    // A process on another machine sharing the folder: nothing tells whether it is alive, but its lease.
    const until = Date.now() + 3_000;
    lease(db, 'jobs', id, 'other-host:4242:abcd1234', until);
    const resumed = await runCli(['resume', '--wait', '--json'], env(dir));
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(Date.now()).toBeGreaterThanOrEqual(until);
    expect(jsonLines(resumed.stdout)).toMatchObject([{ id, status: 'succeeded' }]);
    db.close();
  }, 60_000);

  it('leaves work a live process keeps renewing alone, says which and who holds it, and exits 3', async () => {
    const dir = dataDir();
    const id = await runningJob(dir);
    const db = openDatabase(join(dir, 'promptreel.db'));
    // This test process plays the app: alive, on this machine, renewing every few hundred ms.
    const owner = `${hostname()}:${process.pid}:live0001`;
    const renew = (): void => lease(db, 'jobs', id, owner, Date.now() + 2_000);
    renew();
    const renewing = setInterval(renew, 300);
    try {
      const now = await runCli(['resume', '--json'], env(dir));
      expect(now.code).toBe(3);
      expect(now.stdout).toBe('');
      expect(now.stderr).toContain(`job ${id} (haiper.generate, running): held by process ${process.pid} on this machine`);
      expect(now.stderr).toMatch(/To take them over once it stops: promptreel resume --wait/);

      const started = Date.now();
      const waited = await runCli(['resume', '--wait', '--json'], env(dir));
      expect(waited.code).toBe(3);
      // It stops looking once it saw the lease renewed (here within a second or so), not at some far deadline.
      expect(Date.now() - started).toBeLessThan(20_000);
      expect(waited.stderr).toContain(`job ${id} (haiper.generate, running): held by process ${process.pid} on this machine`);
      expect(waited.stderr).toMatch(/alive and renewing its hold, so it was left alone/);
      expect(new JobStore(db).get(id)?.status).toBe('running');
    } finally {
      clearInterval(renewing);
    }
    // Once the holder stops, the work is taken over.
    const after = await runCli(['resume', '--wait', '--json'], env(dir));
    expect(after.code, after.stderr).toBe(0);
    expect(jsonLines(after.stdout)).toMatchObject([{ id, status: 'succeeded' }]);
    db.close();
  }, 60_000);

  it('resumes a download a full disk paused and says where the file is', async () => {
    const server = await startRangeServer();
    const dir = dataDir();
    const body = noisyMp4(256 * 1024);
    server.set('/clip.mp4', { body });
    const db = openDatabase(join(dir, 'promptreel.db'));
    const manager = new DownloadManager({
      db,
      log: createLogger({ sink: () => {} }),
      settings: () => ({ concurrency: 1, sizeCapBytes: 1024 ** 3, fileNameTemplate: DEFAULT_FILE_NAME_TEMPLATE, autoDownload: true, directory: join(dir, 'Library') }),
    });
    const { id } = manager.enqueueUrl(server.url('/clip.mp4'), { name: 'paused clip' });
    manager.pause(id);
    await manager.close();
    db.prepare("UPDATE downloads SET error_kind = 'io', error_message = ? WHERE id = ?").run(`Paused: the disk is full (${join(dir, 'Library')}). Free some space, then resume.`, id);

    const resumed = await runCli(['resume', '--wait', '--json'], env(dir));
    expect(resumed.code, resumed.stderr).toBe(0);
    const row = db.prepare('SELECT status, path, sha256 FROM downloads WHERE id = ?').get(id) as { status: string; path: string; sha256: string };
    expect(row).toMatchObject({ status: 'completed', sha256: sha256Of(body) });
    expect(readFileSync(row.path)).toEqual(body);
    expect(resumed.stderr).toContain(`download ${id}: saved ${row.path}`);
    db.close();
    await server.close();
  }, 60_000);
});
