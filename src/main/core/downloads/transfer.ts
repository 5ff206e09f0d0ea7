import { existsSync } from 'node:fs';
import { link, mkdir, open as openFile, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import { formatBytes } from '@shared/format';
import { isUnsafeFileError, openOwnedFile, stillAt } from '../fs/owned';
import type { NetFailure } from '@shared/errors';
import { hostOf, networkReason, networkSentence } from '../net/words';
import type { HashJob, PartHasher } from './hasher';

/**
 * One HTTP transfer into a `.part` file: streamed (never the whole file in memory), resumed with
 * `Range`/`If-Range` from whatever the `.part` already holds, hashed while writing, length-checked and
 * fsynced. `commitPart` then moves it to its final name without ever replacing a file.
 *
 * The `.part` file itself is the source of truth for a resume: its size is where we continue, and the
 * sha256 is computed by reading the file back right behind the writer (see `hasher.ts`), from its first
 * byte on every attempt. That stays right after a crash, a kill -9 or a failed write, where any
 * remembered hash state could lie.
 */

/** The few file operations a transfer needs; tests swap in one that fails like a full disk. */
export interface PartFile {
  writev(buffers: readonly NodeJS.ArrayBufferView[], position: number): Promise<{ bytesWritten: number }>;
  read(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
  stat(): Promise<{ size: number; isFile(): boolean; nlink: number; dev: number; ino: number }>;
  truncate(length: number): Promise<void>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

export interface TransferFs {
  /** Numeric open(2) flags, chosen by `openOwnedFile` (no-follow, exclusive create). */
  open(path: string, flags: number): Promise<PartFile>;
}

export const nodeTransferFs: TransferFs = { open: (path, flags) => openFile(path, flags, 0o666) };

/** What the server told us about the bytes in the part; kept with the download for the next resume. */
export interface Validators {
  etag: string | null;
  lastModified: string | null;
  total: number | null;
}

export interface ResponseMeta extends Validators {
  contentType: string | null;
  /** Bytes already in the part that this response continues from (0 when starting over). */
  resumedFrom: number;
}

export interface TransferOptions {
  url: string;
  partPath: string;
  /** From the previous attempt or process; null fields when nothing is known yet. */
  validators: Validators;
  sizeCapBytes: number;
  maxRedirects: number;
  dispatcher: Dispatcher;
  fs: TransferFs;
  hasher: PartHasher;
  signal: AbortSignal;
  userAgent: string;
  /** Called before the first body byte is written, so validators are on record before the part grows. */
  onResponse(meta: ResponseMeta): void;
  /** Bytes safely in the part so far (written, not just received). */
  onProgress(bytesOnDisk: number): void;
}

export interface TransferResult extends Validators {
  bytes: number;
  sha256: string;
  contentType: string | null;
}

export type TransferFailure =
  /** Connection refused, reset or cut, timeouts, a short body: try again and resume. */
  | 'network'
  /** 5xx, 408, 429: the server may recover; try again later. */
  | 'server'
  /** 403, 404, 410: the link no longer works (the manager decides whether it expired). */
  | 'gone'
  /** Any other unexpected HTTP status. */
  | 'http'
  | 'redirect'
  | 'too_large'
  | 'bad_response'
  /** Disk full, no permission, read-only: only the user can fix it. */
  | 'disk'
  /** The part's name holds a link or something else we did not write: nothing is written through it. */
  | 'unsafe'
  /** The part was deleted (with its folder, say) while it was written: its bytes were saved, go on. */
  | 'vanished'
  | 'aborted'
  | 'internal';

export class TransferError extends Error {
  readonly reason: TransferFailure;
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly retryAfterMs: number | undefined;
  /** A failed connection's known reason, for words in the window's language. */
  readonly net: NetFailure | undefined;

  constructor(reason: TransferFailure, message: string, details: { status?: number; code?: string; retryAfterMs?: number; net?: NetFailure; cause?: unknown } = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'TransferError';
    this.reason = reason;
    this.status = details.status;
    this.code = details.code;
    this.retryAfterMs = details.retryAfterMs;
    this.net = details.net;
  }

  get retryable(): boolean {
    return this.reason === 'network' || this.reason === 'server' || this.reason === 'vanished';
  }
}

const DISK_CODES = new Set(['ENOSPC', 'EDQUOT', 'EACCES', 'EPERM', 'EROFS', 'EFBIG', 'EIO']);
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTUNREACH',
  'EHOSTDOWN',
]);

/** Anything thrown during a transfer, as one of our failure reasons; `url` names the host in network messages. */
export function classifyError(error: unknown, signal: AbortSignal, url?: string): TransferError {
  if (signal.aborted) return new TransferError('aborted', 'The transfer was stopped.', { cause: error });
  if (error instanceof TransferError) return error;
  if (isUnsafeFileError(error)) return new TransferError('unsafe', error.message, { code: error.code, cause: error });
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (typeof code === 'string') {
    if (DISK_CODES.has(code)) return new TransferError('disk', message, { code, cause: error });
    const sentence = url === undefined ? null : networkSentence(code, hostOf(url));
    const reason = url === undefined ? null : networkReason(code);
    const net = reason && url !== undefined ? { net: { reason, host: hostOf(url) } } : {};
    // A certificate the system does not trust is not a network hiccup, but retrying does no harm and the words say why.
    if (NETWORK_CODES.has(code) || code.startsWith('UND_ERR') || sentence) return new TransferError('network', sentence ?? message, { code, cause: error, ...net });
  }
  return new TransferError('internal', message, { cause: error });
}

/** How much received data may wait for the disk before the connection is paused. */
const WRITE_HIGH_WATER_MARK = 1024 * 1024;
/** The hasher is told about new bytes at most this often (each message costs the event loop a little). */
const HASH_STEP = 4 * 1024 * 1024;

/**
 * Every this many bytes the part is synced in the background while the download goes on, so the disk
 * writes while the network reads and the final fsync only waits for the last stretch: a 1 GiB file
 * otherwise spends about 0.6 s in that one fsync after the last byte arrived.
 */
const SYNC_STEP = 64 * 1024 * 1024;

/**
 * Writes received chunks to the part, a batch per positional writev: while one write is in flight the
 * next batch collects, and past the high-water mark the connection is paused until the disk catches up.
 * This replaces a Readable → pipeline → Writable chain, which costs about a third more CPU per GiB.
 */
class PartWriter {
  /** Bytes on disk. */
  position: number;
  private queued: Buffer[] = [];
  private queuedBytes = 0;
  private writing: Promise<void> | undefined;
  /** A background sync in flight (see `SYNC_STEP`). */
  private syncing: Promise<void> | undefined;
  private syncedTo: number;
  private failure: Error | undefined;

  constructor(
    private readonly file: PartFile,
    start: number,
    private readonly limit: number,
    private readonly events: { written(position: number): void; drained(): void; failed(error: Error): void },
  ) {
    this.position = start;
    this.syncedTo = start;
  }

  /** Queues a chunk; false when enough waits for the disk that the connection should pause. */
  push(chunk: Buffer): boolean {
    if (this.failure) return false;
    if (this.position + this.queuedBytes + chunk.length > this.limit) {
      this.fail(new TransferError('too_large', `The file is larger than the size cap of ${formatBytes(this.limit)}.`));
      return false;
    }
    this.queued.push(chunk);
    this.queuedBytes += chunk.length;
    this.flush();
    return this.queuedBytes < WRITE_HIGH_WATER_MARK;
  }

  /** Resolves when every queued byte is on disk; rejects with the write error if one failed. */
  async close(): Promise<void> {
    await this.idle();
    if (this.failure) throw this.failure;
  }

  /** Resolves when no write or sync is in flight any more, so the file can be closed after an error. */
  async idle(): Promise<void> {
    while (this.writing ?? this.syncing) await (this.writing ?? this.syncing);
  }

  private syncInBackground(): void {
    if (this.syncing || this.failure || this.position - this.syncedTo < SYNC_STEP) return;
    const upTo = this.position;
    // A failed fsync may drop the dirty pages and clear the error, so the final fsync could succeed
    // over lost bytes: the failure has to end the transfer here.
    this.syncing = this.file.sync().then(
      () => {
        this.syncing = undefined;
        this.syncedTo = upTo;
      },
      (error: unknown) => {
        this.syncing = undefined;
        this.fail(error instanceof Error ? error : new Error(String(error)));
      },
    );
  }

  private flush(): void {
    if (this.writing || this.failure || this.queued.length === 0) return;
    const buffers = this.queued;
    const length = this.queuedBytes;
    this.queued = [];
    this.queuedBytes = 0;
    this.writing = this.writeAll(buffers, length).then(
      () => {
        this.writing = undefined;
        this.position += length;
        this.events.written(this.position);
        this.syncInBackground();
        this.flush();
        if (this.queuedBytes < WRITE_HIGH_WATER_MARK) this.events.drained();
      },
      (error: unknown) => {
        this.writing = undefined;
        this.fail(error instanceof Error ? error : new Error(String(error)));
      },
    );
  }

  private async writeAll(buffers: Buffer[], length: number): Promise<void> {
    let written = 0;
    while (written < length) {
      // A short write (a disk filling up) leaves the rest to a second call, which then fails properly.
      const pending = written === 0 ? buffers : [Buffer.concat(buffers).subarray(written)];
      const { bytesWritten } = await this.file.writev(pending, this.position + written);
      if (bytesWritten <= 0) throw new TransferError('disk', 'The disk accepted no more bytes.', { code: 'EIO' });
      written += bytesWritten;
    }
  }

  /** Ends the transfer from outside the write path (the part vanished). */
  abort(error: Error): void {
    this.fail(error);
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    this.events.failed(error);
  }
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | null {
  const value = headers[name];
  return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
}

function parseLength(value: string | null): number | null {
  if (value === null || !/^\d+$/.test(value.trim())) return null;
  return Number(value.trim());
}

/** `bytes 100-199/1000` (or `/*`); null if the header is missing or malformed. */
function parseContentRange(value: string | null): { start: number; end: number; total: number | null } | null {
  const match = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(value?.trim() ?? '');
  if (!match) return null;
  return { start: Number(match[1]), end: Number(match[2]), total: match[3] === '*' ? null : Number(match[3]) };
}

/** Retry-After in seconds or as an HTTP date. */
function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

const isWeak = (etag: string): boolean => etag.startsWith('W/');

/**
 * A redirect may stay on its scheme or upgrade http to https; anything else (https to http, file:,
 * data:, ftp:…) is refused. Same-scheme-or-upgrade keeps a signed https link from being downgraded.
 */
export function redirectAllowed(from: URL, to: URL): boolean {
  if (to.protocol !== 'http:' && to.protocol !== 'https:') return false;
  return to.protocol === from.protocol || (from.protocol === 'http:' && to.protocol === 'https:');
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** Only origin and path ever reach a log or a message: signed URLs carry credentials in the query. */
export function describeUrl(url: string | URL): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname.length > 80 ? `${parsed.pathname.slice(0, 80)}…` : parsed.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

/** A response whose body waits, with the connection paused, until it is read or discarded. */
interface PendingResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** Feeds the body to `onChunk`, pausing the connection while `onChunk` returns false; ends with the body. */
  read(onChunk: (chunk: Buffer) => boolean): Promise<void>;
  /** Lets a paused body flow again. */
  resume(): void;
  /** Stops the body (an error page, a redirect, a file we will not take) by closing the connection. */
  abort(reason: Error): void;
}

/**
 * One GET through undici's dispatcher with a small handler of our own: chunks go straight from the
 * parser to the writer, without a Readable in between.
 */
function send(dispatcher: Dispatcher, url: URL, headers: Record<string, string>, signal: AbortSignal): Promise<PendingResponse> {
  return new Promise((resolveHead, rejectHead) => {
    let controller: Dispatcher.DispatchController | undefined;
    let consumer: ((chunk: Buffer) => boolean) | undefined;
    const early: Buffer[] = [];
    let outcome: { error: Error | undefined } | undefined;
    let settle: ((error: Error | undefined) => void) | undefined;
    let started = false;

    const onAbort = (): void => controller?.abort(new TransferError('aborted', 'The transfer was stopped.'));
    signal.addEventListener('abort', onAbort, { once: true });
    const finish = (error: Error | undefined): void => {
      signal.removeEventListener('abort', onAbort);
      if (!started) {
        rejectHead(error ?? new TransferError('bad_response', 'The server closed the connection without an answer.'));
        return;
      }
      outcome = { error };
      settle?.(error);
    };

    const response = (status: number, responseHeaders: IncomingHttpHeaders): PendingResponse => ({
      status,
      headers: responseHeaders,
      read: (onChunk) =>
        new Promise<void>((resolve, reject) => {
          consumer = onChunk;
          let flowing = true;
          for (const chunk of early.splice(0)) flowing = onChunk(chunk) && flowing;
          const done = (error: Error | undefined): void => (error ? reject(error) : resolve());
          if (outcome) done(outcome.error);
          else {
            settle = done;
            if (flowing) controller?.resume();
          }
        }),
      resume: () => {
        if (controller?.paused && !controller.aborted) controller.resume();
      },
      abort: (reason) => {
        if (!outcome && !controller?.aborted) controller?.abort(reason);
      },
    });

    const handler: Dispatcher.DispatchHandler = {
      onRequestStart: (c) => {
        controller = c;
        if (signal.aborted) onAbort();
      },
      onResponseStart: (c, status, responseHeaders) => {
        started = true;
        // Nothing flows until the caller has looked at the status and chosen what to do with the body.
        c.pause();
        resolveHead(response(status, responseHeaders));
      },
      onResponseData: (c, chunk) => {
        if (!consumer) {
          early.push(chunk);
          c.pause();
        } else if (!consumer(chunk)) c.pause();
      },
      onResponseEnd: () => finish(undefined),
      onResponseError: (_c, error) => finish(error),
    };
    dispatcher.dispatch({ origin: url.origin, path: `${url.pathname}${url.search}`, method: 'GET', headers }, handler);
  });
}

/** A discarded body's connection error is expected; nothing waits for it. */
const dropBody = (response: PendingResponse): void => response.abort(new TransferError('aborted', 'Body not needed.'));

async function get(options: TransferOptions, headers: Record<string, string>): Promise<PendingResponse> {
  let current = new URL(options.url);
  for (let hop = 0; ; hop++) {
    const response = await send(options.dispatcher, current, headers, options.signal);
    if (!REDIRECT_STATUSES.has(response.status)) return response;
    dropBody(response);
    const location = header(response.headers, 'location');
    if (!location) throw new TransferError('bad_response', `HTTP ${response.status} redirect without a Location.`, { status: response.status });
    if (hop >= options.maxRedirects) throw new TransferError('redirect', `The link redirected more than ${options.maxRedirects} times.`);
    let next: URL;
    try {
      next = new URL(location, current);
    } catch {
      throw new TransferError('redirect', 'The link redirected to an invalid address.');
    }
    if (!redirectAllowed(current, next)) {
      throw new TransferError('redirect', `Refused a redirect from ${current.protocol} to ${next.protocol}: only http(s) without a downgrade is followed.`);
    }
    current = next;
  }
}

/** How often (in bytes written) the part is looked for under its name, to notice it was deleted. */
const PRESENCE_STEP = 1024 * 1024;

/**
 * The part was deleted while we wrote it (its folder removed, a cleaner run): on Linux and macOS the
 * open descriptor still holds every byte written, so they are copied into a new part at the same path,
 * in its recreated folder, and the next attempt continues from there with a Range request.
 */
async function salvage(file: PartFile, fs: TransferFs, partPath: string, bytes: number): Promise<void> {
  await mkdir(dirname(partPath), { recursive: true });
  const copy = await openOwnedFile(partPath, (path, flags) => fs.open(path, flags));
  try {
    const buffer = Buffer.allocUnsafe(Math.min(bytes, 1024 * 1024));
    // Bytes already at the new path (a part the user put back) are replaced by ours, which we hashed.
    await copy.truncate(0);
    for (let position = 0; position < bytes; ) {
      const { bytesRead } = await file.read(buffer, 0, Math.min(buffer.length, bytes - position), position);
      if (bytesRead <= 0) break;
      await copy.writev([buffer.subarray(0, bytesRead)], position);
      position += bytesRead;
    }
    await copy.sync();
  } finally {
    await copy.close();
  }
}

/**
 * One attempt: continue the part from where it ends, or start over when the server says the bytes
 * changed (a 200 to a ranged request, a 416, another ETag or total). Throws a `TransferError`.
 */
export async function transferOnce(options: TransferOptions): Promise<TransferResult> {
  try {
    return await attempt(options);
  } catch (error) {
    // The URL names the host in a network failure's words (the manager's own classification then keeps them).
    throw classifyError(error, options.signal, options.url);
  }
}

async function attempt(options: TransferOptions): Promise<TransferResult> {
  const file = await openOwnedFile(options.partPath, (path, flags) => options.fs.open(path, flags));
  let writer: PartWriter | undefined;
  let hash: HashJob | undefined;
  const opened = await file.stat().catch(async (error: unknown) => {
    await file.close();
    throw error;
  });
  const identity = { dev: opened.dev, ino: opened.ino };
  /** Hashing restarts with the file whenever the file starts over. */
  const rehash = (): HashJob => {
    hash?.cancel();
    hash = options.hasher.begin(options.partPath, identity);
    return hash;
  };
  /** Fails the transfer when the part is no longer under its name (see `salvage`). */
  const present = async (): Promise<void> => {
    if (!(await stillAt(options.partPath, identity))) {
      throw new TransferError('vanished', `The partial file ${options.partPath} was deleted while downloading.`, { code: 'ENOENT' });
    }
  };
  try {
    let known = options.validators;
    let have = opened.size;
    if (known.total !== null && have > known.total) {
      await file.truncate(0);
      have = 0;
    }
    if (known.total !== null && have === known.total && have > 0) {
      // A crash after the last byte but before the rename: nothing left to fetch.
      const [sha256] = await Promise.all([rehash().finish(have), file.sync()]);
      return { ...known, bytes: have, sha256, contentType: null };
    }

    let restarted = false;
    /** Drops the part's bytes once; a server that keeps contradicting itself is a bad response. */
    const startOver = async (why: string): Promise<void> => {
      if (restarted || have === 0) throw new TransferError('bad_response', why);
      restarted = true;
      await file.truncate(0);
      have = 0;
      known = { etag: null, lastModified: null, total: null };
    };

    for (;;) {
      const headers: Record<string, string> = { 'accept-encoding': 'identity', 'user-agent': options.userAgent };
      if (have > 0) {
        headers['range'] = `bytes=${have}-`;
        const validator = known.etag && !isWeak(known.etag) ? known.etag : known.lastModified;
        if (validator) headers['if-range'] = validator;
      }
      const response = await get(options, headers);
      const status = response.status;
      const h = response.headers;
      const etag = header(h, 'etag');
      const lastModified = header(h, 'last-modified');
      const contentType = header(h, 'content-type');
      const contentLength = parseLength(header(h, 'content-length'));

      if (status === 403 || status === 404 || status === 410) {
        dropBody(response);
        throw new TransferError('gone', `The server refused the link (HTTP ${status}).`, { status });
      }
      if (status === 408 || status === 425 || status === 429 || status >= 500) {
        dropBody(response);
        const retryAfterMs = parseRetryAfter(header(h, 'retry-after'));
        throw new TransferError('server', `The server answered HTTP ${status}.`, { status, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });
      }
      if (status === 416) {
        dropBody(response);
        await startOver('The server answered HTTP 416 to a plain download.');
        continue;
      }
      if (status !== 200 && status !== 206) {
        dropBody(response);
        throw new TransferError('http', `The server answered HTTP ${status}.`, { status });
      }

      let start = 0;
      let total: number | null;
      /** Where this response's body should end, when the server says. */
      let bodyEnd: number | null;
      if (status === 206) {
        const range = parseContentRange(header(h, 'content-range'));
        const changed =
          !range ||
          range.start !== have ||
          (known.etag !== null && etag !== null && etag !== known.etag) ||
          (known.total !== null && range.total !== null && range.total !== known.total);
        if (!range || changed) {
          // A server that ignores If-Range still tells us, by ETag or size, that the bytes changed.
          dropBody(response);
          await startOver('The server answered with a range that does not fit the partial file.');
          continue;
        }
        start = have;
        total = range.total ?? known.total;
        bodyEnd = range.end + 1;
      } else {
        // 200: the whole file again, because the validator changed or the server ignores ranges.
        if (have > 0) await file.truncate(0);
        total = contentLength;
        bodyEnd = contentLength;
      }

      if (total !== null && total > options.sizeCapBytes) {
        dropBody(response);
        throw new TransferError('too_large', `The file is ${formatBytes(total)}, more than the size cap of ${formatBytes(options.sizeCapBytes)}.`);
      }
      const validators: Validators = { etag, lastModified, total };
      options.onResponse({ ...validators, contentType, resumedFrom: start });

      // Continuing within this attempt keeps the job; a fresh attempt hashes the part from byte 0.
      const job = hash && start > 0 ? hash : rehash();
      if (start > 0) job.advance(start);
      let told = start;
      let looked = start;
      const body = response;
      const part: PartWriter = new PartWriter(file, start, options.sizeCapBytes, {
        written: (position) => {
          if (position - told >= HASH_STEP) {
            job.advance(position);
            told = position;
          }
          if (position - looked >= PRESENCE_STEP) {
            looked = position;
            present().catch((error: unknown) => part.abort(error instanceof Error ? error : new Error(String(error))));
          }
          options.onProgress(position);
        },
        drained: () => body.resume(),
        failed: (error) => body.abort(error),
      });
      writer = part;
      await body.read((chunk) => part.push(chunk));
      await part.close();
      const bytes = part.position;
      if (bodyEnd !== null && bytes !== bodyEnd) {
        throw new TransferError(bytes < bodyEnd ? 'network' : 'bad_response', `The server sent ${bytes} of ${bodyEnd} bytes.`);
      }
      if (total !== null && bytes < total) {
        // A server may answer a range with less than asked for; ask for the rest.
        have = bytes;
        known = validators;
        continue;
      }
      const [sha256] = await Promise.all([job.finish(bytes), file.sync()]);
      // The last stretch was written after the last look; what gets renamed must be what was hashed.
      await present();
      return { ...validators, total: total ?? bytes, bytes, sha256, contentType };
    }
  } catch (error) {
    hash?.cancel();
    if (error instanceof TransferError && error.reason === 'vanished' && writer) {
      await writer.idle();
      await salvage(file, options.fs, options.partPath, writer.position);
    }
    throw error;
  } finally {
    await writer?.idle();
    await file.close();
  }
}

const LINK_UNSUPPORTED = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV', 'EMLINK', 'EINVAL']);

/** Makes a rename or link durable: the directory entry itself must reach the disk. */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await openFile(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Windows cannot open or fsync a directory; NTFS journals the rename itself.
  }
}

/**
 * Gives the finished part its final name, never replacing an existing file: a hard link fails with
 * EEXIST instead of overwriting, and is atomic. Where links are unsupported (FAT, some network drives)
 * it falls back to an existence check and a rename. Returns false when the name is taken.
 */
export async function commitPart(partPath: string, finalPath: string): Promise<boolean> {
  try {
    await link(partPath, finalPath);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (code === 'EEXIST') return false;
    if (!LINK_UNSUPPORTED.has(code)) throw error;
    if (existsSync(finalPath)) return false;
    await rename(partPath, finalPath);
    await syncDirectory(dirname(finalPath));
    return true;
  }
  await unlink(partPath);
  await syncDirectory(dirname(finalPath));
  return true;
}
