import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import trash from 'trash';
import type { AppNotification, Transport } from '@shared/ipc/app';
import { limitsFor } from '@shared/catalog';
import { AppError } from '@shared/errors';
import type { Settings } from '@shared/settings';
import { startSandbox, type SandboxOptions } from './sandbox';
import type { Database } from './core/db/database';
import { openAppDatabase, scheduleBackups, type DatabaseNotice } from './core/db/storage';
import { downloadHandlers } from './core/downloads/handlers';
import { DownloadManager, type DownloadSettings } from './core/downloads/manager';
import type { HostCapabilities } from './core/host';
import { createDispatcher, type Dispatch, type Handlers } from './core/ipc/dispatcher';
import { EventBus } from './core/events';
import { PathGrants } from './platform/paths-policy';
import { guardGroupInputs, guardJobInputs, releaseStagedInputs } from './core/files/job-inputs';
import { createStaging } from './core/files/staging';
import type { MediaTarget } from './core/fs/serve';
import type { CredentialSource } from './core/credentials';
import { jobsHandlers, vendorStates } from './core/jobs/handlers';
import { groupHandlers } from './core/jobs/group-handlers';
import type { LimitSettings } from './core/jobs/limiter';
import { createJobServices, type JobServices } from './core/jobs/services';
import type { VendorClientFactory } from './core/keys/connection';
import { keysHandlers } from './core/keys/handlers';
import { createMemoryKeys } from './core/keys/memory';
import type { KeyVault } from './core/keys/vault';
import { addCompletedDownloads, forwardLibraryEvents, INTAKE_SWEEP_MS, libraryHandlers } from './core/library/handlers';
import { LibraryStore } from './core/library/store';
import { MediaService } from './core/media/service';
import { ReelExporter } from './core/reels/export';
import { reelsHandlers } from './core/reels/handlers';
import { ReelRepo } from './core/reels/repo';
import { ReelService } from './core/reels/service';
import { createLogger, type Logger } from './core/log';
import type { BackgroundProblem } from './platform/timer';
import { settingsHandlers } from './core/settings/handlers';
import { JsonFileSettingsBacking, SettingsStore } from './core/settings/store';
import { createVendorClient } from './core/vendors';
import type { Sandbox } from './core/vendors/registry';
import { APP_NAME, APP_VERSION } from './core/version';

/**
 * What a host brings to the engine: how it reaches the user and the system. Everything has a default
 * that does nothing outside the data directory, so a test or a new host names only what it has.
 */
export interface EngineHost {
  /**
   * Who talks to the engine. `electron` and `browser` serve a renderer and live until the user quits:
   * unfinished work is picked up at start and work another process left behind is adopted while they
   * run. `cli` lives as long as one command: it touches only what the command asks for (`promptreel
   * resume` takes over explicitly), and it has no button that starts a paused download, so asking it
   * for results is asking for the files.
   */
  transport: Transport;
  log?: Logger;
  /**
   * Where keys typed into the app live and come from: the desktop app's safeStorage vault. Default: held
   * in memory for this run (the browser shell, the CLI, tests).
   */
  keys?: KeyVault;
  /** Default: `<dataDir>/settings.json`. The desktop app passes its electron-store backed store. */
  settings?: SettingsStore;
  /** Opens an http(s) URL outside the app; the host decides how (shell.openExternal). Default: opens nothing. */
  openExternal?: (url: string) => Promise<boolean>;
  /**
   * Shows a desktop notification; the host decides how (Electron's Notification). Hosts without one
   * (the browser shell) leave it out and the request answers `shown: false`.
   */
  notify?: (notification: AppNotification, onClick: () => void) => boolean;
  /** Reveal, open, drag-out and pick of local files: the desktop host has them, the browser shell does not. */
  files?: HostCapabilities;
  /** Prefix of library media URLs the renderer loads: `promptreel-media://item/` (Electron), `/media/` (shell). */
  mediaUrlPrefix?: string;
  /** Moves a file to the OS trash; the `trash` package unless the host has its own (`shell.trashItem`). */
  trashFile?: (path: string) => Promise<void>;
  /**
   * The desktop app: folders to import, files to relink and videos to upload must come from the
   * system dialog or a drop (see `PathGrants`). The browser shell has no dialog and takes typed paths.
   */
  requireGrantedPaths?: boolean;
  /**
   * The database was damaged and replaced at start-up: the host tells the user (a dialog, one line).
   * Default: a warning in the log. A database that cannot be opened at all throws `DatabaseProblem`.
   */
  onStorageNotice?: (notice: DatabaseNotice) => void;
}

