import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import trash from 'trash';
import type { AppNotification, Transport } from '@shared/ipc/app';
import { AppError } from '@shared/errors';
import type { Settings } from '@shared/settings';
import type { Sandbox } from './sandbox';
import { DATABASE_FILE, openDatabase, type Database } from './core/db/database';
import { downloadHandlers } from './core/downloads/handlers';
import { DownloadManager, type DownloadSettings } from './core/downloads/manager';
import type { HostCapabilities } from './core/host';
import { createDispatcher, type Dispatch, type Handlers } from './core/ipc/dispatcher';
import { EventBus } from './core/events';
import { createStaging } from './core/files/staging';
import { jobsHandlers, vendorStates } from './core/jobs/handlers';
import { DEFAULT_LIMIT_SETTINGS, type LimitSettings } from './core/jobs/limiter';
import { createJobServices, type JobServices } from './core/jobs/services';
import type { VendorClientFactory } from './core/keys/connection';
import { keysHandlers } from './core/keys/handlers';
import { createMemoryKeys } from './core/keys/memory';
import type { KeyVault } from './core/keys/vault';
import { addCompletedDownloads, forwardLibraryEvents, INTAKE_SWEEP_MS, libraryHandlers } from './core/library/handlers';
import { LibraryStore } from './core/library/store';
import { createLogger, type Logger } from './core/log';
import { settingsHandlers } from './core/settings/handlers';
import { JsonFileSettingsBacking, SettingsStore } from './core/settings/store';
import { createVendorClient } from './core/vendors';
import { APP_NAME, APP_VERSION } from './core/version';

export interface RuntimeOptions {
  transport: Transport;
  dataDir: string;
  /** Opens an http(s) URL outside the app; the host decides how (shell.openExternal, or not at all). */
  openExternal: (url: string) => Promise<boolean>;
  /**
   * Where keys come from and go: the desktop app's safeStorage vault. Default: keys held in memory for
   * this run (the browser shell, tests). The engine reads credentials from it as a `CredentialSource`.
   */
  keys?: KeyVault;
  /** Default: `<dataDir>/settings.json`. The desktop app passes its electron-store backed store. */
  settings?: SettingsStore;
  /** Builds a vendor client from credentials, for "Test connection". Default: the vendor layer's `createVendorClient`. */
  connectVendor?: VendorClientFactory;
  /**
   * Shows a desktop notification; the host decides how (Electron's Notification). Hosts without one
   * (the browser shell) leave it out and the request answers `shown: false`.
   */
  notify?: (notification: AppNotification) => boolean;
  log?: Logger;
  /** Fixed vendor limits (tests); by default they follow the settings' membership levels. */
  limits?: LimitSettings;
  /** Compresses the built-in sandbox's task durations and the engine's timing (tests only; 1 = real time). */
  timeScale?: number;
  /** Tests start a tuned sandbox; by default one is started on first use for vendors without a key. */
  startSandbox?: () => Promise<Sandbox>;
  /** Reveal, open and drag-out of local files: the desktop host has them, the browser shell does not. */
  host?: HostCapabilities;
  /** Prefix of library media URLs the renderer loads: `promptreel-media://item/` (Electron), `/media/` (shell). */
  mediaUrlPrefix?: string;
  /** Moves a file to the OS trash; the `trash` package unless the host has its own (`shell.trashItem`). */
  trashFile?: (path: string) => Promise<void>;
}

