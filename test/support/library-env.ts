import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Download } from '@shared/downloads';
import type { MediaKind, OperationId, VendorId } from '@shared/catalog';
import { openDatabase, type Database } from '@main/core/db/database';
import { LibraryStore } from '@main/core/library/store';

/** A data directory with a real SQLite file, a media folder and a fake OS trash (a folder we can look in). */
export interface LibraryEnv {
  root: string;
  media: string;
  trash: string;
  db: Database;
  store: LibraryStore;
  /** Writes a file into the media folder (or a sub-path) and returns its path. */
  file(name: string, bytes: Buffer): string;
  close(): void;
}

export function libraryEnv(options: { now?: () => number } = {}): LibraryEnv {
  const root = mkdtempSync(join(tmpdir(), 'promptreel-library-'));
  const media = join(root, 'media');
  const trash = join(root, 'trash');
  mkdirSync(media);
  mkdirSync(trash);
  const db = openDatabase(join(root, 'data', 'promptreel.db'));
  const store = new LibraryStore(db, {
    dataDir: join(root, 'data'),
    trashFile: (path) => {
      renameSync(path, join(trash, basename(path)));
      return Promise.resolve();
    },
    ...(options.now ? { now: options.now } : {}),
  });
  return {
    root,
    media,
    trash,
    db,
    store,
    file: (name, bytes) => {
      const path = join(media, name);
      mkdirSync(join(path, '..'), { recursive: true });
      writeFileSync(path, bytes);
      return path;
    },
    close: () => {
      db.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export function insertJob(
  db: Database,
  job: { id: string; operation: OperationId; vendor: VendorId; params: Record<string, unknown>; parentItemId?: string | null; createdAt?: number },
): void {
  db.prepare(
    `INSERT INTO jobs (id, operation, vendor, status, params, parent_item_id, created_at, updated_at, finished_at)
     VALUES (?, ?, ?, 'succeeded', ?, ?, ?, ?, ?)`,
  ).run(job.id, job.operation, job.vendor, JSON.stringify(job.params), job.parentItemId ?? null, job.createdAt ?? 1, job.createdAt ?? 1, job.createdAt ?? 1);
}

export function insertOutput(db: Database, output: { id: string; jobId: string; kind: MediaKind; url: string; expiresAt: number | null; index?: number }): void {
  db.prepare(`INSERT INTO outputs (id, job_id, idx, status, progress, kind, url, expires_at) VALUES (?, ?, ?, 'succeeded', 1, ?, ?, ?)`).run(
    output.id,
    output.jobId,
    output.index ?? 0,
    output.kind,
    output.url,
    output.expiresAt,
  );
}

/** The record the download manager hands to `onCompleted` listeners. */
export function completedDownload(fields: Partial<Download> & Pick<Download, 'id' | 'path' | 'url'>): Download {
  return {
    outputId: null,
    jobId: null,
    status: 'completed',
    bytesTotal: null,
    bytesDone: 0,
    sha256: null,
    contentType: null,
    expiresAt: null,
    error: null,
    createdAt: 1,
    updatedAt: 1,
    finishedAt: null,
    ...fields,
  };
}
