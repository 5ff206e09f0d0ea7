import { SETTLED_DOWNLOAD_STATUSES, type Download } from '@shared/downloads';
import { isAppError } from '@shared/errors';
import { isFinalStatus, type Job } from '@shared/jobs';
import { formatIssue, OPERATIONS, validateParams, type OperationSpec, type ValidationIssue } from '@shared/catalog';
import type { Database } from '@main/core/db/database';
import { DatabaseProblem, openDatabaseForReading } from '@main/core/db/storage';
import { isLoopbackBaseUrl } from '@shared/url';
import type { DownloadManager } from '@main/core/downloads/manager';
import { JobStore } from '@main/core/jobs/store';
import { createLogger, type Logger, type LogLevel } from '@main/core/log';
import { defaultDataDir } from '@main/core/paths';
import { APP_VERSION } from '@main/core/version';
import type { JobEngine } from '@main/core/jobs/engine';
import type { VendorRegistry } from '@main/core/vendors/registry';
import type { Runtime } from '@main/runtime';
import { inspectVideoFile } from '@main/core/vendors/upload';
import { VENDOR_NAMES } from '@main/core/jobs/failures';
import { parseCommand, type Command } from './args';
import { credentialsFromEnv } from '@main/core/keys/env';
import { humanLine, isPausedJob, jobLine, jobsTable, showJob } from './output';
import { ProgressReporter } from './progress';
import { runReelCommand, type ReelCommand } from './reel';
import { heldMessage, takeOver } from './resume';
import { EXIT, HELP, UsageError } from './usage';

/** What a command uses of the engine. */
interface CliServices {
  db: Database;
  engine: JobEngine;
  vendors: VendorRegistry;
  downloader: DownloadManager;
  /** Resolves when the download settled, or paused (disk full, …): nothing more happens without the user. */
  downloadStopped: (id: string) => Promise<Download>;
  close(): Promise<void>;
}

export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Ctrl-C: stop waiting, hand the jobs back (they continue with `promptreel resume`). */
  signal?: AbortSignal;
}

/** The vendor accepted it (or it ended, or only the user can move it on). */
function accepted(job: Job): boolean {
  return (job.status !== 'queued' && job.status !== 'submitting') || isPausedJob(job);
}

