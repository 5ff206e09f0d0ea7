import type { ErrorInfo } from './errors';

export const DOWNLOAD_STATUSES = ['queued', 'active', 'paused', 'completed', 'failed', 'expired', 'canceled'] as const;
export type DownloadStatus = (typeof DOWNLOAD_STATUSES)[number];

/** Settled states: nothing more happens without the user. */
export const SETTLED_DOWNLOAD_STATUSES: readonly DownloadStatus[] = ['completed', 'failed', 'expired', 'canceled'];

export interface Download {
  id: string;
  /** The job output this file is for; null for an on-demand download. */
  outputId: string | null;
  jobId: string | null;
  url: string;
  status: DownloadStatus;
  /** Final path once completed (or the planned path while running). */
  path: string | null;
  bytesTotal: number | null;
  bytesDone: number;
  sha256: string | null;
  contentType: string | null;
  /** ms epoch after which the URL is known to stop working. */
  expiresAt: number | null;
  error: ErrorInfo | null;
  createdAt: number;
  updatedAt: number;
  finishedAt: number | null;
}

/** A running download's progress, as the `downloads.progress` event carries it. */
export interface DownloadProgress {
  id: string;
  bytesDone: number;
  bytesTotal: number | null;
  /** Recent throughput in bytes per second (0 while stalled). */
  speedBps: number;
  /** Seconds left at the recent speed; null when the size or the speed is unknown. */
  etaSeconds: number | null;
}