/** Where the engine gets its vendors: live clients with keys, the built-in sandbox without. */
export interface EngineVendors {
  /**
   * Where the engine reads keys. Default: the host's key vault. The CLI passes the keys from its
   * environment, which are never written anywhere.
   */
  credentials?: CredentialSource;
  /**
   * Starts the stand-in for vendors without a key, on first use; it is closed with the engine, so it
   * lives as long as the host (for the CLI: the command). Default: the built-in sandbox.
   */
  sandbox?: () => Promise<Sandbox>;
  /** Vendor time runs this many times faster in the engine's timing (tests; 1 = real time). */
  timeScale?: number;
  /** Fixed vendor limits (tests); by default they follow the settings' membership levels. */
  limits?: LimitSettings;
  /** Builds a vendor client from credentials, for "Test connection". Default: the vendor layer's `createVendorClient`. */
  connect?: VendorClientFactory;
}

export interface EngineOptions {
  host: EngineHost;
  vendors?: EngineVendors;
}

/**
 * `PROMPTREEL_TIME_SCALE`: a testing knob shared by the browser shell and the CLI, not a user setting;
 * end-to-end tests run against a sandbox in compressed time. Anything but a positive number is real time.
 */
export function timeScaleFromEnv(env: NodeJS.ProcessEnv): number {
  const scale = Number(env['PROMPTREEL_TIME_SCALE'] ?? '1');
  return scale > 0 ? scale : 1;
}

/**
 * The built-in sandbox runs on the engine's clock: in compressed time (tests) its tasks and its
 * per-minute window shrink by the same factor the engine's waits do, as a real vendor's would look.
 */
function builtInSandboxOptions(timeScale: number, log: Logger): SandboxOptions {
  return { log: log.child('sandbox'), timeScale: 1 / timeScale, limitWindowMs: 60_000 / timeScale };
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
 * The running engine as its host sees it: one dispatcher plus one event bus for hosts that serve a
 * renderer (they only move frames), and the services for the CLI, which calls them in-process.
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
  /** ffprobe facts, posters and frame strips of library items. */
  media: MediaService;
  reels: ReelService;
  exporter: ReelExporter;
  /** The file behind a media URL's path (`/<item id>` or `/<item id>/poster`), for the hosts' media routes. */
  resolveMedia(pathname: string): MediaTarget | undefined;
  /** A path the host itself got from the user (a file dropped on the window), which a request may then name. */
  grantPath(path: string): void;
  close(): Promise<void>;
}

/** The job queue's limits from the user's settings (membership level, Haiper quota). */
export function limitsFromSettings(settings: Settings): LimitSettings {
  return limitsFor(settings.membership);
}

/**
 * The one database of a data directory, opened (and migrated) at start-up. A damaged file is set aside
 * and replaced (`onNotice` says how); one that cannot be opened throws `DatabaseProblem`, whose message
 * the host shows as it is.
 */
export function openRuntimeDatabase(dataDir: string, options: { log?: Logger; onNotice?: (notice: DatabaseNotice) => void } = {}): Database {
  const { db, notice } = openAppDatabase(dataDir, options.log ? { log: options.log } : {});
  if (notice) (options.onNotice ?? ((n: DatabaseNotice) => options.log?.warn(n.message)))(notice);
  return db;
}

/**
 * The one composition root: the desktop app, the browser shell and the CLI each build the engine here
 * and differ only in what their host brings. The sandbox vendor is wired in here, so the engine itself
 * never depends on it.
 */
