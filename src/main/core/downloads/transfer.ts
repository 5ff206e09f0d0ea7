import { createHash, type Hash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { link, open as openFile, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { request, type Dispatcher } from 'undici';

/**
 * One HTTP transfer into a `.part` file: streamed (never the whole file in memory), resumed with
 * `Range`/`If-Range` from whatever the `.part` already holds, hashed while writing, length-checked and
 * fsynced. `commitPart` then moves it to its final name without ever replacing a file.
 *
 * The `.part` file itself is the source of truth for a resume: its size is where we continue, and its
 * bytes are hashed again at the start of each attempt. That costs a read of the part after a cut, but it
 * stays right after a crash, a kill -9 or a failed write, where any remembered state could lie.
 */

/** The few file operations a transfer needs; tests swap in one that fails like a full disk. */
export interface PartFile {
  writev(buffers: readonly NodeJS.ArrayBufferView[], position: number): Promise<{ bytesWritten: number }>;
  read(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
  stat(): Promise<{ size: number }>;
  truncate(length: number): Promise<void>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

export interface TransferFs {
  /** `r+` to continue an existing part, `w+` to create one. */
  open(path: string, flags: 'r+' | 'w+'): Promise<PartFile>;
}

export const nodeTransferFs: TransferFs = { open: (path, flags) => openFile(path, flags) };

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
  | 'aborted'
  | 'internal';

export class TransferError extends Error {
  readonly reason: TransferFailure;
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(reason: TransferFailure, message: string, details: { status?: number; code?: string; retryAfterMs?: number; cause?: unknown } = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'TransferError';
    this.reason = reason;
    this.status = details.status;
    this.code = details.code;
    this.retryAfterMs = details.retryAfterMs;
  }

  get retryable(): boolean {
    return this.reason === 'network' || this.reason === 'server';
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

/** Anything thrown during a transfer, as one of our failure reasons. */
export function classifyError(error: unknown, signal: AbortSignal): TransferError {
  if (signal.aborted) return new TransferError('aborted', 'The transfer was stopped.', { cause: error });
  if (error instanceof TransferError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (typeof code === 'string') {
    if (DISK_CODES.has(code)) return new TransferError('disk', message, { code, cause: error });
    if (NETWORK_CODES.has(code) || code.startsWith('UND_ERR')) return new TransferError('network', message, { code, cause: error });
  }
  return new TransferError('internal', message, { cause: error });
}

const WRITE_HIGH_WATER_MARK = 1024 * 1024;

/**
 * Writes each batch of received chunks with one positional writev, and hashes a chunk only once it is
 * on disk, so the digest always describes exactly the part's bytes. While a write is in flight the
 * socket keeps filling the next batch (up to the high-water mark, then backpressure pauses it).
 */
class PartWriter extends Writable {
  position: number;
  private inflight: Promise<void> = Promise.resolve();

  constructor(
    private readonly file: PartFile,
    start: number,
    private readonly hash: Hash,
    private readonly limit: number,
    private readonly onWritten: (position: number) => void,
  ) {
    super({ highWaterMark: WRITE_HIGH_WATER_MARK });
    this.position = start;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.run([chunk], callback);
  }

  override _writev(chunks: { chunk: Buffer }[], callback: (error?: Error | null) => void): void {
    this.run(
      chunks.map((c) => c.chunk),
      callback,
    );
  }

  /** Resolves once no write is in flight, so the file can be closed safely after an error. */
  idle(): Promise<void> {
    return this.inflight;
  }

  private run(buffers: Buffer[], callback: (error?: Error | null) => void): void {
    this.inflight = this.persist(buffers).then(
      () => callback(),
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
    );
  }

  private async persist(buffers: Buffer[]): Promise<void> {
    const length = buffers.reduce((sum, b) => sum + b.length, 0);
    if (this.position + length > this.limit) {
      throw new TransferError('too_large', `The file is larger than the size cap of ${formatBytes(this.limit)}.`);
    }
    let written = 0;
    while (written < length) {
      const pending = written === 0 ? buffers : [Buffer.concat(buffers).subarray(written)];
      const { bytesWritten } = await this.file.writev(pending, this.position + written);
      if (bytesWritten <= 0) throw new TransferError('disk', 'The disk accepted no more bytes.', { code: 'EIO' });
      written += bytesWritten;
    }
    for (const buffer of buffers) this.hash.update(buffer);
    this.position += length;
    this.onWritten(this.position);
  }
}

export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(1)} ${units[unit] ?? ''}`;
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

async function get(options: TransferOptions, headers: Record<string, string>): Promise<Dispatcher.ResponseData> {
  let current = new URL(options.url);
  for (let hop = 0; ; hop++) {
    const response = await request(current, { method: 'GET', headers, signal: options.signal, dispatcher: options.dispatcher });
    if (!REDIRECT_STATUSES.has(response.statusCode)) return response;
    await response.body.dump();
    const location = header(response.headers, 'location');
    if (!location) throw new TransferError('bad_response', `HTTP ${response.statusCode} redirect without a Location.`, { status: response.statusCode });
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

/** sha256 of the part's first `length` bytes, read in 1 MiB blocks. */
async function hashPrefix(file: PartFile, length: number): Promise<Hash> {
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(Math.min(length, 1024 * 1024) || 1);
  for (let position = 0; position < length; ) {
    const { bytesRead } = await file.read(buffer, 0, Math.min(buffer.length, length - position), position);
    if (bytesRead === 0) throw new TransferError('internal', 'The .part file shrank while it was being read.');
    hash.update(buffer.subarray(0, bytesRead));
    position += bytesRead;
  }
  return hash;
}

async function openPart(fs: TransferFs, path: string): Promise<PartFile> {
  try {
    return await fs.open(path, 'r+');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return fs.open(path, 'w+');
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
    throw classifyError(error, options.signal);
  }
}

async function attempt(options: TransferOptions): Promise<TransferResult> {
  const file = await openPart(options.fs, options.partPath);
  let writer: PartWriter | undefined;
  try {
    let known = options.validators;
    let have = (await file.stat()).size;
    if (known.total !== null && have > known.total) {
      await file.truncate(0);
      have = 0;
    }
    if (known.total !== null && have === known.total && have > 0) {
      // A crash after the last byte but before the rename: nothing left to fetch.
      const hash = await hashPrefix(file, have);
      await file.sync();
      return { ...known, bytes: have, sha256: hash.digest('hex'), contentType: null };
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
      const status = response.statusCode;
      const h = response.headers;
      const etag = header(h, 'etag');
      const lastModified = header(h, 'last-modified');
      const contentType = header(h, 'content-type');
      const contentLength = parseLength(header(h, 'content-length'));

      if (status === 403 || status === 404 || status === 410) {
        await response.body.dump();
        throw new TransferError('gone', `The server refused the link (HTTP ${status}).`, { status });
      }
      if (status === 408 || status === 425 || status === 429 || status >= 500) {
        await response.body.dump();
        const retryAfterMs = parseRetryAfter(header(h, 'retry-after'));
        throw new TransferError('server', `The server answered HTTP ${status}.`, { status, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });
      }
      if (status === 416) {
        await response.body.dump();
        await startOver('The server answered HTTP 416 to a plain download.');
        continue;
      }
      if (status !== 200 && status !== 206) {
        await response.body.dump();
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
          await response.body.dump();
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
        await response.body.dump({ limit: 0 }).catch(() => undefined);
        throw new TransferError('too_large', `The file is ${formatBytes(total)}, more than the size cap of ${formatBytes(options.sizeCapBytes)}.`);
      }
      const validators: Validators = { etag, lastModified, total };
      options.onResponse({ ...validators, contentType, resumedFrom: start });

      const hash = start > 0 ? await hashPrefix(file, start) : createHash('sha256');
      writer = new PartWriter(file, start, hash, options.sizeCapBytes, (position) => options.onProgress(position));
      await pipeline(response.body, writer);
      const bytes = writer.position;
      if (bodyEnd !== null && bytes !== bodyEnd) {
        throw new TransferError(bytes < bodyEnd ? 'network' : 'bad_response', `The server sent ${bytes} of ${bodyEnd} bytes.`);
      }
      if (total !== null && bytes < total) {
        // A server may answer a range with less than asked for; ask for the rest.
        have = bytes;
        known = validators;
        continue;
      }
      await file.sync();
      return { ...validators, total: total ?? bytes, bytes, sha256: hash.digest('hex'), contentType };
    }
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
