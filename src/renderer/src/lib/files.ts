import type { TFunction } from 'i18next';
import { MAX_VIDEO_BYTES } from '@shared/files';
import { formatBytes } from '@shared/format';
import { SNIFF_BYTES, sniffVideo, type SniffedVideo } from '@shared/sniff';
import { call } from './ipc';

/**
 * A local video given to a job: a file the user just chose or dropped, or a path main already knows
 * (a job being duplicated keeps its staged input).
 */
export type SourceFile = { kind: 'file'; file: File } | { kind: 'path'; path: string; name: string };

export function sourceName(source: SourceFile): string {
  return source.kind === 'file' ? source.file.name : source.name;
}

export type VideoCheck =
  | { ok: true; video: SniffedVideo }
  | { ok: false; reason: 'too_large'; size: number }
  | { ok: false; reason: 'empty' | 'unreadable' | 'not_video' };

/**
 * Whether a file is a video the app takes, from its size and first bytes only, so a huge or wrong
 * file is refused before anything is read in full or sent anywhere.
 */
export async function checkVideoFile(file: Blob): Promise<VideoCheck> {
  if (file.size > MAX_VIDEO_BYTES) return { ok: false, reason: 'too_large', size: file.size };
  if (file.size === 0) return { ok: false, reason: 'empty' };
  let head: Uint8Array;
  try {
    head = new Uint8Array(await file.slice(0, SNIFF_BYTES).arrayBuffer());
  } catch {
    // A file the OS will not let us read (a folder, a vanished file, a permission problem).
    return { ok: false, reason: 'unreadable' };
  }
  const video = sniffVideo(head);
  return video ? { ok: true, video } : { ok: false, reason: 'not_video' };
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  // fromCharCode takes arguments on the stack; 32 KiB at a time stays well inside its limit.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** Sends a file to main in bounded frames (`files.stage*`) and returns the path main stored it at. */
export async function stageFile(file: File, onProgress?: (fraction: number) => void): Promise<string> {
  const { uploadId, chunkBytes } = await call('files.stage', { name: file.name.slice(0, 255) || 'video', size: file.size });
  try {
    for (let offset = 0; offset < file.size; offset += chunkBytes) {
      const bytes = new Uint8Array(await file.slice(offset, offset + chunkBytes).arrayBuffer());
      await call('files.stageChunk', { uploadId, offset, data: toBase64(bytes) });
      onProgress?.(Math.min(1, (offset + bytes.length) / file.size));
    }
    return (await call('files.stageCommit', { uploadId })).path;
  } catch (error) {
    await call('files.stageAbort', { uploadId }).catch(() => undefined);
    throw error;
  }
}

/**
 * The path `jobs.submit.file` takes: the file's own path where the host can name it (Electron), else a
 * staged copy (the browser shell cannot see local paths).
 */
export async function pathForSource(source: SourceFile, onProgress?: (fraction: number) => void): Promise<string> {
  if (source.kind === 'path') return source.path;
  const direct = window.api.getPathForFile?.(source.file);
  if (direct) return direct;
  return stageFile(source.file, onProgress);
}

type Rejection = Exclude<VideoCheck, { ok: true }>;

/** Why a file was refused, naming it and, for size, the cap: the same words in the drop zone and the compose form. */
export function rejectionMessage(rejection: Rejection, name: string, t: TFunction<'drop'>): string {
  return t(`rejected.${rejection.reason}`, {
    name,
    size: rejection.reason === 'too_large' ? formatBytes(rejection.size) : '',
    max: formatBytes(MAX_VIDEO_BYTES),
  });
}
