import type { Job } from '@shared/jobs';
import { defaultMembership, limitsFor } from '@shared/catalog';
import { startSandbox, type Sandbox, type SandboxOptions } from '@main/sandbox';
import { createJobServices, type JobServices } from '@main/core/jobs/services';
import type { LimitSettings } from '@main/core/jobs/limiter';
import type { Credentials } from '@main/core/credentials';
import { createLogger } from '@main/core/log';
import { DownloadManager } from '@main/core/downloads/manager';
import { DEFAULT_FILE_NAME_TEMPLATE } from '@main/core/downloads/naming';
import { openRuntimeDatabase } from '@main/runtime';
import { join } from 'node:path';
import { MemoryCredentialSource } from './credentials-memory';
import { eventually } from './cli-process';

/**
 * The real job engine, a real SQLite file and the real download manager against the sandbox over
 * loopback, in time compressed `speedup` times for vendor and engine alike. Call `closeJobEnvs` after
 * each test.
 */
const quiet = createLogger({ sink: () => {} });
const noSandbox = (): Promise<never> => Promise.reject(new Error('the vendors are configured'));
const open: { services: JobServices; downloads: DownloadManager }[] = [];
const sandboxes: Sandbox[] = [];

/** Limits that never hold a test's few jobs back. */
export const ROOMY: LimitSettings = limitsFor({ ...defaultMembership(), hidream: 'L4', haiper: { concurrency: 3, perMinute: 10 } });

export async function compressedSandbox(speedup: number, options: SandboxOptions = {}): Promise<Sandbox> {
  const sandbox = await startSandbox({ timeScale: 1 / speedup, limitWindowMs: 60_000 / speedup, hidreamLimits: { concurrency: 10 }, ...options });
  sandboxes.push(sandbox);
  return sandbox;
}

export interface JobEnv {
  engine: JobServices['engine'];
  services: JobServices;
  downloads: DownloadManager;
  /** The job once `done` says so (30 s at most by default). */
  until: (id: string, done: (job: Job) => boolean, ms?: number) => Promise<Job>;
}

/** One engine (as one app, shell or CLI process would run it) on `dataDir`, with the sandbox's keys unless told. */
export function engineOn(sandbox: Sandbox | undefined, dataDir: string, speedup: number, options: { limits?: LimitSettings; credentials?: Credentials[] } = {}): JobEnv {
  const credentials = new MemoryCredentialSource(options.credentials ?? (sandbox ? [sandbox.hidream, sandbox.haiper] : []));
  const db = openRuntimeDatabase(dataDir);
  const downloads = new DownloadManager({
    db,
    log: quiet,
    settings: () => ({ concurrency: 3, sizeCapBytes: 1024 ** 3, fileNameTemplate: DEFAULT_FILE_NAME_TEMPLATE, autoDownload: true, directory: join(dataDir, 'Library') }),
    retry: { attempts: 2, baseDelayMs: 10, maxDelayMs: 20 },
  });
  const services = createJobServices({ dataDir, db, credentials, downloader: downloads, log: quiet, timeScale: speedup, limits: options.limits ?? ROOMY, startSandbox: noSandbox });
  open.push({ services, downloads });
  const { engine } = services;
  const until = (id: string, done: (job: Job) => boolean, ms = 30_000): Promise<Job> => eventually(() => (done(engine.get(id)) ? engine.get(id) : undefined), ms, `job ${id}`);
  return { engine, services, downloads, until };
}

export async function closeJobEnvs(): Promise<void> {
  for (const { services, downloads } of open.splice(0)) {
    await services.close();
    await downloads.close();
    services.db.close();
  }
  for (const sandbox of sandboxes.splice(0)) await sandbox.close();
}
