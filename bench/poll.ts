/**
 * `npm run bench:poll`: 1,000 concurrent jobs against the sandbox vendor, task durations spread over
 * 10–120 s. Time is compressed BENCH_SPEEDUP× (default 4): the sandbox runs its tasks that much faster
 * and the engine's schedule is told the same, so every figure below is in vendor time.
 *
 * requests_vs_naive = result queries the sandbox served (counted server-side; a HiDream batch counts once)
 * divided by what fixed 2-s polling of each job would have sent: ceil(duration / 2 s) per job. A job's
 * true duration is only known to lie between its last "still running" answer and its first final one; we
 * take the lower end, so the ratio printed errs against us.
 *
 * loop_lag_p99_ms = p99 of the engine process's event-loop delay (perf_hooks, 1 ms resolution) while the
 * jobs run, with the sandbox in a child process. Results are handed to a downloader that only records
 * them: file transfer is the download manager's own issue and benchmark. BENCH_DOWNLOADS=1 hands them
 * to the app's download manager (default settings) instead.
 *
 * Last line: BENCH poll requests_vs_naive=<x> loop_lag_p99_ms=<y>
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { OperationId, VendorId } from '../src/shared/catalog';
import type { SandboxStats } from '../src/main/sandbox/index';
import type { HaiperCredentials, HidreamCredentials } from '../src/main/core/credentials';
import { MemoryCredentialSource } from '../test/support/credentials-memory';
import { DATABASE_FILE, openDatabase } from '../src/main/core/db/database';
import { DownloadManager } from '../src/main/core/downloads/manager';
import { downloadSettingsFrom } from '../src/main/runtime';
import { defaultSettings } from '../src/main/core/settings/store';
import type { Downloader } from '../src/main/core/downloads/types';
import type { Download } from '../src/shared/downloads';
import { JobEngine } from '../src/main/core/jobs/engine';
import { createLogger } from '../src/main/core/log';
import { VendorRegistry } from '../src/main/core/vendors/registry';
import type { VendorClient } from '../src/main/core/vendors/types';

/** Takes every hand-over and reports it completed at once, touching neither network nor disk. */
function recordingDownloader(): Downloader {
  const records = new Map<string, Download>();
  return {
    enqueue: (request) => {
      const now = Date.now();
      const download: Download = {
        id: `dl-${records.size + 1}`,
        outputId: request.outputId ?? null,
        jobId: request.jobId ?? null,
        url: request.url,
        status: 'completed',
        path: null,
        bytesTotal: null,
        bytesDone: 0,
        sha256: null,
        contentType: null,
        expiresAt: request.expiresAt ?? null,
        error: null,
        createdAt: now,
        updatedAt: now,
        finishedAt: now,
      };
      records.set(download.id, download);
      return download;
    },
    whenSettled: (id) => {
      const download = records.get(id);
      return download ? Promise.resolve(download) : Promise.reject(new Error(`unknown download ${id}`));
    },
    onCompleted: () => () => {},
    resume: () => {},
    close: () => Promise.resolve(),
  };
}

const JOBS = Number(process.env['BENCH_JOBS'] ?? '1000');
const SPEEDUP = Number(process.env['BENCH_SPEEDUP'] ?? '4');
const OPERATIONS: [OperationId, Record<string, unknown>][] = [
  ['hidream.txt2video', { prompt: 'a slow pan over a harbour' }],
  ['hidream.txt2img', { prompt: 'a paper lantern' }],
  ['haiper.generate', { prompt: 'a kite in the wind' }],
];

interface Ready {
  origin: string;
  hidream: HidreamCredentials;
  haiper: HaiperCredentials;
}