export function createEngine(dataDir: string, { host, vendors = {} }: EngineOptions): Runtime {
  const log = host.log ?? createLogger({ scope: 'main' });
  const forUser = host.transport !== 'cli';
  mkdirSync(dataDir, { recursive: true });
  const events = new EventBus();
  const keys = host.keys ?? createMemoryKeys(log.child('keys'));
  const settings =
    host.settings ?? SettingsStore.open({ backing: new JsonFileSettingsBacking(join(dataDir, 'settings.json')), dataDir, log: log.child('settings') });
  const staging = createStaging({ dataDir, log });
  const grants = new PathGrants(host.requireGrantedPaths ?? false);
  const db = openRuntimeDatabase(dataDir, { log: log.child('db'), ...(host.onStorageNotice ? { onNotice: host.onStorageNotice } : {}) });
  const stopBackups = scheduleBackups(dataDir, { log: log.child('db') });
  // Work a killed CLI run left behind is taken over while the app runs; a CLI command leaves other
  // processes' work alone unless asked (`promptreel resume`).
  const adoptEveryMs = forUser ? 30_000 : null;
  // A background task that fails (a busy or full database) is retried; the user sees that it did.
  const onProblem = (problem: BackgroundProblem): void => events.emit('app.notice', { level: problem.level, message: problem.message });
  const downloads = new DownloadManager({
    db,
    log: log.child('downloads'),
    settings: () => ({ ...downloadSettingsFrom(settings.get()), ...(forUser ? {} : { autoDownload: true }) }),
    onUpdated: (download) => events.emit('downloads.updated', download),
    onProgress: (progress) => events.emit('downloads.progress', progress),
    adoptEveryMs,
    onProblem,
  });
  const mediaUrlPrefix = host.mediaUrlPrefix ?? '/media/';
  const library = new LibraryStore(db, {
    dataDir,
    trashFile: host.trashFile ?? ((path) => trash(path, { glob: false })),
    log: log.child('library'),
  });
  const media = new MediaService({ db, library, log: log.child('media') });
  const facts = (ids: readonly string[]): ReturnType<MediaService['many']> => media.many(ids);
  const stopLibraryEvents = forwardLibraryEvents(library, events, mediaUrlPrefix, facts);
  // Every item that enters the library (or whose file changes) gets ffprobe's facts and a poster.
  const stopMedia = media.watch({ sweep: forUser });
  // Every finished file becomes a library item, with its job's parameters and lineage. A command adds
  // its own files; the app also sweeps up those finished while it was not running.
  const stopLibraryIntake = addCompletedDownloads(downloads, library, log.child('library'), { sweepEveryMs: forUser ? INTAKE_SWEEP_MS : null, onProblem });

  const jobs = createJobServices({
    dataDir,
    db,
    credentials: vendors.credentials ?? keys,
    downloader: downloads,
    // `promptreel run --out` overrides it per job.
    outputDir: () => settings.get().downloadDir,
    log: log.child('jobs'),
    limits: vendors.limits ?? limitsFromSettings(settings.get()),
    ...(vendors.timeScale ? { timeScale: vendors.timeScale } : {}),
    startSandbox: vendors.sandbox ?? (() => startSandbox(builtInSandboxOptions(vendors.timeScale ?? 1, log))),
    adoptEveryMs,
    onProblem,
  });
  const announceVendors = (): void => events.emit('jobs.vendors', vendorStates(jobs.engine, jobs.vendors));
  jobs.engine.subscribe((event) => {
    if (event.type === 'updated') events.emit('jobs.updated', event.job);
    else if (event.type === 'progress') events.emit('jobs.progress', event.progress);
    else if (event.type === 'removed') events.emit('jobs.removed', { ids: event.ids });
    else announceVendors();
  });
  jobs.vendors.onChange(announceVendors);
  // Staged copies are the app's: a CLI command neither sweeps nor releases them.
  const stagedInputs = forUser ? releaseStagedInputs({ staging, grants, engine: jobs.engine, db, log: log.child('staging') }) : { stop: () => undefined, swept: Promise.resolve(0) };
  const unsubscribeSettings = settings.subscribe((values) => {
    events.emit('settings.changed', values);
    if (!vendors.limits) jobs.engine.setLimits(limitsFromSettings(values));
  });
  const jobHandlers = guardJobInputs(jobsHandlers(jobs.engine, jobs.vendors), { staging, grants, engine: jobs.engine, db });
  const reels = new ReelService({
    repo: new ReelRepo(db),
    library,
    media,
    jobs: jobs.engine,
    // Planned shots go through `jobs.submit` exactly as the studio's form does (limits, input checks).
    submit: (input) => Promise.resolve(jobHandlers['jobs.submit'](input, { origin: 'reels' })),
    mediaUrlPrefix,
    log: log.child('reels'),
    onUpdated: (reel) => events.emit('reels.updated', reel),
    onRemoved: (id) => events.emit('reels.removed', { id }),
  });
  const stopReels = reels.watch();
  const exporter = new ReelExporter({
    reels,
    library,
    media,
    outputDir: () => settings.get().downloadDir,
    log: log.child('reels'),
    onProgress: (progress) => events.emit('reels.exportProgress', progress),
  });
  if (forUser) {
    // Every unfinished job continues: queued ones are sent, running ones polled, downloads picked up.
    jobs.engine.resumeAll();
    downloads.resume();
  }

  /** Library items (`/<id>`, `/<id>/poster`) and finished downloads (`/download/<id>`), for the media routes. */
  const resolveMedia = (pathname: string): MediaTarget | undefined => {
    const download = /^\/download\/([\w-]{1,100})$/.exec(pathname)?.[1];
    if (!download) return library.resolveMedia(pathname);
    const record = downloads.get(download);
    if (record?.status !== 'completed' || !record.path) return undefined;
    return { path: record.path, mime: record.contentType ?? 'application/octet-stream', root: dirname(record.path) };
  };
  let closing: Promise<void> | undefined;
  const shutdown = async (): Promise<void> => {
    unsubscribeSettings();
    await exporter.close();
    stopReels();
    stagedInputs.stop();
    await stagedInputs.swept;
    await staging.close();
    await jobs.close();
    await downloads.close();
    // After the last download settled: files it finished are still being added to the library.
    await stopLibraryIntake();
    stopMedia();
    await media.close();
    stopLibraryEvents();
    await stopBackups();
    db.close();
  };

  const handlers: Handlers = {
    ...keysHandlers({
      vault: keys,
      events,
      log: log.child('keys'),
      connect: vendors.connect ?? ((credentials) => createVendorClient(credentials, { log: log.child('vendors') })),
    }),
    ...settingsHandlers(settings),
    ...jobHandlers,
    ...guardGroupInputs(groupHandlers(jobs.engine), { staging, grants, db }),
    ...downloadHandlers(downloads, host.files),
    ...libraryHandlers(library, { mediaUrlPrefix, host: host.files, grants, facts }),
    'app.info': () => ({
      name: APP_NAME,
      version: APP_VERSION,
      transport: host.transport,
      platform: process.platform,
      keyStorage: keys.describe(),
      keyStorageKind: keys.storageKind(),
      keyStorageBackend: keys.backendName(),
      mediaUrlPrefix,
      canPickPaths: host.files !== undefined,
      canRevealFiles: host.files !== undefined,
    }),
    'app.echo': ({ text }) => ({ text, receivedAt: new Date().toISOString() }),
    'app.openExternal': async ({ url }) => {
      const parsed = new URL(url);
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
        throw new AppError('forbidden', 'Only http(s) links can be opened outside the app.');
      }
      return { opened: host.openExternal ? await host.openExternal(parsed.toString()) : false };
    },
    'app.pickPath': async (request) => {
      if (!host.files) throw new AppError('forbidden', 'Choosing a folder or file in a dialog is not available in the browser shell; type its path.');
      const path = await host.files.pickPath(request);
      if (path !== null) grants.grant(path);
      return { path };
    },
    'app.notify': (notification) => {
      if (!host.notify) {
        log.info('notification (no desktop notifications in this host)', { title: notification.title });
        return { shown: false };
      }
      const { jobId } = notification;
      return { shown: host.notify(notification, () => jobId !== undefined && events.emit('app.notificationClicked', { jobId })) };
    },
    ...staging.handlers,
    ...reelsHandlers({ reels, exporter, media, grants }),
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
    media,
    reels,
    exporter,
    resolveMedia: (pathname) => resolveMedia(pathname),
    grantPath: (path) => grants.grant(path),
    // Hosts may close on several signals (window closed, quit, SIGTERM): only the first call does it.
    close: () => (closing ??= shutdown()),
  };
}