/** What the download manager reads from the user's settings, at each use. */
export function downloadSettingsFrom(settings: Settings): DownloadSettings {
  return {
    concurrency: settings.concurrentDownloads,
    sizeCapBytes: settings.downloadSizeCapMb * 1024 * 1024,
    fileNameTemplate: settings.fileNameTemplate,
    autoDownload: settings.autoDownload,
    directory: settings.downloadDir,
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
  keys: KeyVault;
  settings: SettingsStore;
  jobs: JobServices;
  downloads: DownloadManager;
  library: LibraryStore;
  /** The file behind a media URL's path (`/<item id>` or `/<item id>/poster`), for the hosts' media routes. */
  resolveMedia(pathname: string): { path: string; mime: string } | undefined;
  close(): Promise<void>;
}

/** The job queue's limits from the user's settings (membership level, Haiper quota). */
export function limitsFromSettings(settings: Settings): LimitSettings {
  const haiper = settings.membership.haiper;
  return {
    hidream: { ...DEFAULT_LIMIT_SETTINGS.hidream, membership: settings.membership.hidream },
    haiper: { perMinute: { image: haiper.perMinute, video: haiper.perMinute, stylize: haiper.perMinute }, concurrent: haiper.concurrency },
  };
}

/** The one database of a data directory, opened (and migrated) at start-up. */
export function openRuntimeDatabase(dataDir: string): Database {
  return openDatabase(join(dataDir, DATABASE_FILE));
}

export function createRuntime(options: RuntimeOptions): Runtime {
  const log = options.log ?? createLogger({ scope: 'main' });
  mkdirSync(options.dataDir, { recursive: true });
  const events = new EventBus();
  const keys = options.keys ?? createMemoryKeys(log.child('keys'));
  const settings =
    options.settings ??
    SettingsStore.open({ backing: new JsonFileSettingsBacking(join(options.dataDir, 'settings.json')), dataDir: options.dataDir, log: log.child('settings') });
  const staging = createStaging({ dataDir: options.dataDir, log });
  const db = openRuntimeDatabase(options.dataDir);
  const downloads = new DownloadManager({
    db,
    log: log.child('downloads'),
    settings: () => downloadSettingsFrom(settings.get()),
    onUpdated: (download) => events.emit('downloads.updated', download),
    onProgress: (progress) => events.emit('downloads.progress', progress),
    // Downloads a killed CLI run left behind are taken over while the app runs, as its jobs are.
    adoptEveryMs: 30_000,
  });
  const mediaUrlPrefix = options.mediaUrlPrefix ?? '/media/';
  const library = new LibraryStore(db, {
    dataDir: options.dataDir,
    trashFile: options.trashFile ?? ((path) => trash(path, { glob: false })),
    log: log.child('library'),
  });
  const stopLibraryEvents = forwardLibraryEvents(library, events, mediaUrlPrefix);
  // Every finished file becomes a library item, with its job's parameters and lineage.
  const stopLibraryIntake = addCompletedDownloads(downloads, library, log.child('library'), { sweepEveryMs: INTAKE_SWEEP_MS });

  const jobs = createJobServices({
    dataDir: options.dataDir,
    db,
    credentials: keys,
    downloader: downloads,
    outputDir: () => settings.get().downloadDir,
    log: log.child('jobs'),
    limits: options.limits ?? limitsFromSettings(settings.get()),
    ...(options.timeScale ? { timeScale: options.timeScale } : {}),
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
  const unsubscribeSettings = settings.subscribe((values) => {
    events.emit('settings.changed', values);
    if (!options.limits) jobs.engine.setLimits(limitsFromSettings(values));
  });
  // Every unfinished job continues: queued ones are sent, running ones polled, downloads picked up.
  jobs.engine.resumeAll();
  downloads.resume();

  /** Library items (`/<id>`, `/<id>/poster`) and finished downloads (`/download/<id>`), for the media routes. */
  const resolveMedia = (pathname: string): { path: string; mime: string } | undefined => {
    const download = /^\/download\/([\w-]{1,100})$/.exec(pathname)?.[1];
    if (!download) return library.resolveMedia(pathname);
    const record = downloads.get(download);
    if (record?.status !== 'completed' || !record.path) return undefined;
    return { path: record.path, mime: record.contentType ?? 'application/octet-stream' };
  };
  let closing: Promise<void> | undefined;
  const shutdown = async (): Promise<void> => {
    unsubscribeSettings();
    stopLibraryIntake();
    stopLibraryEvents();
    await staging.close();
    await jobs.close();
    await downloads.close();
    db.close();
  };

  const handlers: Handlers = {
    ...keysHandlers({
      vault: keys,
      events,
      log: log.child('keys'),
      connect: options.connectVendor ?? ((credentials) => createVendorClient(credentials, { log: log.child('vendors') })),
    }),
    ...settingsHandlers(settings, events),
    ...jobsHandlers(jobs.engine, jobs.vendors),
    ...downloadHandlers(downloads, options.host),
    ...libraryHandlers(library, { mediaUrlPrefix, host: options.host }),
    'app.info': () => ({
      name: APP_NAME,
      version: APP_VERSION,
      transport: options.transport,
      platform: process.platform,
      keyStorage: keys.describe(),
      mediaUrlPrefix,
      canPickPaths: options.host !== undefined,
    }),
    'app.echo': ({ text }) => ({ text, receivedAt: new Date().toISOString() }),
    'app.openExternal': async ({ url }) => {
      const parsed = new URL(url);
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
        throw new AppError('forbidden', 'Only http(s) links can be opened outside the app.');
      }
      return { opened: await options.openExternal(parsed.toString()) };
    },
    'app.pickPath': async (request) => {
      if (!options.host) throw new AppError('forbidden', 'Choosing a folder or file in a dialog is not available in the browser shell; type its path.');
      return { path: await options.host.pickPath(request) };
    },
    'app.notify': (notification) => {
      if (!options.notify) {
        log.info('notification (no desktop notifications in this host)', { title: notification.title });
        return { shown: false };
      }
      return { shown: options.notify(notification) };
    },
    ...staging.handlers,
  };

  return {
    dispatch: createDispatcher(handlers, log.child('ipc')),
    events,
    log,
    keys,
    settings,
    jobs,
    downloads,
    library,
    resolveMedia: (pathname) => resolveMedia(pathname),
    // Hosts may close on several signals (window closed, quit, SIGTERM): only the first call does it.
    close: () => (closing ??= shutdown()),
  };
}
