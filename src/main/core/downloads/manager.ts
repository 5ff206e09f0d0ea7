import { randomUUID } from 'node:crypto';
import { existsSync, lstatSync, statSync } from 'node:fs';
import { mkdir, unlink } from 'node:fs/promises';
import { basename, isAbsolute, resolve } from 'node:path';
import { Agent, type Dispatcher } from 'undici';
import { SETTLED_DOWNLOAD_STATUSES, type Download, type DownloadProgress, type DownloadStatus } from '@shared/downloads';
import { AppError, NET_REASONS, type ErrorInfo, type ErrorKind, type NetFailure } from '@shared/errors';
import type { Database } from '../db/database';
import { readHead } from '../fs/head';
import type { Logger } from '../log';
import { systemClock, type Clock } from '@main/platform/clock';
import { isLeaseFree, LeaseTable, ownerName, type LeaseHolder } from '@main/platform/lease';
import { every, reportBackground, type BackgroundProblem } from '@main/platform/timer';
import { PartHasher } from './hasher';
import { APP_NAME, APP_VERSION } from '../version';
import { renderBaseName, uniqueFileName } from './naming';
import { ProgressMeter } from './progress';
import { processReclaimer, type BufferReclaimer } from './reclaim';
import { SNIFF_BYTES } from '@shared/sniff';
import { chooseExtension } from './sniff';
import { classifyError, commitPart, describeUrl, nodeTransferFs, transferOnce, type TransferError, type TransferFs, type TransferResult } from './transfer';
import type { DownloadRequest, Downloader } from './types';

export interface DownloadSettings {
  /** How many files download at once. */
  concurrency: number;
  /** Larger files are refused (before the first byte when the server says the size). */
  sizeCapBytes: number;
  fileNameTemplate: string;
  /** When off, job results are recorded as paused downloads that the user starts with one click. */
  autoDownload: boolean;
  /** Where on-demand downloads go when the caller names no folder (the library folder). */
  directory: string;
}

export interface RetryPolicy {
  /** Attempts in a row that made no progress before the download fails. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface DownloadManagerOptions {
  db: Database;
  log: Logger;
  /** Read at each decision, so a change in Settings applies to the next file without a restart. */
  settings: () => DownloadSettings;
  /** A download's record changed; the runtime forwards it as `downloads.updated`. */
  onUpdated?: (download: Download) => void;
  /** Coalesced progress; the runtime forwards it as `downloads.progress`. */
  onProgress?: (progress: DownloadProgress) => void;
  /** The part-file layer; tests inject one that fails like a full disk. */
  fs?: TransferFs;
  clock?: Clock;
  retry?: Partial<RetryPolicy>;
  maxRedirects?: number;
  /** Longest silence while waiting for body bytes or headers before the attempt counts as cut. */
  idleTimeoutMs?: number;
  /** An HTTP dispatcher to use instead of the manager's own keep-alive agent. */
  dispatcher?: Dispatcher;
  /** This manager's name in download leases; unique per manager. */
  owner?: string;
  /** Frees written buffers early (see reclaim.ts); default: the process's own. */
  reclaimer?: BufferReclaimer;
  /**
   * How often to look for downloads a crashed process left running (another process sharing the
   * database, e.g. a killed CLI run); null: only when `resume()` is called.
   */
  adoptEveryMs?: number | null;
  /** A background task (lease renewal, adopting) failed or works again: for the user to see. */
  onProblem?: (problem: BackgroundProblem) => void;
}

interface Row {
  id: string;
  output_id: string | null;
  job_id: string | null;
  url: string;
  status: DownloadStatus;
  dest_dir: string;
  name_base: string;
  part_path: string;
  path: string | null;
  bytes_total: number | null;
  bytes_done: number;
  sha256: string | null;
  content_type: string | null;
  etag: string | null;
  last_modified: string | null;
  expires_at: number | null;
  error_kind: ErrorKind | null;
  error_message: string | null;
  /** JSON `NetFailure` of a failed connection; cleared with the error (see `update`). */
  error_net: string | null;
  attempts: number;
  owner: string | null;
  lease_until: number | null;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
}

type Patch = Partial<Omit<Row, 'id' | 'created_at'>>;

