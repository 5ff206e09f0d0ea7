import { AppError } from '@shared/errors';
import { TAG_MAX_LENGTH, type TagCount } from '@shared/library';
import { transaction } from '../db/database';
import type { LibraryContext } from './context';
import { rowId, type StoredItem } from './item-repo';

/** Tags: what a tag name may be, and adding or removing tags on an item (its search rows follow). */

export function cleanTag(name: string): string {
  const tag = name.normalize('NFKC').replace(/\s+/g, ' ').trim();
  if (!tag) throw new AppError('invalid_input', 'A tag cannot be empty.');
  if (Array.from(tag).length > TAG_MAX_LENGTH) throw new AppError('invalid_input', `A tag can be at most ${TAG_MAX_LENGTH} characters ("${tag.slice(0, 20)}…").`);
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\u0000-\u001f\u007f]/.test(tag)) throw new AppError('invalid_input', 'A tag cannot contain control characters.');
  return tag;
}

/** A list of tag names cleaned, without repeats, in their first order. */
export function cleanTags(names: readonly string[]): string[] {
  return [...new Set(names.map(cleanTag))];
}

export function listTags(ctx: LibraryContext, limit: number): TagCount[] {
  return ctx.repo.tagCounts(limit);
}

/** Adds (or removes) tags on an item; a tag no item has any more is forgotten. */
export function changeTags(ctx: LibraryContext, id: string, names: readonly string[], add: boolean): StoredItem {
  const key = rowId(id);
  ctx.get(id);
  const tags = cleanTags(names);
  const { repo } = ctx;
  transaction(repo.db, () => {
    for (const name of tags) {
      if (add) {
        repo.link(repo.tagIdFor(name), key);
      } else {
        const tagId = repo.tagIdOf(name);
        if (tagId !== undefined) repo.unlink(tagId, key);
      }
    }
    if (!add) repo.pruneTags();
    repo.writeTagsText(key, ctx.now());
    repo.reindex(key);
  });
  const item = ctx.get(id);
  ctx.emit({ type: 'updated', item });
  return item;
}