/** Nothing more will happen without the user: final, needs attention, or paused for a key. */
function settled(job: Job): boolean {
  return isFinalStatus(job.status) || job.status === 'needs_attention' || isPausedJob(job);
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  let command: Command;
  try {
    command = parseCommand(argv, io.cwd);
  } catch (error) {
    return usage(io, error);
  }
  if (command.name === 'help') {
    io.stdout.write(HELP);
    return EXIT.ok;
  }
  if (command.name === 'version') {
    io.stdout.write(`promptreel ${APP_VERSION}\n`);
    return EXIT.ok;
  }
  const dataDir = defaultDataDir(io.env);
  const level = (io.env['PROMPTREEL_LOG_LEVEL'] as LogLevel | undefined) ?? 'warn';
  const log = createLogger({ scope: 'cli', level, sink: (line) => io.stderr.write(`${line}\n`) });
  if (command.name === 'jobs' || command.name === 'show') {
    try {
      return await inspect(command, dataDir, io);
    } catch (error) {
      if (error instanceof DatabaseProblem) return databaseProblem(io, error);
      throw error;
    }
  }

  if (command.name === 'reel') return reel(command, dataDir, io, log);

  let services: CliServices;
  try {
    const credentials = credentialsFromEnv(io.env);
    // Everything a vendor would receive is checked before the engine (and its HTTP stack) is even loaded.
    // A vendor without a key runs on the built-in sandbox, which (like one configured on this computer)
    // can fetch loopback URLs, its own results among them.
    if (command.name === 'run') {
      const live = credentials.get(OPERATIONS[command.operation].vendor);
      await precheck(command, !live || isLoopbackBaseUrl(live.baseUrl));
    }
    const { createEngine, timeScaleFromEnv } = await import('@main/runtime');
    // The keys from the environment reach the engine only: nothing is written to the data directory.
    const onStorageNotice = (notice: { message: string }): boolean => io.stderr.write(`promptreel: ${notice.message}\n`);
    const engine = createEngine(dataDir, { host: { transport: 'cli', log, onStorageNotice }, vendors: { credentials, timeScale: timeScaleFromEnv(io.env) } });
    const waits = downloadWaits(engine);
    services = {
      db: engine.jobs.db,
      engine: engine.jobs.engine,
      vendors: engine.jobs.vendors,
      downloader: engine.downloads,
      downloadStopped: waits.stopped,
      close: async () => {
        waits.close();
        await engine.close();
      },
    };
  } catch (error) {
    if (error instanceof DatabaseProblem) return databaseProblem(io, error);
    return usage(io, error);
  }
  try {
    switch (command.name) {
      case 'run': {
        const job = await services.engine.submit({
          operation: command.operation,
          params: command.params,
          ...(command.file ? { file: command.file } : {}),
          ...(command.out ? { outputDir: command.out } : {}),
        });
        if (!command.wait && services.vendors.mode(job.vendor) === 'sandbox') {
          io.stderr.write(
            `Note: no ${VENDOR_NAMES[job.vendor]} key is configured, so this job runs on the built-in sandbox, which stops when this command exits. Use --wait to get its results.\n`,
          );
        }
        return await follow(services, [job.id], command, io);
      }
      case 'resume': {
        const taken = await takeOver(services, { wait: command.wait, resubmit: command.resubmit }, io.signal);
        if (taken.interrupted) {
          io.stderr.write('Stopped waiting. Run promptreel resume --wait again to take the work over.\n');
          return 130;
        }
        if (taken.held.length) io.stderr.write(`promptreel: ${heldMessage(taken.held, command.wait)}`);
        if (!taken.jobIds.length && !taken.downloadIds.length) {
          if (taken.held.length) return EXIT.held;
          io.stderr.write('Nothing to resume: no unfinished job or download is left.\n');
          return EXIT.ok;
        }
        let code = taken.jobIds.length ? await follow(services, taken.jobIds, command, io) : EXIT.ok;
        if (command.wait && code === EXIT.ok) code = await settleDownloads(services, taken.downloadIds, io);
        // Unfinished work was left to another process: the caller must not take this run as "all done".
        return taken.held.length && code === EXIT.ok ? EXIT.held : code;
      }
    }
  } catch (error) {
    if (isAppError(error) && (error.kind === 'invalid_input' || error.kind === 'not_found')) return usage(io, error);
    io.stderr.write(`promptreel: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.failed;
  } finally {
    await services.close();
  }
}

/** `promptreel reel …`: the app's engine without vendors doing anything (an export runs in this process). */
async function reel(command: ReelCommand, dataDir: string, io: CliIo, log: Logger): Promise<number> {
  let engine: Runtime;
  try {
    const { createEngine } = await import('@main/runtime');
    const onStorageNotice = (notice: { message: string }): boolean => io.stderr.write(`promptreel: ${notice.message}\n`);
    engine = createEngine(dataDir, { host: { transport: 'cli', log, onStorageNotice }, vendors: { credentials: credentialsFromEnv(io.env) } });
  } catch (error) {
    if (error instanceof DatabaseProblem) return databaseProblem(io, error);
    return usage(io, error);
  }
  try {
    return await runReelCommand(command, engine, io, log);
  } catch (error) {
    if (error instanceof UsageError) return usage(io, error);
    io.stderr.write(`promptreel: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.failed;
  } finally {
    await engine.close();
  }
}

/** What a CLI user types that the label-worded message cannot show: the wire values and keys. */
function wireHint(spec: OperationSpec, issue: ValidationIssue): string {
  const field = spec.fields.find((f) => f.key === issue.path);
  if (issue.code === 'not_one_of' && field?.type === 'choice') return ` (values: ${field.options.map((o) => JSON.stringify(o.value)).join(', ')})`;
  if (issue.code === 'unknown_field' && issue.params?.allowed) return ` (fields: ${issue.params.allowed.join(', ')})`;
  return '';
}

function where(path: string): string {
  return path === 'file' ? '--file' : path ? `--params ${path}` : '--params';
}

async function precheck(command: Extract<Command, { name: 'run' }>, sandbox: boolean): Promise<void> {
  const spec = OPERATIONS[command.operation];
  const result = validateParams(command.operation, command.params, { hasFile: command.file !== undefined, allowLoopback: sandbox });
  if (!result.ok) {
    const lines = result.issues.map((i) => `  ${where(i.path)}: ${formatIssue(spec, i, 'en')}${wireHint(spec, i)}`);
    throw new UsageError(`invalid parameters for ${command.operation}:\n${lines.join('\n')}`);
  }
  if (command.file !== undefined) {
    try {
      await inspectVideoFile(command.file);
    } catch (error) {
      throw new UsageError(`--file: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

/** `jobs` and `show` only read: no engine, no vendor, no transfer, nothing resumed. */
async function inspect(command: Extract<Command, { name: 'jobs' | 'show' }>, dataDir: string, io: CliIo): Promise<number> {
  const { readDownload } = await import('@main/core/downloads/manager');
  const { db, notice } = openDatabaseForReading(dataDir);
  if (notice) io.stderr.write(`promptreel: ${notice.message}\n`);
  try {
    const store = new JobStore(db);
    const lookup = (id: string): Download | undefined => readDownload(db, id);
    if (command.name === 'jobs') {
      const { jobs } = store.list({ offset: 0, limit: 1_000_000 });
      io.stdout.write(command.json ? jobs.map((j) => `${JSON.stringify(jobLine(j, lookup))}\n`).join('') : `${jobsTable(jobs)}\n`);
      return EXIT.ok;
    }
    const job = store.get(command.id);
    if (!job) return usage(io, new UsageError(`jobId: no job with id ${command.id} (see promptreel jobs).`));
    io.stdout.write(command.json ? `${JSON.stringify(jobLine(job, lookup))}\n` : `${showJob(job, lookup)}\n`);
    return EXIT.ok;
  } finally {
    db.close();
  }
}

/**
 * Waits for a download to settle, or pause (disk full, …): nothing more happens without the user. The
 * queue is shared, so the app may run (and finish) a download this command waits for: the database is
 * looked at every second besides this engine's own events.
 */
function downloadWaits(engine: Runtime): { stopped: (id: string) => Promise<Download>; close: () => void } {
  const isStopped = (download: Download): boolean => download.status === 'paused' || SETTLED_DOWNLOAD_STATUSES.includes(download.status);
  const looks = new Set<NodeJS.Timeout>();
  const stopped = (id: string): Promise<Download> => {
    const current = engine.downloads.get(id);
    if (!current) return Promise.reject(new Error(`No download with id ${id}.`));
    if (isStopped(current)) return Promise.resolve(current);
    return new Promise((resolve) => {
      const done = (download: Download): void => {
        stop();
        clearInterval(look);
        looks.delete(look);
        resolve(download);
      };
      const stop = engine.events.on('downloads.updated', (download) => {
        if (download.id === id && isStopped(download)) done(download);
      });
      const look = setInterval(() => {
        const latest = engine.downloads.get(id);
        if (latest && isStopped(latest)) done(latest);
      }, 1_000);
      looks.add(look);
    });
  };
  return { stopped, close: () => looks.forEach((look) => clearInterval(look)) };
}

/** One line that says what is wrong with the database file and where it is; no stack trace. */
function databaseProblem(io: CliIo, error: DatabaseProblem): number {
  io.stderr.write(`promptreel: ${error.message}\n`);
  return EXIT.failed;
}

function usage(io: CliIo, error: unknown): number {
  if (error instanceof UsageError) {
    io.stderr.write(`promptreel: ${error.message}\n`);
    return EXIT.usage;
  }
  if (isAppError(error)) {
    const issues = error.issues?.length ? error.issues : null;
    io.stderr.write(
      issues ? `promptreel: invalid parameters:\n${issues.map((i) => `  ${where(i.path)}: ${i.message}`).join('\n')}\n` : `promptreel: ${error.message}\n`,
    );
    return EXIT.usage;
  }
  throw error;
}

/**
 * Waits for each job to be accepted (or, with --wait, to settle and its files to be written), reporting
 * progress on stderr, then prints one result per job on stdout.
 */
async function follow(services: CliServices, ids: string[], command: { wait: boolean; json: boolean }, io: CliIo): Promise<number> {
  const { engine, downloader, downloadStopped } = services;
  const reporter = new ProgressReporter(io.stderr);
  const done = command.wait ? settled : accepted;
  const jobs = new Map(ids.map((id) => [id, engine.get(id)]));
  for (const job of jobs.values()) reporter.track(job);

  const interrupted = await new Promise<boolean>((resolve) => {
    const check = (): void => {
      if ([...jobs.values()].every(done)) finish(false);
    };
    const onAbort = (): void => finish(true);
    const unsubscribe = engine.subscribe((event) => {
      if (event.type === 'progress') {
        if (jobs.has(event.progress.id)) reporter.update(event.progress);
        return;
      }
      if (event.type !== 'updated' || !jobs.has(event.job.id)) return;
      jobs.set(event.job.id, event.job);
      reporter.update(event.job);
      check();
    });
    const finish = (aborted: boolean): void => {
      unsubscribe();
      io.signal?.removeEventListener('abort', onAbort);
      resolve(aborted);
    };
    io.signal?.addEventListener('abort', onAbort, { once: true });
    check();
  });

  const downloads = new Map<string, Download>();
  if (command.wait && !interrupted) {
    // Results are handed to the downloader right after the job is marked succeeded: read them back.
    await new Promise((r) => setImmediate(r));
    const pending: Promise<void>[] = [];
    for (const id of ids) {
      const job = engine.get(id);
      jobs.set(id, job);
      for (const output of job.outputs) {
        if (!output.url || !output.downloadId) continue;
        pending.push(
          downloadStopped(output.downloadId).then(
            (d) => void downloads.set(d.id, d),
            () => {},
          ),
        );
      }
    }
    await abortable(Promise.all(pending), io.signal);
  }
  reporter.finish();
  if (interrupted || io.signal?.aborted) {
    io.stderr.write('Stopped waiting. The jobs continue with: promptreel resume --wait\n');
    return 130;
  }

  const lookup = (id: string): Download | undefined => downloads.get(id) ?? downloader.get(id);
  let ok = true;
  for (const id of ids) {
    const job = engine.get(id);
    const line = jobLine(job, lookup);
    io.stdout.write(command.json ? `${JSON.stringify(line)}\n` : `${humanLine(job, lookup)}\n`);
    if (isPausedJob(job)) {
      const variable = job.vendor === 'hidream' ? 'PROMPTREEL_HIDREAM_TOKEN' : 'PROMPTREEL_CLOUDSWAY_KEY';
      io.stderr.write(`${VENDOR_NAMES[job.vendor]} token expired or invalid: set ${variable} to a valid key, then run: promptreel resume --wait\n`);
      ok = false;
    } else if (job.status === 'needs_attention') {
      io.stderr.write(`${job.id}: ${job.attention ?? 'needs attention'}\nTo send it again: promptreel resume --resubmit\n`);
      ok = false;
    } else if (command.wait) {
      const filesOk = line.outputs.length > 0 && line.outputs.every((o) => o.path !== null);
      if (job.status !== 'succeeded' || !filesOk) ok = false;
      if (job.status === 'succeeded' && !filesOk) {
        const reasons = job.outputs.flatMap((o) => (o.downloadId ? (lookup(o.downloadId)?.error?.message ?? []) : []));
        io.stderr.write(`${job.id}: not every result could be downloaded.${reasons.map((r) => `\n  ${r}`).join('')}\n`);
      }
    } else if (job.status !== 'running' && job.status !== 'succeeded') {
      ok = false;
    }
  }
  return ok ? EXIT.ok : EXIT.failed;
}

/** Waits for downloads of no job (an on-demand download the app left) and says how each ended. */
async function settleDownloads(services: CliServices, ids: string[], io: CliIo): Promise<number> {
  const settled = await abortable(Promise.all(ids.map((id) => services.downloadStopped(id))), io.signal);
  if (!settled) {
    io.stderr.write('Stopped waiting. The downloads continue with: promptreel resume --wait\n');
    return 130;
  }
  let ok = true;
  for (const download of settled) {
    if (download.status === 'completed') {
      io.stderr.write(`download ${download.id}: saved ${download.path}\n`);
      continue;
    }
    ok = false;
    io.stderr.write(`download ${download.id} (${download.url}): ${download.status}${download.error ? `: ${download.error.message}` : ''}\n`);
  }
  return ok ? EXIT.ok : EXIT.failed;
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T | undefined> {
  if (!signal) return promise;
  return new Promise((resolve, reject) => {
    const onAbort = (): void => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