interface Running {
  controller: AbortController;
  /**
   * Why the transfer is being stopped; its status was already written by whoever stopped it. `lost`:
   * the lease is gone (another process paused, canceled or took over the download), so this one stops
   * without writing to the row.
   */
  stopAs: 'paused' | 'canceled' | 'queued' | 'lost' | null;
  bytes: number;
  meter: ProgressMeter;
  /** Cancels the pending flush of held-back progress. */
  flushTimer: (() => void) | undefined;
  /** Renews the lease, and re-reports progress when no bytes arrive (a stalled download's speed falls to 0). */
  stopHeartbeat: (() => void) | undefined;
  lastPersist: number;
  done: Promise<void>;
}

const DEFAULT_RETRY: RetryPolicy = { attempts: 6, baseDelayMs: 1_000, maxDelayMs: 60_000 };
const MAX_RETRY_AFTER_MS = 5 * 60_000;
const PERSIST_PROGRESS_MS = 1_000;
const HEARTBEAT_MS = 1_000;
/** A running download's lease; renewed at every heartbeat, so only a stopped process lets it lapse. */
const LEASE_MS = 30_000;
const MAX_CONCURRENCY = 16;

const isSettled = (status: DownloadStatus): boolean => SETTLED_DOWNLOAD_STATUSES.includes(status);

function assertHttpUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new AppError('invalid_input', 'The download link is not a valid URL.');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new AppError('invalid_input', `Only http(s) links can be downloaded, not ${parsed.protocol}.`);
  }
  return parsed;
}

/** Why a download paused on a disk problem, in words that say what to do. */
function diskReason(code: string | undefined, dir: string): string {
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return `Paused: the disk is full (${dir}). Free some space, then resume.`;
    case 'EACCES':
    case 'EPERM':
      return `Paused: no permission to write in ${dir}. Fix the folder's permissions or choose another download folder, then resume.`;
    case 'EROFS':
      return `Paused: ${dir} is read-only. Choose another download folder, then resume.`;
    case 'EFBIG':
      return `Paused: the file system of ${dir} cannot hold a file this large (FAT32 stops at 4 GiB). Choose another folder, then resume.`;
    default:
      return `Paused: writing to ${dir} failed (${code ?? 'I/O error'}). Check the disk, then resume.`;
  }
}

function rowToDownload(row: Row, liveBytes?: number): Download {
  return {
    id: row.id,
    outputId: row.output_id,
    jobId: row.job_id,
    url: row.url,
    status: row.status,
    path: row.path ?? row.part_path,
    bytesTotal: row.bytes_total,
    bytesDone: liveBytes ?? row.bytes_done,
    sha256: row.status === 'completed' ? row.sha256 : null,
    contentType: row.content_type,
    expiresAt: row.expires_at,
    error: row.error_kind ? ({ kind: row.error_kind, message: row.error_message ?? '', ...netOf(row.error_net) } satisfies ErrorInfo) : null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    finishedAt: row.finished_at,
  };
}

function netOf(text: string | null): { net?: NetFailure } {
  if (!text) return {};
  try {
    const value = JSON.parse(text) as Partial<NetFailure>;
    return typeof value.host === 'string' && (NET_REASONS as readonly string[]).includes(value.reason ?? '') ? { net: value as NetFailure } : {};
  } catch {
    return {};
  }
}

/** A download's record as last written, for readers that must not start anything (`promptreel jobs`). */
export function readDownload(db: Database, id: string): Download | undefined {
  const row = db.prepare('SELECT * FROM downloads WHERE id = ?').get(id) as Row | undefined;
  return row ? rowToDownload(row) : undefined;
}

/**
 * The download manager: a persistent queue of files to fetch, run with a concurrency limit. Every state
 * change is written to SQLite before it is announced, so a crash or a restart loses nothing: `resume()`
 * picks up where the `.part` files end. Implements the engine's `Downloader` contract.
 */
export class DownloadManager implements Downloader {
  private readonly db: Database;
  private readonly log: Logger;
  private readonly settings: () => DownloadSettings;
  private readonly fs: TransferFs;
  private readonly clock: () => number;
  private readonly timers: Clock;
  private readonly retryPolicy: RetryPolicy;
  private readonly maxRedirects: number;
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly hasher = new PartHasher();
  private readonly running = new Map<string, Running>();
  private readonly waiters = new Map<string, Set<(download: Download) => void>>();
  private readonly completedListeners = new Set<(download: Download) => void>();
  private readonly settledListeners = new Set<(download: Download) => void>();
  private readonly updatedListener: ((download: Download) => void) | undefined;
  private readonly progressListener: ((progress: DownloadProgress) => void) | undefined;
  private pumpScheduled = false;
  private closed = false;
  private readonly owner: string;
  private readonly stopAdopt: (() => void) | undefined;
  private readonly leases: LeaseTable;
  private readonly onProblem: ((problem: BackgroundProblem) => void) | undefined;
  private readonly reclaimer: BufferReclaimer;

