import { join } from 'node:path';
import { AppError } from '@shared/errors';
import type { CredentialSource } from '../credentials';
import { DATABASE_FILE, openDatabase, type Database } from '../db/database';
import type { Downloader } from '../downloads/types';
import type { Logger } from '../log';
import { inspectVideoFile, isVendorError } from '../vendors';
import { VendorRegistry, type Sandbox } from '../vendors/registry';
import type { BackgroundProblem } from '@main/platform/timer';
import type { Clock } from './clock';
import { JobEngine } from './engine';
import type { LimitSettings } from './limiter';

/** Where results go unless told otherwise. UNCERTAIN until the library issue names its folder. */
export function libraryDir(dataDir: string): string {
  return join(dataDir, 'Library');
}

export interface JobServicesOptions {
  dataDir: string;
  /** An already open database (the runtime's); opened (and closed) here otherwise. */
  db?: Database;
  credentials: CredentialSource;
  log: Logger;
  limits?: LimitSettings;
  /** Starts the stand-in for vendors without a key, on first use (the composition root injects the built-in sandbox). */
  startSandbox: () => Promise<Sandbox>;
  /** Vendor time runs this many times faster (tests and benchmarks against a compressed sandbox). */
  timeScale?: number;
  clock?: Clock;
  adoptEveryMs?: number | null;
  /** A background task of the engine failed or works again (the app shows it). */
  onProblem?: (problem: BackgroundProblem) => void;
  /** Where results go; read at each hand-off (the app passes its settings' download folder). */
  outputDir?: string | (() => string);
  /** Who takes finished results: the download manager (app and CLI alike). Its owner closes it. */
  downloader: Downloader;
}

export interface JobServices {
  db: Database;
  engine: JobEngine;
  vendors: VendorRegistry;
  downloader: Downloader;
  close(): Promise<void>;
}

/**
 * The job engine with everything it needs: the database, vendor clients (live or sandbox) and the
 * downloader. The composition root (src/main/runtime.ts) builds it for every host.
 */
export function createJobServices(options: JobServicesOptions): JobServices {
  const db = options.db ?? openDatabase(join(options.dataDir, DATABASE_FILE));
  const log = options.log;
  const vendors = new VendorRegistry({
    credentials: options.credentials,
    startSandbox: options.startSandbox,
    clientOptions: { log: log.child('vendor') },
    log: log.child('vendors'),
  });
  const { downloader } = options;
  const outputDir = options.outputDir ?? libraryDir(options.dataDir);
  const engine = new JobEngine({
    db,
    clients: vendors,
    downloader,
    outputDir,
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    timeScale: options.timeScale ?? 1,
    log: log.child('jobs'),
    adoptEveryMs: options.adoptEveryMs ?? null,
    ...(options.onProblem ? { onProblem: options.onProblem } : {}),
    checkInputFile: async (path) => {
      try {
        await inspectVideoFile(path);
      } catch (error) {
        // The file check's issues are coded, so the form and the CLI word them in their own language.
        if (isVendorError(error) && error.issues) throw new AppError('invalid_input', `file: ${error.message}`, { issues: error.issues });
        const message = `The video file ${path} cannot be read.`;
        throw new AppError('invalid_input', `file: ${message}`, { issues: [{ path: 'file', message }] });
      }
    },
  });
  return {
    db,
    engine,
    vendors,
    downloader,
    close: async () => {
      await engine.close();
      await vendors.close();
      if (!options.db) db.close();
    },
  };
}