const child = fork(join(import.meta.dirname, 'poll-sandbox.ts'), {
  execArgv: ['--import', 'tsx'],
  env: { ...process.env, BENCH_SPEEDUP: String(SPEEDUP), TSX_TSCONFIG_PATH: join(import.meta.dirname, '../tsconfig.node.json') },
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
const ask = <T>(key: string, message?: string): Promise<T> =>
  new Promise((resolve) => {
    const on = (m: Record<string, unknown>): void => {
      if (key in m) {
        child.off('message', on);
        resolve(m[key] as T);
      }
    };
    child.on('message', on);
    if (message) child.send(message);
  });
const ready = await ask<Ready>('ready');

const dataDir = mkdtempSync(join(tmpdir(), 'promptreel-bench-'));
const log = createLogger({ level: 'error' });
const vendors = new VendorRegistry({
  credentials: new MemoryCredentialSource([ready.hidream, ready.haiper]),
  startSandbox: () => Promise.reject(new Error('the bench configures both vendors')),
});
const db = openDatabase(join(dataDir, DATABASE_FILE));
const downloader: Downloader =
  process.env['BENCH_DOWNLOADS'] === '1'
    ? new DownloadManager({
        db,
        log,
        settings: () => downloadSettingsFrom(defaultSettings(dataDir)),
      })
    : recordingDownloader();

// What each poll saw, per task, to bound each task's true duration (vendor time since acceptance).
const seen = new Map<string, { acceptedAt: number; lastRunning: number; firstFinal: number | null }>();
const observe = (client: VendorClient): VendorClient => ({
  vendor: client.vendor,
  submit: async (request) => {
    const submission = await client.submit(request);
    seen.set(submission.taskId, { acceptedAt: Date.now(), lastRunning: 0, firstFinal: null });
    return submission;
  },
  query: async (operation, taskIds, signal) => {
    const statuses = await client.query(operation, taskIds, signal);
    const now = Date.now();
    for (const status of statuses) {
      const task = seen.get(status.taskId);
      if (!task) continue;
      const elapsed = (now - task.acceptedAt) * SPEEDUP;
      const final = status.outputs.length > 0 && status.outputs.every((o) => o.state === 'succeeded' || o.state === 'failed');
      if (final) task.firstFinal ??= elapsed;
      else task.lastRunning = Math.max(task.lastRunning, elapsed);
    }
    return statuses;
  },
  checkConnection: (signal) => client.checkConnection(signal),
  close: () => client.close(),
});
const engine = new JobEngine({
  db,
  clients: { client: async (vendor: VendorId) => observe(await vendors.client(vendor)), onChange: (listener) => vendors.onChange(listener) },
  downloader,
  outputDir: join(dataDir, 'out'),
  timeScale: SPEEDUP,
  log,
  limits: {
    hidream: { perMinute: { image: 1e6, video: 1e6, stylize: 1e6 }, concurrency: 1e6 },
    haiper: { perMinute: { image: 1e6, video: 1e6, stylize: 1e6 }, concurrency: 1e6 },
  },
});

const started = Date.now();
const ids: string[] = [];
for (let i = 0; i < JOBS; i++) {
  const [operation, params]: [OperationId, Record<string, unknown>] = OPERATIONS[i % OPERATIONS.length] ?? ['haiper.generate', {}];
  ids.push((await engine.submit({ operation, params: { ...params, prompt: `${String(params['prompt'])} #${i}` } })).id);
}
const lag = monitorEventLoopDelay({ resolution: 1 });
lag.enable();
const cpuBefore = process.cpuUsage();
const runStarted = Date.now();

// Completion is followed through the engine's events (as the UI does), not by reading every job.
const downloads: Promise<unknown>[] = [];
const pending = new Set(ids);
await new Promise<void>((resolve, reject) => {
  engine.subscribe((event) => {
    if (event.type !== 'updated' || !pending.has(event.job.id)) return;
    const job = event.job;
    if (job.status === 'failed' || job.status === 'canceled' || job.status === 'needs_attention') reject(new Error(`job ${job.id} ended ${job.status}`));
    if (job.status !== 'succeeded' || !job.outputs.every((o) => o.downloadId)) return;
    pending.delete(job.id);
    for (const output of job.outputs) downloads.push(downloader.whenSettled(output.downloadId ?? ''));
    if (pending.size === 0) resolve();
  });
});
await Promise.all(downloads);
lag.disable();
const cpu = process.cpuUsage(cpuBefore);
const busy = (cpu.user + cpu.system) / 1000 / (Date.now() - runStarted);
const wall = (Date.now() - started) / 1000;

const stats = await ask<SandboxStats>('stats', 'stats');
let naiveLow = 0;
let naiveHigh = 0;
for (const task of seen.values()) {
  naiveLow += Math.floor(task.lastRunning / 2_000) + 1;
  naiveHigh += Math.ceil((task.firstFinal ?? task.lastRunning) / 2_000);
}
const ratio = stats.queries / naiveLow;
const p99 = lag.percentile(99) / 1e6;
process.stdout.write(
  `jobs=${JOBS} speedup=${SPEEDUP}x wall=${wall.toFixed(1)}s vendor_queries=${stats.queries} submissions=${stats.tasksCreated} ` +
    `naive_2s_polls=${naiveLow}..${naiveHigh} (ratio against the upper end ${(stats.queries / naiveHigh).toFixed(3)}) ` +
    `loop_lag_p50_ms=${(lag.percentile(50) / 1e6).toFixed(1)} max_ms=${(lag.max / 1e6).toFixed(1)} engine_cpu=${Math.round(busy * 100)}% load_avg=${loadavg()[0]?.toFixed(1) ?? '?'}\n`,
);
await engine.close();
await downloader.close();
await vendors.close();
db.close();
child.send('close');
rmSync(dataDir, { recursive: true, force: true });
process.stdout.write(`BENCH poll requests_vs_naive=${ratio.toFixed(3)} loop_lag_p99_ms=${p99.toFixed(1)}\n`);
