import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Transport } from '@shared/ipc/app';
import { AppError } from '@shared/errors';
import { DATABASE_FILE, openDatabase, type Database } from './db/database';
import { downloadHandlers } from './downloads/handlers';
import { DownloadManager, type DownloadSettings } from './downloads/manager';
import { DEFAULT_FILE_NAME_TEMPLATE } from './downloads/naming';
import type { HostCapabilities } from './host';
import { createDispatcher, type Dispatch, type Handlers } from './ipc/dispatcher';
import { EventBus } from './events';
import { createLogger, type Logger } from './log';
import { APP_NAME, APP_VERSION } from './version';

export interface RuntimeOptions {
  transport: Transport;
  dataDir: string;
  /** Opens an http(s) URL outside the app; the host decides how (shell.openExternal, or not at all). */
  openExternal: (url: string) => Promise<boolean>;
  keyStorage: string;
  log?: Logger;
  /** Reveal, open and drag-out of local files: the desktop host has them, the browser shell does not. */
  host?: HostCapabilities;
  /** The download settings as they are now; until the settings store lands, the defaults below. */
  downloadSettings?: () => DownloadSettings;
}

/** The one database of a data directory; the runtime opens it unless a caller already did. */
export function openRuntimeDatabase(dataDir: string): Database {
  return openDatabase(join(dataDir, DATABASE_FILE));
}

export function defaultDownloadSettings(dataDir: string): DownloadSettings {
  return {
    concurrency: 3,
    sizeCapBytes: 4 * 1024 ** 3,
    fileNameTemplate: DEFAULT_FILE_NAME_TEMPLATE,
    autoDownload: true,
    directory: join(dataDir, 'library'),
  };
}

/**
 * The composition root shared by the Electron host and the browser shell: it owns the services and
 * exposes them as one dispatcher plus one event bus. Hosts only move frames.
 */
export interface Runtime {
  dispatch: Dispatch;
  events: EventBus;
  log: Logger;
  close(): Promise<void>;
}

export function createRuntime(options: RuntimeOptions): Runtime {
  const log = options.log ?? createLogger({ scope: 'main' });
  mkdirSync(options.dataDir, { recursive: true });
  const events = new EventBus();
  const db = openRuntimeDatabase(options.dataDir);
  const downloadDefaults = defaultDownloadSettings(options.dataDir);
  const downloads = new DownloadManager({
    db,
    log: log.child('downloads'),
    settings: options.downloadSettings ?? (() => downloadDefaults),
    onUpdated: (download) => events.emit('downloads.updated', download),
    onProgress: (progress) => events.emit('downloads.progress', progress),
  });
  downloads.resume();

  const notWired = (): never => {
    // Temporary while the job engine lands on its own branch; replaced by its handlers.
    throw new AppError('internal', 'The job engine is not available in this build.');
  };

  const handlers: Handlers = {
    'jobs.submit': notWired,
    'jobs.list': notWired,
    'jobs.get': notWired,
    'jobs.cancel': notWired,
    'jobs.retry': notWired,
    'jobs.resolve': notWired,
    ...downloadHandlers(downloads, options.host),
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
    close: async () => {
      await downloads.close();
      db.close();
    },
  };
}
