import { z } from 'zod';
import { DOWNLOAD_STATUSES, type Download, type DownloadProgress } from '../downloads';
import { event, request } from './define';

const id = z.object({ id: z.string().min(1).max(100) }).strict();

/** What the host can do with a finished file; the browser shell can do none of it. */
export interface DownloadHostCapabilities {
  reveal: boolean;
  open: boolean;
  drag: boolean;
}

export interface DownloadPage {
  downloads: Download[];
  /** Total matching downloads, for the list's scroll height. */
  total: number;
  host: DownloadHostCapabilities;
}

export const downloadsRequests = {
  /** Newest first. */
  'downloads.list': request(
    z
      .object({
        status: z.array(z.enum(DOWNLOAD_STATUSES)).max(DOWNLOAD_STATUSES.length).optional(),
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(1000).default(200),
      })
      .strict(),
  ).returns<DownloadPage>(),
  /** Stops a queued or running download; its `.part` file is kept for a later resume. */
  'downloads.pause': request(id).returns<Download>(),
  /** A paused download goes back into the queue and continues from its `.part` file. */
  'downloads.resume': request(id).returns<Download>(),
  /** Stops a download for good and deletes its `.part` file. A finished file is never touched. */
  'downloads.cancel': request(id).returns<Download>(),
  /** A failed, expired or canceled download is queued again. */
  'downloads.retry': request(id).returns<Download>(),
  'downloads.pauseAll': request(z.object({}).strict()).returns<{ count: number }>(),
  'downloads.resumeAll': request(z.object({}).strict()).returns<{ count: number }>(),
  /**
   * Downloads any http(s) URL on demand into the download folder. With `outputId`, the job output's
   * existing download is queued again instead (it keeps its name and its link to the library).
   */
  'downloads.enqueueUrl': request(
    z
      .object({
        url: z.url({ protocol: /^https?$/ }).max(8192),
        outputId: z.string().min(1).max(100).optional(),
        /** Words for the file name in place of a prompt (the template's `{prompt-slug}`). */
        name: z.string().min(1).max(500).optional(),
      })
      .strict(),
  ).returns<Download>(),
  /** Shows a finished file in the system's file manager (desktop app only). */
  'downloads.reveal': request(id).returns<{ ok: true }>(),
  /** Opens a finished file with its default app (desktop app only). */
  'downloads.open': request(id).returns<{ ok: true }>(),
  /** Starts dragging a finished file out of the window into another app (desktop app only). */
  'downloads.startDrag': request(id).returns<{ ok: true }>(),
} as const;

export const downloadsEvents = {
  /** A download's record changed (status, path, error, total size). */
  'downloads.updated': event<Download>(),
  /** Bytes only; coalesced to at most ~10 per second per download. */
  'downloads.progress': event<DownloadProgress>(),
} as const;
