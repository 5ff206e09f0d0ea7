import type { Download } from '@shared/downloads';
import type { MediaKind, OperationId } from '@shared/operations';

export interface DownloadRequest {
  url: string;
  /** Folder the file goes into (the library folder unless the user or `--out` says otherwise). */
  destDir: string;
  outputId?: string | null;
  jobId?: string | null;
  expiresAt?: number | null;
  /** What the file-name template is filled from. */
  naming: { operation: OperationId | null; prompt: string; index: number; kind: MediaKind | null; createdAt: number };
}

/**
 * What the job engine hands results to. The download manager implements it; until then a plain
 * streamed writer can. `enqueue` persists the request before it returns, so nothing is lost on a crash.
 */
export interface Downloader {
  enqueue(request: DownloadRequest): Download;
  /** Resolves when the download is completed, failed, expired or canceled. */
  whenSettled(id: string): Promise<Download>;
  /** Fires once per completed file; the library adds its item here. */
  onCompleted(listener: (download: Download) => void): () => void;
  /** Picks up unfinished downloads after a restart. */
  resume(): void;
  close(): Promise<void>;
}