  constructor(options: DownloadManagerOptions) {
    this.db = options.db;
    this.log = options.log;
    this.settings = options.settings;
    this.fs = options.fs ?? nodeTransferFs;
    this.timers = options.clock ?? systemClock;
    this.clock = () => this.timers.now();
    this.leases = new LeaseTable(this.db, 'downloads', "status = 'active'");
    this.onProblem = options.onProblem;
    this.retryPolicy = { ...DEFAULT_RETRY, ...options.retry };
    this.maxRedirects = options.maxRedirects ?? 5;
    this.updatedListener = options.onUpdated;
    this.progressListener = options.onProgress;
    const idle = options.idleTimeoutMs ?? 60_000;
    this.ownsDispatcher = options.dispatcher === undefined;
    this.dispatcher = options.dispatcher ?? new Agent({ bodyTimeout: idle, headersTimeout: idle, connectTimeout: Math.min(idle, 30_000) });
    this.owner = options.owner ?? ownerName();
    this.reclaimer = options.reclaimer ?? processReclaimer;
    if (options.adoptEveryMs) {
      this.stopAdopt = every(options.adoptEveryMs, () => this.resume(), {
        clock: this.timers,
        maxBackoffMs: options.adoptEveryMs * 8,
        ...reportBackground('take over downloads left by another process', this.log, this.onProblem),
      });
    }
  }

  // ---- the engine's contract -------------------------------------------------------------------

  /**
   * Records a job result's download (before returning) and queues it, or records it paused when the
   * auto-download setting is off. Idempotent per `outputId`: the existing download is returned.
   */
  enqueue(request: DownloadRequest): Download {
    return this.insert(request, this.settings().autoDownload ? 'queued' : 'paused');
  }

  whenSettled(id: string): Promise<Download> {
    const row = this.row(id);
    if (!row) return Promise.reject(new AppError('not_found', `No download with id ${id}.`));
    if (isSettled(row.status)) return Promise.resolve(this.toDownload(row));
    return new Promise((resolve) => {
      const set = this.waiters.get(id) ?? new Set();
      set.add(resolve);
      this.waiters.set(id, set);
    });
  }

  onCompleted(listener: (download: Download) => void): () => void {
    this.completedListeners.add(listener);
    return () => this.completedListeners.delete(listener);
  }

  onSettled(listener: (download: Download) => void): () => void {
    this.settledListeners.add(listener);
    return () => this.settledListeners.delete(listener);
  }

  /**
   * Without an id: picks up after a restart (downloads that were running go back into the queue and
   * continue from their `.part`). Only downloads nobody runs any more: a live process's lease is left
   * alone, a crashed one's (or a lapsed one's) is taken over. With an id: resumes that paused download.
   */
  resume(): void;
  resume(id: string): Download;
  resume(id?: string): Download | undefined {
    if (id === undefined) {
      const now = this.clock();
      for (const held of this.leases.holders()) {
        if (this.running.has(held.id) || !isLeaseFree(held, this.owner, now)) continue;
        // Conditional on the lease seen, so two processes starting at once cannot both take it over.
        if (this.leases.takeOver(held.id, held, { status: 'queued', owner: null, lease_until: null })) this.update(held.id, {});
      }
      this.schedulePump();
      return undefined;
    }
    const row = this.require(id);
    if (row.status === 'queued' || row.status === 'active') return this.toDownload(row);
    if (row.status !== 'paused') throw new AppError('conflict', `A ${row.status} download cannot be resumed; retry it instead.`);
    const download = this.update(id, { status: 'queued', error_kind: null, error_message: null, attempts: 0 });
    this.schedulePump();
    return download;
  }

  /** Stops every transfer (their `.part` files stay, and they are queued for the next start). */
  async close(): Promise<void> {
    this.closed = true;
    this.stopAdopt?.();
    const stopping = [...this.running.entries()].map(([id, run]) => {
      run.stopAs = 'queued';
      this.update(id, { status: 'queued' });
      run.controller.abort();
      return run.done;
    });
    await Promise.all(stopping);
    await this.hasher.close();
    if (this.ownsDispatcher) await this.dispatcher.destroy();
  }

  // ---- user actions -----------------------------------------------------------------------------

