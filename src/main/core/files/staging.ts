import { randomUUID } from 'node:crypto';
import { lstatSync } from 'node:fs';
import { lstat, mkdir, open, readdir, rename, rm, type FileHandle } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
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
  /** Whether `path` names a file this staging committed (`<dir>/<uuid>.<ext>`), whether or not it still exists. */
  owns(path: string): boolean;
  /** Whether `path` is a committed staged file that is there now: a regular file, not a link. */
  isStaged(path: string): boolean;
  /** Deletes a committed staged file the jobs no longer need; anything else is left alone. */
  release(path: string): Promise<void>;
  /**
   * Deletes staged files nothing needs: committed ones `inUse` says no unfinished job needs (those no
   * job names only once older than `orphanAgeMs`, as a page may be about to submit one), and partial
   * uploads older than that. Returns how many were deleted.
   */
  sweep(inUse: (path: string) => 'needed' | 'done' | 'unknown', orphanAgeMs: number): Promise<number>;
  close(): Promise<void>;
}

/** `<uuid>.<ext>`: the only names a committed staged file has. */
const STAGED_NAME = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.[a-z0-9]{2,4}$/;
const PART_NAME = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.part$/;

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

  const owns = (path: string): boolean => {
    const full = resolve(path);
    return dirname(full) === resolve(dir) && STAGED_NAME.test(full.slice(resolve(dir).length + 1));
  };

  return {
    handlers,
    dir,
    owns,
    isStaged: (path) => {
      if (!owns(path)) return false;
      try {
        return lstatSync(path).isFile();
      } catch {
        return false;
      }
    },
    release: async (path) => {
      if (!owns(path) || !(await lstat(path).then(() => true, () => false))) return;
      try {
        await rm(resolve(path), { force: true });
        log.info('staging: staged file deleted, no job needs it any more', { file: resolve(path).slice(resolve(dir).length + 1) });
      } catch (error) {
        // Windows refuses while an upload still reads it; the sweep at the next start gets it.
        log.warn('staging: a staged file could not be deleted yet', { error });
      }
    },
    sweep: async (inUse, orphanAgeMs) => {
      const names = await readdir(dir).catch(() => [] as string[]);
      const open = new Set([...uploads.values()].map((u) => u.partPath));
      let deleted = 0;
      for (const name of names) {
        const path = join(dir, name);
        const committed = STAGED_NAME.test(name);
        if ((!committed && !PART_NAME.test(name)) || open.has(path)) continue;
        const info = await lstat(path).catch(() => null);
        if (!info?.isFile()) continue;
        const old = now() - info.mtimeMs > orphanAgeMs;
        const use = committed ? inUse(path) : 'unknown';
        if (use === 'needed' || (use === 'unknown' && !old)) continue;
        await rm(path, { force: true }).then(
          () => deleted++,
          (error: unknown) => log.warn('staging: a staged file could not be deleted', { error }),
        );
      }
      if (deleted > 0) log.info('staging: swept staged files no job needs', { deleted });
      return deleted;
    },
    close: async () => {
      for (const upload of [...uploads.values()]) await drop(upload);
    },
  };
}
