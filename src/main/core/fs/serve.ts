import { lstat, open, realpath, type FileHandle } from 'node:fs/promises';
import { isAbsolute, normalize, relative, sep } from 'node:path';
import { Readable } from 'node:stream';
import { SERVED_SNIFF_BYTES, servedMediaHeaders } from '../library/served-media';
import { READ_NO_FOLLOW } from './owned';

/**
 * The one way a local file reaches a media route (the desktop app's `promptreel-media://` protocol and
 * the browser shell's `/media/`). A path in the database is only a claim: since it was recorded, the
 * file may have been replaced by a symbolic link to `/etc/shadow` or `~/.ssh/id_ed25519`. So a file is
 * served only if it is a regular file, not a link, inside the folder it belongs to once every link is
 * resolved, and the file then opened (without following a link) is the very file that was checked.
 */

/** What a media URL stands for: the file and the folder it must stay inside. */
export interface MediaTarget {
  path: string;
  /** The type on record; the type served is the one the file's own bytes show (`servedMediaHeaders`). */
  mime: string;
  root: string;
}

export interface ServedFile {
  handle: FileHandle;
  size: number;
}

function inside(root: string, file: string): boolean {
  const rel = relative(root, file);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
}

/** Opens the file behind a media URL for reading; undefined when it must not be (or cannot be) served. */
export async function openServedFile(target: MediaTarget): Promise<ServedFile | undefined> {
  if (!isAbsolute(target.path) || !isAbsolute(target.root)) return undefined;
  const path = normalize(target.path);
  const checked = await lstat(path).catch(() => undefined);
  if (!checked?.isFile()) return undefined;
  const [realFile, realRoot] = await Promise.all([realpath(path).catch(() => undefined), realpath(normalize(target.root)).catch(() => undefined)]);
  if (!realFile || !realRoot || !inside(realRoot, realFile)) return undefined;
  const handle = await open(path, READ_NO_FOLLOW).catch(() => undefined);
  if (!handle) return undefined;
  const opened = await handle.stat().catch(() => undefined);
  // Swapped between the check and the open: not the file that was checked.
  if (!opened?.isFile() || opened.dev !== checked.dev || opened.ino !== checked.ino) {
    await handle.close().catch(() => undefined);
    return undefined;
  }
  return { handle, size: opened.size };
}

/**
 * One `bytes=` range of a file of `size` bytes; null when there is none (or several, which we answer
 * with the whole file, as RFC 9110 allows).
 */
export function byteRange(header: string | null | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | null {
  const match = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!match) return null;
  const [, first = '', last = ''] = match;
  if (!first && !last) return null;
  let start: number;
  let end: number;
  if (!first) {
    start = Math.max(0, size - Number(last));
    end = size - 1;
  } else {
    start = Number(first);
    end = last ? Math.min(Number(last), size - 1) : size - 1;
  }
  return start > end || start >= size ? 'unsatisfiable' : { start, end };
}

export interface MediaReply {
  status: number;
  headers: Record<string, string>;
  /** Null for HEAD, errors and empty files; the stream closes the file when it ends or is destroyed. */
  body: Readable | null;
}

const NOT_FOUND: MediaReply = { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: null };

/** The answer to a GET or HEAD for a media URL, with single-range support for seeking. */
export async function mediaReply(target: MediaTarget | undefined, request: { method: string; range: string | null | undefined }): Promise<MediaReply> {
  const file = target && (await openServedFile(target));
  if (!file) return NOT_FOUND;
  const { size } = file;
  const head = Buffer.alloc(SERVED_SNIFF_BYTES);
  const { bytesRead } = await file.handle.read(head, 0, head.length, 0).catch(async (error: unknown) => {
    await file.handle.close();
    throw error;
  });
  const headers: Record<string, string> = {
    // The type the opened file's bytes show, never its name's or a remote server's.
    ...servedMediaHeaders(head.subarray(0, bytesRead)),
    'accept-ranges': 'bytes',
    'cache-control': 'no-cache',
  };
  const range = byteRange(request.range, size);
  if (range === 'unsatisfiable') {
    await file.handle.close();
    return { status: 416, headers: { ...headers, 'content-range': `bytes */${size}` }, body: null };
  }
  const { start, end } = range ?? { start: 0, end: size - 1 };
  headers['content-length'] = String(Math.max(0, end - start + 1));
  if (range) headers['content-range'] = `bytes ${start}-${end}/${size}`;
  const status = range ? 206 : 200;
  if (request.method === 'HEAD' || size === 0) {
    await file.handle.close();
    return { status, headers, body: null };
  }
  return { status, headers, body: file.handle.createReadStream({ start, end }) };
}

/** The same answer as a fetch `Response`, for Electron's protocol handler. */
export async function mediaResponse(target: MediaTarget | undefined, request: Request): Promise<Response> {
  const reply = await mediaReply(target, { method: request.method, range: request.headers.get('range') });
  const body = reply.body ? (Readable.toWeb(reply.body) as ReadableStream<Uint8Array>) : null;
  return new Response(body, { status: reply.status, headers: reply.headers });
}
