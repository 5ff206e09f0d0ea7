import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { AppError, type ErrorInfo, type ErrorKind } from '@shared/errors';
import { SETTLED_DOWNLOAD_STATUSES, type Download, type DownloadStatus } from '@shared/downloads';
import { createLogger, type Logger } from '../log';
import { isDeadOwner, ownerName } from '../owner';
import type { DownloadRequest, Downloader } from './types';

/**
 * A plain streamed writer that stands in for the download manager (its own issue) so the engine and the
 * CLI can deliver files: one GET per result, streamed to `<name>.part` while hashing, renamed when
 * complete. It persists only its `Download` records, in its own small database file, so `whenSettled`
 * answers after a restart and `resume()` restarts downloads a crashed process left unfinished (from the
 * start: there is no byte-range resume here). No throttling, no pause, no naming templates.
 */
export const SIMPLE_DOWNLOADS_FILE = 'simple-downloads.db';

export class SimpleDownloader implements Downloader {
  private readonly db: DatabaseSync;
  private readonly owner = ownerName();
  private readonly active = new Map<string, Promise<void>>();
  private readonly waiters = new Map<string, ((d: Download) => void)[]>();
  private readonly completedListeners = new Set<(d: Download) => void>();
  private readonly abort = new AbortController();
  private readonly log: Logger;
  private closed = false;

  /** `readOnly`: only `get` and `unsettled` are used (the CLI's `jobs` and `show`). */
  constructor(options: { file: string; log?: Logger; retries?: number; pollMs?: number; readOnly?: boolean }) {
    this.log = options.log ?? createLogger({ scope: 'downloads' });
    this.retries = options.retries ?? 3;
    this.readOnly = options.readOnly ?? false;
    this.pollMs = options.pollMs ?? 500;
    this.db = new DatabaseSync(options.file, { timeout: 5_000 });
    this.db.exec('PRAGMA journal_mode = WAL');
    // As for the main database: durable across app crashes, one fsync per checkpoint rather than per write.
    this.db.exec('PRAGMA synchronous = NORMAL');
    this.db.exec(`CREATE TABLE IF NOT EXISTS downloads (
      id TEXT PRIMARY KEY, record TEXT NOT NULL, dest_dir TEXT NOT NULL, owner TEXT, settled INTEGER NOT NULL DEFAULT 0)`);
  }

  private readonly retries: number;
  private readonly pollMs: number;
  private readonly readOnly: boolean;

  enqueue(request: DownloadRequest): Download {
    if (this.closed) throw new AppError('internal', 'The downloader is shut down.');
    const now = Date.now();
    mkdirSync(request.destDir, { recursive: true });
    const download: Download = {
      id: randomUUID(),
      outputId: request.outputId ?? null,
      jobId: request.jobId ?? null,
      url: request.url,
      status: 'queued',
      path: join(request.destDir, fileName(request)),
      bytesTotal: null,
      bytesDone: 0,
      sha256: null,
      contentType: null,
      expiresAt: request.expiresAt ?? null,
      error: null,
      createdAt: now,
      updatedAt: now,
      finishedAt: null,
    };
    this.db.prepare('INSERT INTO downloads (id, record, dest_dir, owner) VALUES (?, ?, ?, ?)').run(download.id, JSON.stringify(download), request.destDir, this.owner);
    this.start(download, request.destDir);
    return download;
  }

  get(id: string): Download | undefined {
    const row = this.db.prepare('SELECT record FROM downloads WHERE id = ?').get(id) as { record: string } | undefined;
    return row ? (JSON.parse(row.record) as Download) : undefined;
  }

  whenSettled(id: string): Promise<Download> {
    const current = this.get(id);
    if (!current) return Promise.reject(new AppError('not_found', `No download with id ${id}.`));
    if (isSettled(current.status)) return Promise.resolve(current);
    if (!this.active.has(id)) return this.watch(id);
    return new Promise((resolve) => this.waiters.set(id, [...(this.waiters.get(id) ?? []), resolve]));
  }

  /** Another process is writing this file: look at the shared record until it settles. */
  private async watch(id: string): Promise<Download> {
    for (;;) {
      await new Promise((r) => setTimeout(r, this.pollMs));
      if (this.closed) throw new AppError('canceled', 'The downloader was shut down.');
      const current = this.get(id);
      if (!current) throw new AppError('not_found', `No download with id ${id}.`);
      if (isSettled(current.status)) return current;
      if (this.active.has(id)) return this.whenSettled(id);
    }
  }

  /** Downloads not yet completed, failed, expired or canceled (e.g. cut short by a crash). */
  unsettled(): Download[] {
    const rows = this.db.prepare('SELECT record FROM downloads WHERE settled = 0').all() as unknown as { record: string }[];
    return rows.map((r) => JSON.parse(r.record) as Download);
  }

  onCompleted(listener: (download: Download) => void): () => void {
    this.completedListeners.add(listener);
    return () => this.completedListeners.delete(listener);
  }