  /** An on-demand download of any http(s) URL (always starts, whatever the auto-download setting). */
  enqueueUrl(url: string, options: { destDir?: string; outputId?: string; name?: string } = {}): Download {
    const parsed = assertHttpUrl(url);
    if (options.outputId !== undefined) {
      const existing = this.rowByOutput(options.outputId);
      if (existing) {
        if (existing.status === 'paused') return this.resume(existing.id);
        if (existing.status === 'failed' || existing.status === 'expired' || existing.status === 'canceled') return this.retry(existing.id);
        return this.toDownload(existing);
      }
    }
    // The URL's last segment names the file when nothing better is given; its extension is ignored.
    const fromUrl = decodeURIComponentSafe(basename(parsed.pathname)).replace(/\.[^.]*$/, '');
    return this.insert(
      {
        url: parsed.toString(),
        destDir: options.destDir ?? this.settings().directory,
        outputId: options.outputId ?? null,
        naming: { operation: null, prompt: options.name ?? fromUrl, index: 0, kind: null, createdAt: this.clock() },
      },
      'queued',
    );
  }

  pause(id: string): Download {
    const row = this.require(id);
    if (row.status === 'paused') return this.toDownload(row);
    if (row.status !== 'queued' && row.status !== 'active') throw new AppError('conflict', `A ${row.status} download cannot be paused.`);
    const download = this.update(id, { status: 'paused', error_kind: null, error_message: null });
    this.stop(id, 'paused');
    return download;
  }

  /** Stops for good and deletes the `.part`; a completed file is never touched. */
  cancel(id: string): Download {
    const row = this.require(id);
    if (row.status === 'canceled') return this.toDownload(row);
    if (row.status === 'completed') throw new AppError('conflict', 'A finished download cannot be canceled; delete the file from the library instead.');
    const download = this.update(id, { status: 'canceled', finished_at: this.clock() });
    if (!this.stop(id, 'canceled')) void this.discardPart(row);
    return download;
  }

  retry(id: string): Download {
    const row = this.require(id);
    if (row.status === 'queued' || row.status === 'active') return this.toDownload(row);
    if (row.status === 'paused') return this.resume(id);
    if (row.status === 'completed') throw new AppError('conflict', 'This file is already downloaded.');
    const download = this.update(id, { status: 'queued', error_kind: null, error_message: null, attempts: 0, finished_at: null });
    this.schedulePump();
    return download;
  }

  pauseAll(): number {
    const rows = this.rows("SELECT * FROM downloads WHERE status IN ('queued', 'active')");
    for (const row of rows) this.pause(row.id);
    return rows.length;
  }

  resumeAll(): number {
    const rows = this.rows("SELECT * FROM downloads WHERE status = 'paused'");
    for (const row of rows) this.resume(row.id);
    return rows.length;
  }

  /** Running downloads another live process holds (this manager's own are not listed). */
  heldElsewhere(): (LeaseHolder & { download: Download })[] {
    const now = this.clock();
    return this.leases.holders().flatMap((held) => {
      if (this.running.has(held.id) || isLeaseFree(held, this.owner, now)) return [];
      const download = this.get(held.id);
      return download ? [{ owner: held.owner, leaseUntil: held.leaseUntil, download }] : [];
    });
  }

  get(id: string): Download | undefined {
    const row = this.row(id);
    return row ? this.toDownload(row) : undefined;
  }

  /** Newest first. */
  list(filter: { status?: readonly DownloadStatus[]; offset?: number; limit?: number } = {}): { downloads: Download[]; total: number } {
    const statuses = filter.status ?? [];
    const where = statuses.length > 0 ? `WHERE status IN (${statuses.map(() => '?').join(', ')})` : '';
    const total = (this.db.prepare(`SELECT count(*) AS n FROM downloads ${where}`).get(...statuses) as { n: number }).n;
    const rows = this.db
      .prepare(`SELECT * FROM downloads ${where} ORDER BY created_at DESC, rowid DESC LIMIT ? OFFSET ?`)
      .all(...statuses, filter.limit ?? 200, filter.offset ?? 0) as unknown as Row[];
    return { downloads: rows.map((row) => this.toDownload(row)), total };
  }

  /** The finished file of a completed download, if it is still there (for reveal, open and drag). */
  finishedFile(id: string): string {
    const row = this.require(id);
    if (row.status !== 'completed' || !row.path) throw new AppError('conflict', 'The file is not downloaded yet.');
    const info = lstatSync(row.path, { throwIfNoEntry: false });
    if (!info) throw new AppError('not_found', `The file is no longer at ${row.path}.`);
    // Opened or dragged out, a link swapped in for the file would hand over whatever it points to.
    if (!info.isFile()) throw new AppError('forbidden', `${row.path} is no longer the downloaded file (it is now a link or not a regular file), so it is not opened.`);
    return row.path;
  }

