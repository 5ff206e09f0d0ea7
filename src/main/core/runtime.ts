import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import trash from 'trash';
import type { Transport } from '@shared/ipc/app';
import { AppError } from '@shared/errors';
import { DATABASE_FILE, openDatabase, type Database } from './db/database';
import { createDispatcher, type CallContext, type Dispatch, type Handlers } from './ipc/dispatcher';
import { EventBus } from './events';
import { forwardLibraryEvents, libraryHandlers } from './library/handlers';
import { LibraryStore } from './library/store';
import { createLogger, type Logger } from './log';
import { APP_NAME, APP_VERSION } from './version';

export interface RuntimeOptions {
  transport: Transport;
  dataDir: string;
  /** Opens an http(s) URL outside the app; the host decides how (shell.openExternal, or not at all). */
  openExternal: (url: string) => Promise<boolean>;
  keyStorage: string;
  log?: Logger;
  /** Prefix of library media URLs the renderer loads: `promptreel-media://item/` (Electron), `/media/` (shell). */
  mediaUrlPrefix?: string;
  /** Moves a file to the OS trash; the `trash` package unless the host has its own (`shell.trashItem`). */
  trashFile?: (path: string) => Promise<void>;
  /** Shows a file in the system's file manager; absent where the host cannot. */
  revealFile?: (path: string) => Promise<boolean> | boolean;
  /** Starts a native drag of a file out of the app; absent where the host cannot. */
  startDrag?: (file: string, icon: string | null, ctx: CallContext) => boolean;
}

/**
 * The composition root shared by the Electron host and the browser shell: it owns the services and
 * exposes them as one dispatcher plus one event bus. Hosts only move frames.
 */
export interface Runtime {
  dispatch: Dispatch;
  events: EventBus;
  log: Logger;
  library: LibraryStore;
  /** The file behind a media URL's path (`/<item id>` or `/<item id>/poster`), for the hosts' media routes. */
  resolveMedia(pathname: string): { path: string; mime: string } | undefined;
  close(): Promise<void>;
}

/** The one database of a data directory: jobs, downloads and the library share it. */
export function openRuntimeDatabase(dataDir: string): Database {
  return openDatabase(join(dataDir, DATABASE_FILE));
}

export function createRuntime(options: RuntimeOptions): Runtime {
  const log = options.log ?? createLogger({ scope: 'main' });
  mkdirSync(options.dataDir, { recursive: true });
  const events = new EventBus();
  const db = openRuntimeDatabase(options.dataDir);
  const mediaUrlPrefix = options.mediaUrlPrefix ?? '/media/';
  const library = new LibraryStore(db, {
    dataDir: options.dataDir,
    trashFile: options.trashFile ?? ((path) => trash(path, { glob: false })),
    log: log.child('library'),
  });
  const stopLibraryEvents = forwardLibraryEvents(library, events, mediaUrlPrefix);

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
    ...libraryHandlers(library, { mediaUrlPrefix, revealFile: options.revealFile, startDrag: options.startDrag }),
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
    library,
    resolveMedia: (pathname) => library.resolveMedia(pathname),
    close: () => {
      stopLibraryEvents();
      db.close();
      return Promise.resolve();
    },
  };
}
