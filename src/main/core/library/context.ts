import { access } from 'node:fs/promises';
import type { Logger } from '../log';
import type { ItemRepo, StoredItem } from './item-repo';

/**
 * What each part of the library (tags, lineage, intake, import, missing files, posters) shares: the
 * repository, the clock, the log and the one change feed. `LibraryStore` builds it once.
 */
export interface LibraryContext {
  repo: ItemRepo;
  now: () => number;
  log?: Logger | undefined;
  /** Posters live here: `<dataDir>/thumbnails/`. */
  thumbnailDir: string;
  /** The item, or a `not_found` error a user can read. */
  get: (id: string) => StoredItem;
  emit: (change: LibraryChange) => void;
}

export type LibraryChange =
  | { type: 'updated'; item: StoredItem }
  | { type: 'removed'; id: string }
  /** Many items changed at once (an import, a missing-file check): views should query again. */
  | { type: 'invalidated'; reason: 'import' | 'missing' };

export async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