  // ---- persistence ------------------------------------------------------------------------------

  private row(id: string): Row | undefined {
    return this.db.prepare('SELECT * FROM downloads WHERE id = ?').get(id) as Row | undefined;
  }

  private rowByOutput(outputId: string): Row | undefined {
    return this.db.prepare('SELECT * FROM downloads WHERE output_id = ?').get(outputId) as Row | undefined;
  }

  private rows(sql: string, ...params: (string | number)[]): Row[] {
    return this.db.prepare(sql).all(...params) as unknown as Row[];
  }

  private require(id: string): Row {
    const row = this.row(id);
    if (!row) throw new AppError('not_found', `No download with id ${id}.`);
    return row;
  }

  private toDownload(row: Row): Download {
    const running = this.running.get(row.id);
    return rowToDownload(row, running && row.status === 'active' ? running.bytes : undefined);
  }

  /** Writes a change, announces it, and settles waiters when the download reached a final state. */
  private update(id: string, patch: Patch, announce = true): Download {
    // A new error (or none) replaces the last one's network reason unless it brings its own.
    const net = 'error_kind' in patch && !('error_net' in patch) ? { error_net: null } : {};
    const entries = Object.entries({ ...patch, ...net, updated_at: this.clock() });
    this.db
      .prepare(`UPDATE downloads SET ${entries.map(([key]) => `${key} = ?`).join(', ')} WHERE id = ?`)
      .run(...entries.map(([, value]) => value ?? null), id);
    const download = this.toDownload(this.require(id));
    if (announce) this.updatedListener?.(download);
    if (isSettled(download.status)) {
      // Before the waiters: whoever waits for the file then also sees its job's outcome.
      if (patch.status !== undefined) {
        for (const listener of this.settledListeners) {
          try {
            listener(download);
          } catch (error) {
            this.log.error('download: a settle listener failed', { id, error });
          }
        }
      }
      const waiting = this.waiters.get(id);
      this.waiters.delete(id);
      for (const resolve of waiting ?? []) resolve(download);
    }
    return download;
  }

