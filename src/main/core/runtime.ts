import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Transport } from '@shared/ipc/app';
import { AppError } from '@shared/errors';
import type { Sandbox } from '../sandbox';
import type { CredentialSource } from './credentials';
import { MemoryCredentialSource } from './credentials-memory';
import { DATABASE_FILE, openDatabase, type Database } from './db/database';
import { createDispatcher, type Dispatch, type Handlers } from './ipc/dispatcher';
import { EventBus } from './events';
import { jobsHandlers, vendorStates } from './jobs/handlers';
import type { LimitSettings } from './jobs/limiter';
import { createJobServices, type JobServices } from './jobs/services';
import { createLogger, type Logger } from './log';
import { APP_NAME, APP_VERSION } from './version';

export interface RuntimeOptions {
  transport: Transport;
  dataDir: string;
  /** Opens an http(s) URL outside the app; the host decides how (shell.openExternal, or not at all). */
  openExternal: (url: string) => Promise<boolean>;
  keyStorage: string;
  log?: Logger;
  /** Where vendor keys come from; in memory (this run only) until the keys issue provides the vault. */
  credentials?: CredentialSource;
  /** Vendor limits from the settings; the documented defaults otherwise. */
  limits?: LimitSettings;
  /** Tests start a tuned sandbox; by default one is started on first use for vendors without a key. */
  startSandbox?: () => Promise<Sandbox>;
}

/**
 * The composition root shared by the Electron host and the browser shell: it owns the services and
 * exposes them as one dispatcher plus one event bus. Hosts only move frames.
 */
export interface Runtime {
  dispatch: Dispatch;
  events: EventBus;
  log: Logger;
  jobs: JobServices;
  close(): Promise<void>;
}

/** The one database of a data directory, opened (and migrated) at start-up. */
export function openRuntimeDatabase(dataDir: string): Database {
  return openDatabase(join(dataDir, DATABASE_FILE));
}

export function createRuntime(options: RuntimeOptions): Runtime {
  const log = options.log ?? createLogger({ scope: 'main' });
  mkdirSync(options.dataDir, { recursive: true });
  const events = new EventBus();
  const db = openRuntimeDatabase(options.dataDir);

  const jobs = createJobServices({
    dataDir: options.dataDir,
    db,
    credentials: options.credentials ?? new MemoryCredentialSource(),
    log: log.child('jobs'),
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.startSandbox ? { startSandbox: options.startSandbox } : {}),
    // Jobs a CLI run left behind (e.g. `promptreel run` without --wait) are picked up while the app runs.
    adoptEveryMs: 30_000,
  });
  const announceVendors = (): void => events.emit('jobs.vendors', vendorStates(jobs.engine, jobs.vendors));
  jobs.engine.subscribe((event) => {
    if (event.type === 'updated') events.emit('jobs.updated', event.job);
    else if (event.type === 'progress') events.emit('jobs.progress', event.progress);
    else announceVendors();
  });
  jobs.vendors.onChange(announceVendors);
  // Every unfinished job continues: queued ones are sent, running ones polled, downloads picked up.
  jobs.engine.resumeAll();
  jobs.downloader.resume();

  const handlers: Handlers = {
    ...jobsHandlers(jobs.engine, jobs.vendors),
    'app.info': () => ({
      name: APP_NAME,
      version: APP_VERSION,
      transport: options.transport,
      platform: process.platform,
      keyStorage: options.keyStorage,
    }),
    'app.echo': ({ text }) => ({ text, receivedAt: new Date().toISOString() }),
    'app.openExternal': async ({ url }) => {
      const parsed = new URL(url);
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
        throw new AppError('forbidden', 'Only http(s) links can be opened outside the app.');
      }
      return { opened: await options.openExternal(parsed.toString()) };
    },
  };

  return {
    dispatch: createDispatcher(handlers, log.child('ipc')),
    events,
    log,
    jobs,
    close: async () => {
      await jobs.close();
      db.close();
    },
  };
}
