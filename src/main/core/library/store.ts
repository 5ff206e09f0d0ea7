import { mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { MediaKind } from '@shared/catalog';
import type { Download } from '@shared/downloads';
import { AppError } from '@shared/errors';
import type { ChainOption, ImportResult, LibraryQuery, LibraryUpdate, MissingCheckResult, TagCount } from '@shared/library';
import { transaction, type Database } from '../db/database';
import type { MediaTarget } from '../fs/serve';
import type { Logger } from '../log';
import { exists, type LibraryChange, type LibraryContext } from './context';
import { importFolder } from './import';
import { addFromDownload, completedDownloadsWithoutItem, insertItems, type JobSource, type OutputSource } from './intake';
import { ItemRepo, rowId, toItem, type NewItem, type StoredItem, type StoredSummary } from './item-repo';
import { chainOptions, lineage, linkable, type Lineage, type LinkableSummary } from './lineage';
import { checkItem, checkMissing, relink } from './missing';
import { resolveMedia, setPoster } from './posters';
import { SearchPlanner, type StoredPage } from './search-planner';
import { changeTags, listTags } from './tags';

export type { LibraryChange } from './context';
export type { JobSource, OutputSource } from './intake';
export type { NewItem, StoredItem, StoredSummary } from './item-repo';
export { posterUrlOf, toWire } from './posters';
export type { StoredPage } from './search-planner';

/**
 * The library as the handlers, the runtime and the CLI see it: one object over its parts, each in its
 * own file: item-repo.ts (SQL), search-planner.ts, tags.ts, lineage.ts (and chain policy), intake.ts,
 * import.ts, missing.ts, posters.ts. It owns the change feed and the few edits too small to move.
 */

export interface LibraryStoreOptions {
  /** Thumbnails go to `<dataDir>/thumbnails/`. */
  dataDir: string;
  /** Moves a file to the OS trash (the `trash` package in Node, `shell.trashItem` in Electron). */
  trashFile: (path: string) => Promise<void>;
  now?: () => number;
  log?: Logger;
}

export class LibraryStore {
  private readonly options: LibraryStoreOptions;
  private readonly now: () => number;
  private readonly thumbnailDir: string;
  private readonly listeners = new Set<(change: LibraryChange) => void>();
  private readonly repo: ItemRepo;
  private readonly ctx: LibraryContext;
  private readonly planner: SearchPlanner;

  constructor(db: Database, options: LibraryStoreOptions) {
    this.options = options;
    this.now = options.now ?? Date.now;
    this.thumbnailDir = join(options.dataDir, 'thumbnails');
    mkdirSync(this.thumbnailDir, { recursive: true });
    this.repo = new ItemRepo(db);
    this.planner = new SearchPlanner(this.repo);
    this.ctx = { repo: this.repo, now: this.now, log: options.log, thumbnailDir: this.thumbnailDir, get: (id) => this.get(id), emit: (change) => this.emit(change) };
  }

  /** One page of matching items; how it is found is search-planner.ts. */
  search(query: LibraryQuery = {}): StoredPage {
    return this.planner.search(query);
  }

  /** Every change the store makes, for the runtime to forward as IPC events. */
  onChange(listener: (change: LibraryChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(change: LibraryChange): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (error) {
        this.options.log?.error('library: change listener failed', { error });
      }
    }
  }

  // ---------------------------------------------------------------- reading

  get(id: string): StoredItem {
    const row = this.repo.row(rowId(id));
    if (!row) throw new AppError('not_found', `Library item ${id} does not exist (it may have been deleted).`);
    return toItem(row);
  }

  /** `get`, after looking at the disk: a file moved or deleted outside the app is marked missing. */
  check(id: string): Promise<StoredItem> {
    return checkItem(this.ctx, id);
  }

  /** The items saved from these job outputs, for the studio's feed. */
  forOutputs(outputIds: readonly string[]): { outputId: string; item: StoredSummary }[] {
    return this.repo.byOutputs(outputIds);
  }

  listTags(limit = 500): TagCount[] {
    return listTags(this.ctx, limit);
  }

  /** Where the item came from and what was made from it, following `parentId` both ways. */
  lineage(id: string): Lineage {
    return lineage(this.ctx, id);
  }

  chainOptions(id: string): ChainOption[] {
    return chainOptions(this.ctx, id);
  }

  linkable(kind: MediaKind, limit: number): LinkableSummary[] {
    return linkable(this.ctx, kind, limit);
  }

  /** The file behind a media URL path (`/<id>` or `/<id>/poster`), for the hosts' media routes (see posters.ts). */
  resolveMedia(pathname: string): MediaTarget | undefined {
    return resolveMedia(this.ctx, pathname);
  }

  /**
   * Inserts items in one transaction, with their tags and search rows. Dates never go backwards: an
   * item is never dated before the newest item already there (see the schema's notes).
   */
  insertItems(items: readonly NewItem[]): string[] {
    return insertItems(this.ctx, items);
  }

  /**
   * Makes a completed download a library item: the file's facts from the disk, the rest from its job
   * and output (looked up by id when not given). Adding the same file twice returns the existing item.
   */
  addFromDownload(download: Download, job?: JobSource | null, output?: OutputSource | null): Promise<StoredItem> {
    return addFromDownload(this.ctx, download, job, output);
  }

  /** Completed downloads since `since` whose file is no library item (see intake.ts). */
  completedDownloadsWithoutItem(since: number, after: string, limit: number): string[] {
    return completedDownloadsWithoutItem(this.ctx, since, after, limit);
  }

  /** Adds every video and image under `dir` (see import.ts). */
  importFolder(dir: string, options: { tags?: string[] } = {}): Promise<ImportResult> {
    return importFolder(this.ctx, dir, options);
  }

  update(id: string, patch: LibraryUpdate): StoredItem {
    const key = rowId(id);
    this.get(id);
    const columns: Record<string, string | number> = {};
    if (patch.title !== undefined) {
      const title = patch.title.replace(/\s+/g, ' ').trim();
      if (!title) throw new AppError('invalid_input', 'A title cannot be empty.');
      columns['title'] = title;
    }
    if (patch.notes !== undefined) columns['notes'] = patch.notes;
    if (patch.favourite !== undefined) columns['favourite'] = patch.favourite ? 1 : 0;
    if (!Object.keys(columns).length) return this.get(id);
    transaction(this.repo.db, () => {
      this.repo.updateColumns(key, columns, this.now());
      this.repo.reindex(key);
    });
    const item = this.get(id);
    this.emit({ type: 'updated', item });
    return item;
  }

  /**
   * Sizes and duration as ffprobe read them from the file, replacing what the file headers or the
   * renderer's media element guessed; unknown values leave the stored ones alone.
   */
  setMediaFacts(id: string, media: { width: number | null; height: number | null; durationMs: number | null }): StoredItem {
    const columns: Record<string, number> = {};
    if (media.width !== null) columns['width'] = media.width;
    if (media.height !== null) columns['height'] = media.height;
    if (media.durationMs !== null) columns['duration_ms'] = media.durationMs;
    if (Object.keys(columns).length) this.repo.updateColumns(rowId(id), columns, this.now());
    const item = this.get(id);
    this.emit({ type: 'updated', item });
    return item;
  }

  tag(id: string, names: readonly string[]): StoredItem {
    return changeTags(this.ctx, id, names, true);
  }

  untag(id: string, names: readonly string[]): StoredItem {
    return changeTags(this.ctx, id, names, false);
  }

  /**
   * Forgets the item (its tags and search rows go with it; items made from it keep existing without a
   * parent). A job's result, a file Promptreel wrote, first goes to the OS trash; if the trash refuses,
   * nothing changes. An imported file is the user's own and stays where it is: removing it from the
   * library never deletes what an import pointed at. Says whether a file was trashed.
   */
  async remove(id: string): Promise<{ trashed: boolean }> {
    const item = this.get(id);
    const key = rowId(id);
    const trashed = item.source === 'job' && (await exists(item.path));
    if (trashed) {
      try {
        await this.options.trashFile(item.path);
      } catch (error) {
        throw new AppError('io', `Could not move ${item.path} to the trash, so the item was kept: ${error instanceof Error ? error.message : String(error)}`, {
          cause: error,
        });
      }
    }
    this.repo.deleteItem(key);
    if (item.posterPath) await rm(item.posterPath, { force: true });
    this.emit({ type: 'removed', id });
    return { trashed };
  }

  /** Looks for every item's file; marks the ones not found as missing and the ones back as present. */
  checkMissing(): Promise<MissingCheckResult> {
    return checkMissing(this.ctx);
  }

  /** Points a missing item at its file's new place (see missing.ts). */
  relink(id: string, newPath: string): Promise<StoredItem> {
    return relink(this.ctx, id, newPath);
  }

  /** Stores the renderer's poster frame (or image thumbnail), with what it learned of the media. */
  setPoster(id: string, png: Uint8Array, media: { width?: number; height?: number; durationMs?: number } = {}): Promise<StoredItem> {
    return setPoster(this.ctx, id, png, media);
  }

  /** Lets SQLite refresh its planner statistics when they are stale (cheap when they are not). */
  optimize(): void {
    this.repo.optimize();
  }
}
