import { z } from 'zod';
import { MAX_VIDEO_BYTES, STAGE_CHUNK_BYTES } from '../files';
import { formatBytes } from '../format';
import { request } from './define';

const uploadId = z.uuid();

export interface StagedFile {
  /** Absolute path under `<dataDir>/staging/`, to pass as `jobs.submit.file`. */
  path: string;
  size: number;
  mime: string;
}

/**
 * Staging moves a local file from a renderer that cannot name its path (the browser shell) into main:
 * `files.stage` opens an upload, `files.stageChunk` appends bounded base64 frames in order,
 * `files.stageCommit` checks and names the file, `files.stageAbort` drops it. In Electron the preload's
 * `getPathForFile` makes all of this unnecessary.
 */
export const filesRequests = {
  'files.stage': request(
    z
      .object({
        /** The user's file name, for logs and the extension check only; never used as a path. */
        name: z.string().min(1).max(255),
        size: z
          .number()
          .int()
          .min(1, 'The file is empty.')
          .max(MAX_VIDEO_BYTES, `The file is larger than the ${formatBytes(MAX_VIDEO_BYTES)} limit.`),
      })
      .strict(),
  ).returns<{ uploadId: string; chunkBytes: number }>(),
  'files.stageChunk': request(
    z
      .object({
        uploadId,
        /** Where this frame starts; frames must arrive in order. */
        offset: z.number().int().min(0).max(MAX_VIDEO_BYTES),
        data: z.base64().max(Math.ceil(STAGE_CHUNK_BYTES / 3) * 4),
      })
      .strict(),
  ).returns<{ received: number }>(),
  'files.stageCommit': request(z.object({ uploadId }).strict()).returns<StagedFile>(),
  'files.stageAbort': request(z.object({ uploadId }).strict()).returns<{ aborted: boolean }>(),
} as const;