  private insert(request: DownloadRequest, status: 'queued' | 'paused'): Download {
    assertHttpUrl(request.url);
    if (request.outputId) {
      const existing = this.rowByOutput(request.outputId);
      if (existing) return this.toDownload(existing);
    }
    if (!isAbsolute(request.destDir)) throw new AppError('invalid_input', `The download folder must be an absolute path, not "${request.destDir}".`);
    const destDir = resolve(request.destDir);
    const id = randomUUID();
    const now = this.clock();
    const base = renderBaseName(this.settings().fileNameTemplate, { ...request.naming, id });
    const partPath = uniqueFileName(destDir, base, 'part', (path) => this.claimed('part_path', path));
    try {
      this.db
        .prepare(
          `INSERT INTO downloads (id, output_id, job_id, url, status, dest_dir, name_base, part_path, expires_at, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(id, request.outputId ?? null, request.jobId ?? null, request.url, status, destDir, base, partPath, request.expiresAt ?? null, now, now);
    } catch (error) {
      if (!String(error).includes('FOREIGN KEY')) throw error;
      throw new AppError('not_found', `No job output ${request.outputId ?? ''} (job ${request.jobId ?? ''}) to download for.`, { cause: error });
    }
    const download = this.toDownload(this.require(id));
    this.updatedListener?.(download);
    this.schedulePump();
    return download;
  }

  /** Whether another unfinished download already claims this path (case-insensitively, as on Windows and macOS). */
  private claimed(column: 'part_path' | 'path', path: string): boolean {
    const row = this.db
      .prepare(`SELECT 1 FROM downloads WHERE lower(${column}) = lower(?) AND status IN ('queued', 'active', 'paused') LIMIT 1`)
      .get(path);
    return row !== undefined;
  }

  // ---- scheduling -------------------------------------------------------------------------------

  /**
   * Deferred to the next turn so that an `enqueue` inside the caller's own transaction never starts a
   * transfer before that transaction commits.
   */
  private schedulePump(): void {
    if (this.pumpScheduled || this.closed) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  /** Starts queued downloads up to the concurrency limit; links that expire soonest go first. */
  private pump(): void {
    if (this.closed) return;
    const limit = Math.max(1, Math.min(MAX_CONCURRENCY, Math.floor(this.settings().concurrency)));
    const free = limit - this.running.size;
    if (free <= 0) return;
    const next = this.rows(
      "SELECT * FROM downloads WHERE status = 'queued' ORDER BY expires_at IS NULL, expires_at, created_at, rowid LIMIT ?",
      free + this.running.size,
    ).filter((row) => !this.running.has(row.id));
    for (const row of next.slice(0, free)) this.start(row);
  }

  private start(row: Row): void {
    // Claimed only if still queued: another process sharing the queue may have started it meanwhile.
    const now = this.clock();
    const claimed = this.db
      .prepare("UPDATE downloads SET status = 'active', owner = ?, lease_until = ?, error_kind = NULL, error_message = NULL WHERE id = ? AND status = 'queued'")
      .run(this.owner, now + LEASE_MS, row.id).changes;
    if (!claimed) return;
    const meter = new ProgressMeter(row.id, row.bytes_total);
    meter.reset(row.bytes_done, row.bytes_total, this.clock());
    const run: Running = {
      controller: new AbortController(),
      stopAs: null,
      bytes: row.bytes_done,
      meter,
      flushTimer: undefined,
      stopHeartbeat: undefined,
      lastPersist: this.clock(),
      done: Promise.resolve(),
    };
    this.running.set(row.id, run);
    this.update(row.id, {});
    run.stopHeartbeat = every(
      HEARTBEAT_MS,
      () => {
        this.renewLease(row.id, run);
        this.progress(row.id, run, run.bytes);
      },
      { clock: this.timers, ...reportBackground('renew its hold on a running download', this.log, this.onProblem) },
    );
    run.done = this.run(row.id, run)
      .catch((error: unknown) => {
        this.log.error('download crashed', { id: row.id, error });
        if (run.stopAs) return;
        try {
          this.fail(row.id, 'internal', 'The download failed unexpectedly; the details are in the log.');
        } catch (cause) {
          // The database refused even that (busy, full): the row stays ours and active, so its lease
          // lapses and the next pickup (the adopt timer, a restart) continues it from its part.
          this.log.error('download: could not record the failure', { id: row.id, error: cause });
        }
      })
      .finally(() => {
        run.flushTimer?.();
        run.stopHeartbeat?.();
        this.running.delete(row.id);
        this.schedulePump();
      });
  }

  /**
   * Extends the lease of a running download. When the row is no longer ours and active (another
   * process paused or canceled it, or took it over after we stalled past the lease), the transfer stops.
   */
  private renewLease(id: string, run: Running): void {
    if (run.stopAs) return;
    if (this.leases.renew(this.owner, this.clock() + LEASE_MS, id).size) return;
    this.log.info('download: stopped, another process changed it', { id });
    this.stop(id, 'lost');
  }

  /** Aborts a running transfer; returns false when it was not running. */
  private stop(id: string, as: NonNullable<Running['stopAs']>): boolean {
    const run = this.running.get(id);
    if (!run) return false;
    run.stopAs = as;
    run.controller.abort();
    return true;
  }

  // ---- one download -----------------------------------------------------------------------------

  private async run(id: string, run: Running): Promise<void> {
    let failuresInARow = 0;
    for (;;) {
      const row = this.require(id);
      if (await this.recoverCommitted(row)) return;
      const before = run.bytes;
      let result: TransferResult;
      try {
        await mkdir(row.dest_dir, { recursive: true });
        result = await transferOnce({
          url: row.url,
          partPath: row.part_path,
          validators: { etag: row.etag, lastModified: row.last_modified, total: row.bytes_total },
          sizeCapBytes: this.settings().sizeCapBytes,
          maxRedirects: this.maxRedirects,
          dispatcher: this.dispatcher,
          fs: this.fs,
          hasher: this.hasher,
          signal: run.controller.signal,
          userAgent: `${APP_NAME}/${APP_VERSION}`,
          onResponse: (meta) => {
            run.bytes = meta.resumedFrom;
            run.meter.reset(meta.resumedFrom, meta.total, this.clock());
            this.update(id, {
              bytes_total: meta.total,
              bytes_done: meta.resumedFrom,
              etag: meta.etag,
              last_modified: meta.lastModified,
              content_type: meta.contentType,
              // The server answers again: a "retrying in…" note from the last attempt is history.
              error_kind: null,
              error_message: null,
            });
          },
          onProgress: (bytes) => this.progress(id, run, bytes),
        });
      } catch (caught) {
        const error = classifyError(caught, run.controller.signal, row.url);
        if (run.stopAs || error.reason === 'aborted') return this.stopped(row, run);
        this.persistProgress(id, run);
        if (!error.retryable) return this.settleFailure(row, error);
        failuresInARow = run.bytes > before ? 1 : failuresInARow + 1;
        if (failuresInARow >= this.retryPolicy.attempts) {
          this.fail(id, error.reason === 'server' ? 'server' : 'network', `${error.message} Gave up after ${failuresInARow} attempts.`, error.net);
          return;
        }
        if (error.reason === 'vanished') {
          // Not the server's fault and nothing to wait for: the loop recreates the folder and continues.
          this.log.warn('download: its part was deleted while downloading; recreated it and continuing', { id, dir: row.dest_dir, bytes: run.bytes });
          continue;
        }
        const delay = this.backoff(failuresInARow, error.retryAfterMs);
        this.log.info('download: retrying', { id, url: describeUrl(row.url), reason: error.message, code: error.code, delayMs: delay });
        this.update(id, {
          attempts: row.attempts + 1,
          error_kind: error.reason === 'server' ? 'server' : 'network',
          error_message: `${error.message} Retrying in ${Math.ceil(delay / 1000)} s.`,
          error_net: error.net ? JSON.stringify(error.net) : null,
        });
        if (!(await sleep(this.timers, delay, run.controller.signal))) return this.stopped(this.require(id), run);
        continue;
      }
      if (run.stopAs) return this.stopped(row, run);
      // The last bytes may sit in a held-back update; the UI should see 100 % before "completed".
      const last = run.meter.flush(this.clock());
      if (last) this.progressListener?.(last);
      try {
        await this.finalize(this.require(id), result);
      } catch (caught) {
        if ((caught as NodeJS.ErrnoException).code === 'ENOENT' && ++failuresInARow < this.retryPolicy.attempts) {
          // The folder was deleted between the last byte and the rename: fetch the file again into it.
          this.log.warn('download: the folder was deleted before the file was moved into place; downloading again', { id, dir: row.dest_dir });
          continue;
        }
        // Naming and moving the file can hit the disk too (no permission, read-only, full).
        const error = classifyError(caught, run.controller.signal);
        if (error.reason !== 'disk') throw caught;
        await this.settleFailure(row, error);
      }
      return;
    }
  }

  private progress(id: string, run: Running, bytes: number): void {
    this.reclaimer.written(bytes - run.bytes);
    run.bytes = bytes;
    const now = this.clock();
    const event = run.meter.update(bytes, now);
    if (event) this.progressListener?.(event);
    else if (!run.flushTimer) {
      run.flushTimer = this.timers.setTimeout(
        () => {
          run.flushTimer = undefined;
          const held = run.meter.flush(this.clock());
          if (held && this.running.get(id) === run && !run.stopAs) this.progressListener?.(held);
        },
        run.meter.intervalMs,
        { background: true },
      );
    }
    if (now - run.lastPersist >= PERSIST_PROGRESS_MS) this.persistProgress(id, run);
  }

  /**
   * Saves the byte count for the list after a restart; quietly, progress events already told the UI.
   * Only bookkeeping: a busy or full database must not stop the transfer (the next save catches up).
   */
  private persistProgress(id: string, run: Running): void {
    run.lastPersist = this.clock();
    try {
      this.db.prepare('UPDATE downloads SET bytes_done = ? WHERE id = ?').run(run.bytes, id);
    } catch (error) {
      this.log.warn('download: could not save progress; will try again', { id, error });
    }
  }

  private backoff(failures: number, retryAfterMs: number | undefined): number {
    const { baseDelayMs, maxDelayMs } = this.retryPolicy;
    const exponential = Math.min(maxDelayMs, baseDelayMs * 2 ** (failures - 1)) * (0.8 + this.timers.random() * 0.4);
    return Math.round(Math.max(exponential, Math.min(retryAfterMs ?? 0, MAX_RETRY_AFTER_MS)));
  }

  /** The transfer was stopped on purpose: paused keeps the part, canceled deletes it, closing requeues. */
  private async stopped(row: Row, run: Running): Promise<void> {
    if (run.stopAs === 'lost') return;
    this.persistProgress(row.id, run);
    if (run.stopAs === 'canceled') await this.discardPart(row);
  }

  private async discardPart(row: Row): Promise<void> {
    await unlink(row.part_path).catch(() => undefined);
    this.db.prepare('UPDATE downloads SET bytes_done = 0, etag = NULL, last_modified = NULL, bytes_total = NULL WHERE id = ?').run(row.id);
  }

  private fail(id: string, kind: ErrorKind, message: string, net?: NetFailure): void {
    this.update(id, { status: 'failed', error_kind: kind, error_message: message, error_net: net ? JSON.stringify(net) : null, finished_at: this.clock() });
  }

  private async settleFailure(row: Row, error: TransferError): Promise<void> {
    switch (error.reason) {
      case 'disk':
        this.log.warn('download: paused on a disk problem', { id: row.id, code: error.code });
        this.update(row.id, { status: 'paused', error_kind: 'io', error_message: diskReason(error.code, row.dest_dir) });
        return;
      case 'gone': {
        // UNCERTAIN: HiDream links carry no expiry; a link that worked before (or a 410) and now answers
        // 403/404 is taken as expired. A link that never worked and has no known expiry is just refused.
        const now = this.clock();
        const expired = error.status === 410 || (row.expires_at !== null && now >= row.expires_at) || row.etag !== null || row.bytes_done > 0;
        if (expired) {
          // The bytes so far cannot be finished from this link; a new result brings a new one.
          await this.discardPart(row);
          this.update(row.id, {
            status: 'expired',
            error_kind: 'expired',
            error_message: `The link expired (HTTP ${error.status ?? 403}) before the file was downloaded. Generate the result again to get a new link.`,
            finished_at: now,
          });
          return;
        }
        this.fail(row.id, error.status === 404 ? 'not_found' : 'forbidden', `${error.message} The link may have expired or may need a login.`);
        return;
      }
      case 'too_large':
        await this.discardPart(row);
        this.fail(row.id, 'forbidden', `${error.message} Raise the cap in Settings and retry to download it.`);
        return;
      case 'redirect':
        this.fail(row.id, 'forbidden', error.message);
        return;
      case 'unsafe':
        this.log.warn('download: refused to write through a file it did not create', { id: row.id, path: row.part_path });
        this.fail(row.id, 'forbidden', `Stopped: ${error.message} Remove it, then retry the download.`);
        return;
      case 'http':
      case 'bad_response':
        this.fail(row.id, 'bad_response', error.message);
        return;
      default:
        this.log.error('download: unexpected failure', { id: row.id, error });
        this.fail(row.id, 'internal', 'The download failed unexpectedly; the details are in the log.');
    }
  }

  /** Names the finished part (extension from Content-Type or the bytes) and moves it into place. */
  private async finalize(row: Row, result: TransferResult): Promise<void> {
    const contentType = result.contentType ?? row.content_type;
    const ext = chooseExtension(contentType, await readHead(row.part_path, SNIFF_BYTES));
    for (;;) {
      const path = uniqueFileName(row.dest_dir, row.name_base, ext, (candidate) => candidate !== row.path && this.claimed('path', candidate));
      // Recorded before the rename, so a crash between the two is recognised by `recoverCommitted`.
      this.update(row.id, { path, sha256: result.sha256, bytes_total: result.bytes, bytes_done: result.bytes, content_type: contentType }, false);
      if (await commitPart(row.part_path, path)) break;
    }
    this.complete(row.id);
  }

  private complete(id: string): void {
    const download = this.update(id, { status: 'completed', error_kind: null, error_message: null, finished_at: this.clock() });
    this.log.info('download: completed', { id, path: download.path, bytes: download.bytesTotal });
    for (const listener of this.completedListeners) {
      try {
        listener(download);
      } catch (error) {
        this.log.error('download: a completion listener failed', { id, error });
      }
    }
  }

  /**
   * A crash during the final rename leaves either the final file alone (rename done) or the part and
   * the final file as two links to the same bytes (link done, unlink not). Both are finished downloads.
   */
  private async recoverCommitted(row: Row): Promise<boolean> {
    if (!row.path || !row.sha256 || !existsSync(row.path)) return false;
    const final = statSync(row.path);
    if (existsSync(row.part_path)) {
      const part = statSync(row.part_path);
      if (part.ino !== final.ino || part.dev !== final.dev) return false;
      await unlink(row.part_path);
    } else if (final.size !== row.bytes_total) {
      return false;
    }
    this.complete(row.id);
    return true;
  }
}


function sleep(clock: Clock, ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve(false);
      return;
    }
    const cancel = clock.setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = (): void => {
      cancel();
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