  resume(): void {
    const rows = this.db.prepare('SELECT record, dest_dir, owner FROM downloads WHERE settled = 0').all() as unknown as {
      record: string;
      dest_dir: string;
      owner: string | null;
    }[];
    for (const row of rows) {
      const download = JSON.parse(row.record) as Download;
      if (this.active.has(download.id) || (row.owner !== null && row.owner !== this.owner && !isDeadOwner(row.owner))) continue;
      this.db.prepare('UPDATE downloads SET owner = ? WHERE id = ?').run(this.owner, download.id);
      this.start(download, row.dest_dir);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.abort.abort();
    await Promise.allSettled([...this.active.values()]);
    if (!this.readOnly) this.db.prepare('UPDATE downloads SET owner = NULL WHERE owner = ? AND settled = 0').run(this.owner);
    this.db.close();
  }

  private save(download: Download): void {
    download.updatedAt = Date.now();
    this.db.prepare('UPDATE downloads SET record = ?, settled = ? WHERE id = ?').run(JSON.stringify(download), isSettled(download.status) ? 1 : 0, download.id);
  }

  private start(download: Download, destDir: string): void {
    const run = this.run(download, destDir)
      .catch((error: unknown) => this.log.error('download crashed', { id: download.id, error }))
      .finally(() => {
        this.active.delete(download.id);
        const settled = this.get(download.id);
        if (!settled || !isSettled(settled.status)) return;
        for (const resolve of this.waiters.get(download.id) ?? []) resolve(settled);
        this.waiters.delete(download.id);
        if (settled.status === 'completed') for (const listener of this.completedListeners) listener(settled);
      });
    this.active.set(download.id, run);
  }

  private async run(download: Download, destDir: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      if (this.closed) return;
      download.status = 'active';
      this.save(download);
      const result = await this.fetchOnce(download, destDir);
      // null: completed, or stopped by close().
      if (result === null) return;
      const expired = download.expiresAt !== null && Date.now() >= download.expiresAt;
      if (expired || attempt >= this.retries || result.kind === 'expired') {
        this.settle(download, expired || result.kind === 'expired' ? 'expired' : 'failed', result);
        return;
      }
      await new Promise((r) => setTimeout(r, 500 * 2 ** attempt));
    }
  }

  /** One attempt; null when it completed (or was stopped by `close`), else why it failed. */
  private async fetchOnce(download: Download, destDir: string): Promise<ErrorInfo | null> {
    const part = `${download.path ?? join(destDir, download.id)}.part`;
    try {
      const response = await fetch(download.url, { signal: this.abort.signal, redirect: 'follow' });
      if (!response.ok || !response.body) {
        const kind: ErrorKind = response.status === 403 || response.status === 404 || response.status === 410 ? 'expired' : 'network';
        return { kind, message: `The server answered ${response.status} for the result file.` };
      }
      download.contentType = response.headers.get('content-type');
      const length = Number(response.headers.get('content-length'));
      download.bytesTotal = Number.isFinite(length) && length > 0 ? length : null;
      download.bytesDone = 0;
      const hash = createHash('sha256');
      const meter = new Transform({
        transform: (chunk: Buffer, _encoding, done) => {
          hash.update(chunk);
          download.bytesDone += chunk.length;
          done(null, chunk);
        },
      });
      await pipeline(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), meter, createWriteStream(part));
      const final = uniquePath(destDir, withExtension(download, download.contentType));
      renameSync(part, final);
      download.path = final;
      download.sha256 = hash.digest('hex');
      this.settle(download, 'completed', null);
      return null;
    } catch (error) {
      rmSync(part, { force: true });
      if (this.closed) return null;
      return { kind: 'network', message: error instanceof Error ? error.message : String(error) };
    }
  }

  private settle(download: Download, status: DownloadStatus, error: ErrorInfo | null): void {
    download.status = status;
    download.error = error;
    download.finishedAt = Date.now();
    this.save(download);
    if (status !== 'completed') this.log.warn('download did not complete', { id: download.id, status, error: error?.message });
  }
}

function isSettled(status: DownloadStatus): boolean {
  return SETTLED_DOWNLOAD_STATUSES.includes(status);
}

const EXTENSIONS: Record<string, string> = {
  'video/mp4': '.mp4',
  'video/webm': '.webm',
  'video/quicktime': '.mov',
  'image/png': '.png',
  'image/jpeg': '.jpg',
  'image/webp': '.webp',
  'image/gif': '.gif',
};

function fileName(request: DownloadRequest): string {
  const { naming } = request;
  const stamp = new Date(naming.createdAt).toISOString().slice(0, 19).replace(/[:T]/g, '-');
  const slug =
    naming.prompt
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^\p{L}\p{N}]+/gu, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || (naming.operation?.replace('.', '-') ?? 'result');
  const job = request.jobId ? `-${request.jobId.slice(0, 8)}` : '';
  return `${stamp}-${slug}${job}-${naming.index + 1}${extensionFor(request.url, null, naming.kind)}`;
}

function extensionFor(url: string, contentType: string | null, kind: 'video' | 'image' | null): string {
  const fromType = contentType ? EXTENSIONS[contentType.split(';')[0]?.trim() ?? ''] : undefined;
  if (fromType) return fromType;
  let fromUrl = '';
  try {
    fromUrl = extname(new URL(url).pathname).toLowerCase();
  } catch {
    // not a URL we can read an extension from
  }
  if (Object.values(EXTENSIONS).includes(fromUrl)) return fromUrl;
  return kind === 'image' ? '.png' : '.mp4';
}

function withExtension(download: Download, contentType: string | null): string {
  const planned = basename(download.path ?? download.id);
  const base = planned.replace(/\.[a-z0-9]+$/i, '');
  const kind = /\.(png|jpe?g|webp|gif)$/i.test(planned) ? 'image' : 'video';
  return base + extensionFor(download.url, contentType, kind);
}

/** Never overwrites: `name.mp4`, `name (2).mp4`, … */
function uniquePath(dir: string, name: string): string {
  const ext = extname(name);
  const stem = name.slice(0, name.length - ext.length);
  let candidate = join(dir, name);
  for (let n = 2; existsSync(candidate); n++) candidate = join(dir, `${stem} (${n})${ext}`);
  return candidate;
}
