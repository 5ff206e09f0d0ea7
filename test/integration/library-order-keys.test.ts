import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LibrarySort } from '@shared/library';
import type { NewItem } from '@main/core/library/store';
import { libraryEnv, type LibraryEnv } from '../support/library-env';

/**
 * Text searches sorted by title or size read an ordered copy of the search index whose rowids are
 * order keys. These tests write in the patterns that exhaust the room between keys (titles that keep
 * landing in one spot, renames, deletes) and check every page against a plain sort of the matches.
 */

let env: LibraryEnv;
beforeEach(() => {
  env = libraryEnv();
});
afterEach(() => env.close());

let paths = 0;
/** Imported items: removing one leaves the user's file alone, so no file needs to exist. */
function item(title: string, sizeBytes: number, prompt = 'a fox in the snow'): NewItem {
  return { path: `/library/${paths++}.mp4`, title, kind: 'video', mime: 'video/mp4', sha256: null, sizeBytes, source: 'import', prompt };
}

/** Every page of a search, followed by cursor, as titles. */
function allPages(text: string, sort: LibrarySort, limit = 7): string[] {
  const titles: string[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = env.store.search({ text, sort, limit, ...(cursor ? { cursor } : {}) });
    titles.push(...page.items.map((i) => i.title));
    if (!page.nextCursor) return titles;
    cursor = page.nextCursor;
  }
}

/** What SQLite's own ORDER BY says, for the items whose prompt mentions a fox. */
function reference(sort: 'title_asc' | 'title_desc' | 'largest' | 'smallest'): string[] {
  const order = { title_asc: 'title ASC, id ASC', title_desc: 'title DESC, id DESC', largest: 'size_bytes DESC, id DESC', smallest: 'size_bytes ASC, id ASC' }[sort];
  return (env.db.prepare(`SELECT title FROM items WHERE prompt LIKE '%fox%' ORDER BY ${order}`).all() as { title: string }[]).map((r) => r.title);
}

function expectOrdersHold(): void {
  for (const sort of ['title_asc', 'title_desc', 'largest', 'smallest'] as const) expect(allPages('fox', sort), sort).toEqual(reference(sort));
}

describe('text search in title and size order', () => {
  it('stays in order when new titles keep landing in the same spot, far beyond the room between two keys', () => {
    env.store.insertItems([item('alpha', 10), item('omega', 20)]);
    // Each title sorts just after the previous one and before "omega" (and each size just above the
    // last): the gap halves every time, so the keys run out after about 31 and the spot is respread.
    const batch: NewItem[] = [];
    for (let i = 0; i < 150; i++) batch.push(item(`beta ${String(i).padStart(4, '0')}`, 11 + i));
    env.store.insertItems(batch);
    // And one at a time, the other way round: each new title sorts before the last one.
    for (let i = 0; i < 60; i++) env.store.insertItems([item(`beta ${String(1000 - i)}`, 500 - i)]);
    expectOrdersHold();
    const keys = env.db.prepare('SELECT count(DISTINCT title_key) AS t, count(DISTINCT size_key) AS s, count(*) AS n FROM items').get() as { t: number; s: number; n: number };
    expect(keys).toEqual({ t: keys.n, s: keys.n, n: 212 });
  });

  it('follows renames, ties and deletions', async () => {
    const ids = env.store.insertItems(Array.from({ length: 40 }, (_, i) => item(i % 3 ? `clip ${i % 7}` : `Clip ${i % 7}`, 1000 + (i % 5))));
    env.store.insertItems([item('no match here', 5, 'a cat')]);
    expectOrdersHold();
    // Ties on title (case-insensitively) and size are broken by id, as ORDER BY is.
    env.store.update(ids[5] ?? '', { title: 'aardvark' });
    env.store.update(ids[6] ?? '', { title: 'zebra' });
    env.store.update(ids[7] ?? '', { title: 'clip 3' });
    env.store.update(ids[8] ?? '', { favourite: true });
    expectOrdersHold();
    expect(allPages('fox', 'title_asc')[0]).toBe('aardvark');
    expect(allPages('fox', 'title_desc')[0]).toBe('zebra');
    for (const id of ids.slice(10, 20)) await env.store.remove(id);
    expectOrdersHold();
    expect(allPages('fox', 'smallest')).toHaveLength(30);
    // The removed items left no rows behind in the ordered indexes.
    for (const table of ['items_fts_title', 'items_fts_size']) {
      expect((env.db.prepare(`SELECT count(*) AS n FROM ${table} WHERE ${table} MATCH 'fox'`).get() as { n: number }).n).toBe(30);
    }
  });
});
