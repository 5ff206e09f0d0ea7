import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { MAX_VIDEO_BYTES } from '@shared/files';
import { formatIssue, localVideoOperation, toErrorIssue, type IssueCode, type IssueParams } from '@shared/catalog';
import { SNIFF_BYTES, sniffVideo, type VideoContainer } from '@shared/sniff';
import { readHead } from '../fs/head';
import { VendorError } from './types';

/** The app's one upload cap (a guess, explained where it is defined). */
export const DEFAULT_MAX_UPLOAD_BYTES = MAX_VIDEO_BYTES;

/**
 * File bytes per base64 string sent. A multiple of 3, so every piece encodes on its own with no padding
 * inside the value. Measured (bench/upload.ts, Node 24): 72 KiB gives 96 KiB strings, which V8 allocates
 * in its young generation and frees in the next scavenge. At 96 KiB of file the string reaches 128 KiB and
 * lands in large-object space, which made encoding about four times slower; buffers or strings of
 * 768 KiB and more are external memory, freed so late that RSS grew by 80-90 MB during an upload.
 */
export const UPLOAD_CHUNK_BYTES = 3 * 24 * 1024;

/** File bytes per disk read: whole chunks, so reads are few (about 3 MB each) and chunks never straddle two. */
const READ_BYTES = 42 * UPLOAD_CHUNK_BYTES;

/**
 * Read buffers are reused across uploads: a fresh pair per upload would be 6 MB of garbage that V8 frees
 * only at a full collection, so RSS would climb with every upload until then.
 */
const spareBuffers: Buffer[] = [];
const takeBuffer = (): Buffer => spareBuffers.pop() ?? Buffer.allocUnsafeSlow(READ_BYTES);
const giveBack = (buffer: Buffer): void => {
  if (spareBuffers.length < 4) spareBuffers.push(buffer);
};

/** Progress is reported at most once per this many file bytes (and at the end). */
const PROGRESS_STEP = 1024 * 1024;

type FileIssueCode = Extract<IssueCode, `file_${string}`>;

export interface VideoFile {
  path: string;
  size: number;
  container: VideoContainer;
}

/** A refusal of the local file, coded so that each host words it in its user's language. */
function refuse(code: FileIssueCode, params: IssueParams): VendorError {
  const issue = { path: 'file', code, params };
  const spec = localVideoOperation();
  return new VendorError('validation', formatIssue(spec, issue, 'en'), { delivery: 'not_sent', issues: [toErrorIssue(spec, issue)] });
}

/** Checks a local file before anything is sent: it exists, is a video by its content, and is not too large. */
export async function inspectVideoFile(path: string, maxBytes: number = DEFAULT_MAX_UPLOAD_BYTES): Promise<VideoFile> {
  const name = basename(path);
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw refuse('file_not_regular', { file: name });
    size = info.size;
  } catch (error) {
    if (error instanceof VendorError) throw error;
    throw refuse('file_unreadable', { file: path, reason: (error as NodeJS.ErrnoException).code ?? 'error' });
  }
  if (size === 0) throw refuse('file_empty', { file: name });
  if (size > maxBytes) throw refuse('file_too_big', { file: name, size, max: maxBytes });
  const container = sniffVideo(await readHead(path, Math.min(SNIFF_BYTES, size)))?.container;
  if (!container) throw refuse('file_not_video', { file: name });
  return { path, size, container };
}

export function base64Length(bytes: number): number {
  return 4 * Math.ceil(bytes / 3);
}

export interface JsonUpload {
  /**
   * The body as text chunks, pulled by the HTTP client as the socket drains. Strings go to the socket
   * without an intermediate Buffer copy.
   */
  body: AsyncGenerator<string>;
  /** Exact byte length of the body, for Content-Length: a streamed upload is never sent chunked. */
  length: number;
  /** Set when reading the file failed mid-way (it shrank or vanished); the request was cut short with it. */
  failure(): Error | null;
}

/**
 * A JSON object whose last field, `field`, is the file as base64, produced while it is sent: the JSON
 * before the value, the file encoded chunk by chunk, then the closing quote and brace. Neither the file
 * nor its base64 is ever held whole; the body is pulled by the socket, so memory stays at a few chunks
 * whatever the file's size. The next chunk is read from disk while the current one is on the wire.
 */
export function jsonWithFileField(
  fields: Record<string, unknown>,
  field: string,
  file: Pick<VideoFile, 'path' | 'size'>,
  onProgress?: (sentBytes: number, totalBytes: number) => void,
): JsonUpload {
  const opening = JSON.stringify(fields);
  const prefix = `${opening.slice(0, -1)}${opening === '{}' ? '' : ','}${JSON.stringify(field)}:"`;
  const suffix = '"}';
  let failure: Error | null = null;
  const name = basename(file.path);

  async function* encode(): AsyncGenerator<string> {
    yield prefix;
    const handle = await open(file.path, 'r');
    let [current, spare] = [takeBuffer(), takeBuffer()];
    let pending: Promise<number> | null = null;
    try {
      const fill = async (buffer: Buffer, position: number): Promise<number> => {
        const want = Math.min(buffer.length, file.size - position);
        let filled = 0;
        while (filled < want) {
          const { bytesRead } = await handle.read(buffer, filled, want - filled, position + filled);
          if (bytesRead === 0) throw new Error(`${name} got shorter while it was being sent.`);
          filled += bytesRead;
        }
        return filled;
      };
      // A read ahead may fail while this generator waits at a `yield`; it is awaited (and thrown) on
      // resuming, so mark it handled now rather than let it surface as an unhandled rejection.
      const start = (buffer: Buffer, position: number): Promise<number> => {
        const read = fill(buffer, position);
        read.catch(() => undefined);
        return read;
      };
      let position = 0;
      let reported = 0;
      pending = start(current, 0);
      while (pending) {
        const filled = await pending;
        position += filled;
        // Read ahead into the spare buffer while this one is encoded and sent.
        pending = position < file.size ? start(spare, position) : null;
        for (let offset = 0; offset < filled; offset += UPLOAD_CHUNK_BYTES) {
          // Every piece but the file's last is a multiple of 3 bytes, so the pieces join into one valid value.
          yield current.toString('base64', offset, Math.min(offset + UPLOAD_CHUNK_BYTES, filled));
        }
        [current, spare] = [spare, current];
        if (onProgress && (position - reported >= PROGRESS_STEP || position === file.size)) {
          reported = position;
          onProgress(position, file.size);
        }
      }
      if ((await handle.stat()).size !== file.size) throw new Error(`${name} changed while it was being sent.`);
    } catch (error) {
      failure = error as Error;
      throw error;
    } finally {
      // A read still in flight (the upload was aborted) must land before its buffer can be reused.
      await pending?.catch(() => 0);
      await handle.close();
      giveBack(current);
      giveBack(spare);
    }
    yield suffix;
  }

  return {
    body: encode(),
    length: Buffer.byteLength(prefix) + base64Length(file.size) + suffix.length,
    failure: () => failure,
  };
}
