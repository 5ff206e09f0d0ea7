import { randomUUID } from 'node:crypto';
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '@shared/errors';
import { STAGE_CHUNK_BYTES } from '@shared/files';
import { SNIFF_BYTES, sniffVideo, type SniffedVideo } from '@shared/sniff';
import type { HandlersFor } from '../ipc/dispatcher';
import type { Logger } from '../log';

type StagingRequests = 'files.stage' | 'files.stageChunk' | 'files.stageCommit' | 'files.stageAbort';

interface Upload {
  id: string;
  name: string;
  size: number;
  received: number;
  partPath: string;
  handle: FileHandle;
  sniffed: SniffedVideo | undefined;
  /** The head, kept until SNIFF_BYTES have arrived so sniffing never depends on frame boundaries. */
  head: Buffer;
  touchedAt: number;
  /** Frames of one upload are written one after another even if the renderer overlaps them. */
  busy: Promise<unknown>;
}

export interface StagingOptions {
  dataDir: string;
  log: Logger;
  /** An upload with no frame for this long is dropped with its partial file. */
  idleMs?: number;
  /** Uploads open at once; a renderer cannot pin unbounded file handles. */
  maxOpen?: number;
  now?: () => number;
}

export interface Staging {
  handlers: HandlersFor<StagingRequests>;
  /** The folder staged files live in; the engine may accept `jobs.submit.file` paths from here. */
  dir: string;
  close(): Promise<void>;
}

/**
 * Receives files from a renderer that cannot name a local path (the browser shell) and writes them to
 * `<dataDir>/staging/<uuid>.<ext>`. Only videos pass: the first bytes are sniffed as soon as they
 * arrive, and a file that is not one is refused and removed at once. A partial file is never visible
 * under its final name.
 */
export function createStaging(options: StagingOptions): Staging {
  const dir = join(options.dataDir, 'staging');
  const idleMs = options.idleMs ?? 10 * 60_000;
  const maxOpen = options.maxOpen ?? 4;
  const now = options.now ?? Date.now;
  const log = options.log.child('staging');
  const uploads = new Map<string, Upload>();

  const drop = async (upload: Upload): Promise<void> => {
    uploads.delete(upload.id);
    await upload.handle.close().catch(() => undefined);
    await rm(upload.partPath, { force: true });
  };

  const sweep = async (): Promise<void> => {
    const cutoff = now() - idleMs;
    for (const upload of [...uploads.values()]) {
      if (upload.touchedAt < cutoff) {
        log.info('staging: idle upload dropped', { uploadId: upload.id });
        await drop(upload);
      }
    }
  };

  const find = (uploadId: string): Upload => {
    const upload = uploads.get(uploadId);
    if (!upload) throw new AppError('not_found', 'This upload is unknown or was dropped after being idle; choose the file again.');
    return upload;
  };

  /** Runs one step of an upload after the previous one; a failed step drops the upload. */
  const step = <T>(upload: Upload, fn: () => Promise<T>): Promise<T> => {
    const run = upload.busy.then(fn);
    upload.busy = run.catch(() => undefined);
    return run.catch(async (error: unknown) => {
      if (uploads.has(upload.id)) await drop(upload);
      throw error;
    });
  };

  const handlers: HandlersFor<StagingRequests> = {
    'files.stage': async ({ name, size }) => {
      await sweep();
      if (uploads.size >= maxOpen) {
        throw new AppError('conflict', `Too many files are being added at once (at most ${maxOpen}); wait for one to finish.`);
      }
      await mkdir(dir, { recursive: true });
      const id = randomUUID();
      const partPath = join(dir, `${id}.part`);
      const handle = await open(partPath, 'wx');
      uploads.set(id, { id, name, size, received: 0, partPath, handle, sniffed: undefined, head: Buffer.alloc(0), touchedAt: now(), busy: Promise.resolve() });
      log.info('staging: upload opened', { uploadId: id, size });
      return { uploadId: id, chunkBytes: STAGE_CHUNK_BYTES };
    },

    'files.stageChunk': async ({ uploadId, offset, data }) => {
      const upload = find(uploadId);
      return step(upload, async () => {
        const bytes = Buffer.from(data, 'base64');
        if (offset !== upload.received) {
          throw new AppError('invalid_input', `Frames must arrive in order: expected offset ${upload.received}, got ${offset}.`);
        }
        if (bytes.length === 0 || bytes.length > STAGE_CHUNK_BYTES) {
          throw new AppError('invalid_input', `A frame must carry 1 to ${STAGE_CHUNK_BYTES} bytes.`);
        }
        if (upload.received + bytes.length > upload.size) {
          throw new AppError('invalid_input', `The file is longer than the ${upload.size} bytes announced.`);
        }
        if (!upload.sniffed) {
          upload.head = Buffer.concat([upload.head, bytes.subarray(0, SNIFF_BYTES - upload.head.length)]);
          if (upload.head.length >= Math.min(SNIFF_BYTES, upload.size)) {
            upload.sniffed = sniffVideo(upload.head);
            if (!upload.sniffed) {
              throw new AppError('invalid_input', `“${upload.name}” is not a video (MP4, MOV, WebM, MKV or AVI); nothing was kept.`);
            }
          }
        }
        await upload.handle.write(bytes, 0, bytes.length, offset);
        upload.received += bytes.length;
        upload.touchedAt = now();
        return { received: upload.received };
      });
    },

    'files.stageCommit': async ({ uploadId }) => {
      const upload = find(uploadId);
      return step(upload, async () => {
        if (upload.received !== upload.size) {
          throw new AppError('invalid_input', `The upload is incomplete: ${upload.received} of ${upload.size} bytes arrived.`);
        }
        const sniffed = upload.sniffed ?? sniffVideo(upload.head);
        if (!sniffed) throw new AppError('invalid_input', `“${upload.name}” is not a video; nothing was kept.`);
        await upload.handle.sync();
        await upload.handle.close();
        const path = join(dir, `${upload.id}.${sniffed.ext}`);
        await rename(upload.partPath, path);
        uploads.delete(upload.id);
        log.info('staging: file staged', { uploadId: upload.id, size: upload.size, container: sniffed.container });
        return { path, size: upload.size, mime: sniffed.mime };
      });
    },

    'files.stageAbort': async ({ uploadId }) => {
      const upload = uploads.get(uploadId);
      if (!upload) return { aborted: false };
      await step(upload, () => drop(upload));
      return { aborted: true };
    },
  };

  return {
    handlers,
    dir,
    close: async () => {
      for (const upload of [...uploads.values()]) await drop(upload);
    },
  };
}
