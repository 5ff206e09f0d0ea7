import type { Download } from '@shared/downloads';
import type { MediaKind, OperationId } from '@shared/catalog';

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
 * What the job engine hands results to. The download manager implements it (tests and benchmarks may
 * record instead). `enqueue` persists the request before it returns, so nothing is lost on a crash.
 */
export interface Downloader {
  /**
   * Idempotent per `outputId` (the existing download is returned), so the engine may enqueue again
   * after its own restart. With the auto-download setting off, the download is recorded `paused` and
   * starts when the user resumes it. Throws `AppError('not_found')` for an `outputId` not in `outputs`.
   */
  enqueue(request: DownloadRequest): Download;
  /** Resolves when the download is completed, failed, expired or canceled (not while paused). */
  whenSettled(id: string): Promise<Download>;
  /** Fires once per completed file; the library adds its item here. */
  onCompleted(listener: (download: Download) => void): () => void;
  /**
   * Fires when a download reaches a settled state (completed, failed, expired, canceled), so the job
   * engine can say on the job whether its results reached the disk. Optional: a recorder need not.
   */
  onSettled?(listener: (download: Download) => void): () => void;
  /** Picks up unfinished downloads after a restart. */
  resume(): void;
  close(): Promise<void>;
}
