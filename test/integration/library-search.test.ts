import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LibraryQuery } from '@shared/library';
import { openDatabase } from '@main/core/db/database';
import { MIGRATIONS } from '@main/core/db/migrations';
import { LibraryStore, type NewItem, type StoredSummary } from '@main/core/library/store';
import { indexRow } from '@main/core/library/search-text';
import type { OperationId } from '@shared/catalog';
import { libraryEnv, type LibraryEnv } from '../support/library-env';

const DAY = 24 * 3600_000;
const T0 = Date.UTC(2025, 0, 1);

let env: LibraryEnv;

/** A small library whose every item differs in a way some filter or order can see. */
const ITEMS: (Partial<NewItem> & { title: string })[] = [
  { title: 'Fox in neon rain', prompt: 'a red fox running through neon rain, cinematic, 4k', operation: 'hidream.txt2video', sizeBytes: 500, tags: ['animals', 'night'] },
  { title: 'Cat portrait', prompt: 'a grey cat in a teacup, studio light', operation: 'hidream.txt2img', sizeBytes: 100, favourite: true, tags: ['animals'] },
  { title: '城市夜景', prompt: '赛博朋克城市夜景，霓虹灯，下雨', operation: 'haiper.generate', sizeBytes: 900, tags: ['城市'] },
  { title: 'ink boat', prompt: '', operation: 'hidream.video_stylize', params: { style: 'ink_wash', video_name: 'https://cdn.example.com/boat.mp4' }, sizeBytes: 300, notes: 'client: Aurora Films' },
  { title: 'extended waves', prompt: 'waves crashing on black sand', operation: 'haiper.extend', sizeBytes: 700, favourite: true },
  { title: 'IMG_0042', source: 'import', kind: 'image', sizeBytes: 50, tags: ['holiday'] },
  { title: 'beach walk', source: 'import', kind: 'video', sizeBytes: 800 },
  { title: '一只猫', prompt: '一只猫在月光下跳舞', operation: 'hidream.txt2img', sizeBytes: 200, tags: ['animals'] },
  { title: 'upscaled fox', prompt: 'a red fox, upscaled', operation: 'haiper.upscale', sizeBytes: 1000 },
];
const ids = new Map<string, string>();

function newItems(): NewItem[] {
  const OUTPUTS: Record<string, 'video' | 'image'> = { 'hidream.txt2img': 'image' };
  return ITEMS.map((item, i) => ({
    path: `/library/${i}.bin`,
    kind: item.operation ? (OUTPUTS[item.operation] ?? 'video') : 'video',
    mime: 'video/mp4',
    sha256: null,
    sizeBytes: 1,
    source: 'job',
    vendor: item.operation?.startsWith('haiper') ? 'haiper' : item.operation ? 'hidream' : null,
    createdAt: T0 + i * DAY,
    ...item,
  }));
}

beforeAll(() => {
  env = libraryEnv();
  env.store.insertItems(newItems()).forEach((id, i) => ids.set(ITEMS[i]?.title ?? '', id));
});
afterAll(() => env.close());

const titles = (query: LibraryQuery): string[] => env.store.search(query).items.map((i) => i.title);

describe('library search', () => {
  it('lists everything newest first by default', () => {
    expect(titles({})).toEqual([...ITEMS].reverse().map((i) => i.title));
  });

  it('finds English substrings in prompts, titles, tags and notes', () => {
    expect(titles({ text: 'fox' })).toEqual(['upscaled fox', 'Fox in neon rain']);
    expect(titles({ text: '"neon ra"' })).toEqual(['Fox in neon rain']);
    // Unquoted, "ra" is a separate term: the start of a word, as it is typed.
    expect(titles({ text: 'neon ra' })).toEqual(['Fox in neon rain']);
    expect(titles({ text: 'neon rx' })).toEqual([]);
    expect(titles({ text: 'teacup' })).toEqual(['Cat portrait']);
    expect(titles({ text: 'aurora' })).toEqual(['ink boat']);
    expect(titles({ text: 'holiday' })).toEqual(['IMG_0042']);
    expect(titles({ text: 'IMG_00' })).toEqual(['IMG_0042']);
    expect(titles({ text: 'fox rain' })).toEqual(['Fox in neon rain']);
    // Words match from their start, as a search box is typed; not from the middle.
    expect(titles({ text: 'port' })).toEqual(['Cat portrait']);
    expect(titles({ text: 'trait' })).toEqual([]);
    expect(titles({ text: '"fox running"' })).toEqual(['Fox in neon rain']);
    expect(titles({ text: '"fox rain"' })).toEqual([]);
  });

  it("finds a stylization by its style's name in English and in Chinese", () => {
    expect(titles({ text: 'ink wash' })).toEqual(['ink boat']);
    expect(titles({ text: '水墨' })).toEqual(['ink boat']);
    expect(titles({ text: 'watercolor' })).toEqual([]);
  });

  it('finds Chinese text of any length, including one and two characters', () => {
    expect(titles({ text: '赛博朋克' })).toEqual(['城市夜景']);
    expect(titles({ text: '月光下' })).toEqual(['一只猫']);
    expect(titles({ text: '城市' })).toEqual(['城市夜景']);
    expect(titles({ text: '猫' })).toEqual(['一只猫']);
    expect(titles({ text: '猫 月光' })).toEqual(['一只猫']);
    expect(titles({ text: '猫 赛博朋克' })).toEqual([]);
  });

  it('matches from the second letter typed, and a single letter as a whole word', () => {
    expect(titles({ text: '4k' })).toEqual(['Fox in neon rain']);
    expect(titles({ text: 'ru' })).toEqual(['Fox in neon rain']);
    expect(titles({ text: 'te' })).toEqual(['Cat portrait']);
    expect(titles({ text: 'up', sort: 'title_asc' })).toEqual(['upscaled fox']);
    expect(titles({ text: 'fo', sort: 'largest' })).toEqual(['upscaled fox', 'Fox in neon rain']);
    expect(titles({ text: 'a' })).toEqual(['upscaled fox', 'Cat portrait', 'Fox in neon rain']);
    expect(titles({ text: '4K fox' })).toEqual(['Fox in neon rain']);
  });

  it('filters by kind, vendor, operation, favourite, tag and date, alone and together', () => {
    expect(titles({ kind: 'image' })).toEqual(['一只猫', 'IMG_0042', 'Cat portrait']);
    expect(titles({ vendor: 'haiper' })).toEqual(['upscaled fox', 'extended waves', '城市夜景']);
    expect(titles({ vendor: 'haiper', kind: 'image' })).toEqual([]);
    expect(titles({ operation: 'hidream.video_stylize' })).toEqual(['ink boat']);
    expect(titles({ operation: 'haiper.extend', vendor: 'hidream' })).toEqual([]);
    expect(titles({ favourite: true })).toEqual(['extended waves', 'Cat portrait']);
    expect(titles({ tag: 'animals' })).toEqual(['一只猫', 'Cat portrait', 'Fox in neon rain']);
    expect(titles({ tag: 'ANIMALS', kind: 'video' })).toEqual(['Fox in neon rain']);
    expect(titles({ tag: 'no such tag' })).toEqual([]);
    expect(titles({ from: T0 + 2 * DAY, to: T0 + 5 * DAY })).toEqual(['extended waves', 'ink boat', '城市夜景']);
    expect(titles({ from: T0 + 20 * DAY })).toEqual([]);
    expect(titles({ from: T0 + 2 * DAY, to: T0 + 5 * DAY, vendor: 'haiper' })).toEqual(['extended waves', '城市夜景']);
    expect(titles({ from: T0, to: T0 + DAY, text: 'fox' })).toEqual(['Fox in neon rain']);
    expect(titles({ from: T0 + DAY, to: T0 + 40 * DAY, text: 'fox', withTotal: true })).toEqual(['upscaled fox']);
    expect(titles({ text: 'fox', vendor: 'haiper' })).toEqual(['upscaled fox']);
    expect(titles({ text: 'a', favourite: true, tag: 'animals' })).toEqual(['Cat portrait']);
  });

  it('sorts by date, title and size in both directions', () => {
    expect(titles({ sort: 'oldest' })).toEqual(ITEMS.map((i) => i.title));
    const byTitle = [...ITEMS].map((i) => i.title).sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1));
    expect(titles({ sort: 'title_asc' })).toEqual(byTitle);
    expect(titles({ sort: 'title_desc' })).toEqual([...byTitle].reverse());
    expect(titles({ sort: 'largest', kind: 'video' })).toEqual(['upscaled fox', '城市夜景', 'beach walk', 'extended waves', 'Fox in neon rain', 'ink boat']);
    expect(titles({ sort: 'smallest', text: 'fox' })).toEqual(['Fox in neon rain', 'upscaled fox']);
    expect(titles({ sort: 'title_asc', from: T0 + 2 * DAY, to: T0 + 5 * DAY })).toEqual(['extended waves', 'ink boat', '城市夜景']);
  });

  it('pages through results with a cursor, each item exactly once, and counts them', () => {
    for (const sort of ['newest', 'oldest', 'title_asc', 'title_desc', 'largest', 'smallest'] as const) {
      const seen: StoredSummary[] = [];
      let cursor: string | undefined;
      let first = true;
      do {
        const page = env.store.search({ sort, limit: 2, cursor, withTotal: first });
        if (first) expect(page.total).toEqual({ count: ITEMS.length, capped: false });
        first = false;
        seen.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(seen.map((i) => i.title)).toEqual(titles({ sort }));
    }
    // A first page that holds every match counts them too, with text, filters and a date range.
    for (const sort of ['newest', 'title_asc', 'largest'] as const) {
      expect(env.store.search({ text: 'fox', sort, withTotal: true }).total).toEqual({ count: 2, capped: false });
      expect(env.store.search({ text: 'fox', sort, limit: 1, withTotal: true }).total).toEqual({ count: 2, capped: false });
      expect(env.store.search({ tag: 'animals', from: T0, to: T0 + 2 * DAY, sort, withTotal: true }).total).toEqual({ count: 2, capped: false });
    }
  });

  it('refuses a cursor from another order', () => {
    const cursor = env.store.search({ sort: 'newest', limit: 2 }).nextCursor ?? '';
    expect(() => env.store.search({ sort: 'title_asc', cursor })).toThrow(/cursor/);
  });

  it('keeps search in step with edits, tags and favourites', () => {
    const id = ids.get('beach walk') ?? '';
    env.store.update(id, { title: 'sunset stroll', notes: 'shot on the 海滩', favourite: true });
    env.store.tag(id, ['Travel  Diary']);
    expect(titles({ text: 'stroll' })).toEqual(['sunset stroll']);
    expect(titles({ text: '海滩' })).toEqual(['sunset stroll']);
    expect(titles({ text: 'beach walk' })).toEqual([]);
    expect(titles({ tag: 'travel diary', favourite: true })).toEqual(['sunset stroll']);
    expect(env.store.listTags()).toContainEqual({ name: 'Travel Diary', count: 1 });

    env.store.untag(id, ['travel diary']);
    env.store.update(id, { favourite: false });
    expect(titles({ text: 'diary' })).toEqual([]);
    expect(titles({ favourite: true })).not.toContain('sunset stroll');
    expect(env.store.listTags().map((t) => t.name)).not.toContain('Travel Diary');
  });
});

describe('library search at scale', () => {
  it('gives the same answers whichever plan a filtered, sorted page takes', () => {
    // Enough items that some filters match more than the store sorts in memory, so it walks the index.
    const big = libraryEnv();
    try {
      const n = 9_500; // 6,333 videos: more than the 6,000 the store fetches and sorts
      const ops = ['hidream.txt2img', 'hidream.txt2video', 'haiper.generate'] as const;
      const items: NewItem[] = Array.from({ length: n }, (_, i) => {
        const operation = ops[i % 3] ?? 'hidream.txt2img';
        return {
          path: `/big/${i}`,
          title: `clip ${(i * 7919) % n}`,
          kind: operation === 'hidream.txt2img' ? 'image' : 'video',
          mime: 'video/mp4',
          sha256: null,
          sizeBytes: (i * 104_729) % 9_973,
          source: 'job',
          operation,
          vendor: operation.startsWith('haiper') ? 'haiper' : 'hidream',
          favourite: i % 5 === 0 || i % 3 === 0,
          prompt: i % 2 ? 'river at dawn' : 'desert at noon',
          createdAt: T0 + i * 60_000,
          tags: [...(i % 4 === 0 ? ['keep'] : []), ...(i % 2 === 0 ? ['even'] : [])],
        };
      });
      for (let i = 0; i < n; i += 1_000) big.store.insertItems(items.slice(i, i + 1_000));
      const reference = (filter: (item: NewItem) => boolean, key: (item: NewItem) => string | number, desc: boolean): string[] =>
        items
          .map((item, i) => ({ item, id: i + 1 }))
          .filter(({ item }) => filter(item))
          .sort((a, b) => {
            const [x, y] = [key(a.item), key(b.item)];
            const byKey = typeof x === 'string' ? x.toLowerCase().localeCompare(String(y).toLowerCase()) : x - Number(y);
            return (desc ? -1 : 1) * (byKey || a.id - b.id);
          })
          .slice(0, 200)
          .map(({ item }) => item.title);
      const page = (query: LibraryQuery): string[] => big.store.search({ ...query, limit: 200 }).items.map((i) => i.title);

      // No filter: the order's index is walked.
      expect(page({ sort: 'title_desc' })).toEqual(reference(() => true, (i) => i.title, true));
      // Many matches of a kind or vendor: each operation's slice of the index is read and merged.
      expect(page({ kind: 'video', sort: 'title_asc' })).toEqual(reference((i) => i.kind === 'video', (i) => i.title, false));
      expect(page({ vendor: 'hidream', sort: 'smallest' })).toEqual(reference((i) => i.vendor === 'hidream', (i) => i.sizeBytes, false));
      const second = big.store.search({ kind: 'video', sort: 'title_asc', limit: 200, cursor: big.store.search({ kind: 'video', sort: 'title_asc', limit: 200 }).nextCursor ?? '' });
      expect(second.items.map((i) => i.title)).toEqual(
        items
          .filter((i) => i.kind === 'video')
          .map((i) => i.title)
          .sort((a, b) => a.localeCompare(b) || 0)
          .slice(200, 400),
      );
      // A tag with many items: read in order from the tag's own copy of titles and sizes.
      expect(page({ tag: 'even', sort: 'title_asc' })).toEqual(reference((i) => (i.tags ?? []).includes('even'), (i) => i.title, false));
      expect(page({ tag: 'even', kind: 'video', sort: 'largest' })).toEqual(
        reference((i) => (i.tags ?? []).includes('even') && i.kind === 'video', (i) => i.sizeBytes, true),
      );
      expect(page({ tag: 'even', favourite: true, sort: 'title_desc' })).toEqual(
        reference((i) => (i.tags ?? []).includes('even') && i.favourite === true, (i) => i.title, true),
      );
      // Few matches: fetched through the search index and sorted.
      expect(page({ favourite: true, tag: 'keep', sort: 'largest' })).toEqual(reference((i) => i.favourite === true && (i.tags ?? []).includes('keep'), (i) => i.sizeBytes, true));
      // A short date range: read in order and sorted.
      const from = T0 + 1_000 * 60_000;
      const to = T0 + 1_500 * 60_000;
      expect(page({ from, to, vendor: 'haiper', sort: 'title_desc' })).toEqual(
        reference((i) => (i.createdAt ?? 0) >= from && (i.createdAt ?? 0) < to && i.vendor === 'haiper', (i) => i.title, true),
      );
      // Text and filters in date order.
      expect(page({ text: 'river', operation: 'hidream.txt2video', sort: 'newest' })).toEqual(
        reference((i) => i.prompt === 'river at dawn' && i.operation === 'hidream.txt2video', (i) => i.createdAt ?? 0, true),
      );
      expect(big.store.search({ kind: 'video', withTotal: true, limit: 1 }).total).toEqual({ count: items.filter((i) => i.kind === 'video').length, capped: false });
    } finally {
      big.close();
    }
  });
});

/** Rows as schema 3 held them, written without today's store (which expects the later columns). */
function insertSchema3Rows(db: ReturnType<typeof openDatabase>, items: readonly NewItem[]): void {
  const insert = db.prepare(`INSERT INTO items (path, title, kind, mime, size_bytes, created_at, source, vendor, operation, params, prompt,
      favourite, notes, tags_text, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const tag = db.prepare('INSERT INTO tags (name, item_count) VALUES (?, 1) ON CONFLICT (name) DO UPDATE SET item_count = item_count + 1 RETURNING id');
  const link = db.prepare(`INSERT INTO item_tags (tag_id, item_id, title, size_bytes, operation, kind, favourite, missing)
      SELECT ?, id, title, size_bytes, operation, kind, favourite, missing FROM items WHERE id = ?`);
  for (const item of items) {
    const tags = item.tags ?? [];
    const { lastInsertRowid } = insert.run(item.path, item.title, item.kind, item.mime, item.sizeBytes, item.createdAt ?? T0, item.source, item.vendor ?? null,
      item.operation ?? null, item.params ? JSON.stringify(item.params) : null, item.prompt ?? '', item.favourite ? 1 : 0, item.notes ?? '', tags.join('\n'), T0);
    for (const name of tags) link.run((tag.get(name) as { id: number }).id, lastInsertRowid);
  }
}

describe('a library from an earlier schema', () => {
  it('has its search indexes rebuilt from the items and their tags, in date, title and size order', () => {
    const root = mkdtempSync(join(tmpdir(), 'promptreel-library-'));
    const file = join(root, 'promptreel.db');
    try {
      // Schema 3 keyed the index by item id and had no ordered copies; the later steps rebuild every
      // index from the items alone, so an empty old index shows that nothing is carried over.
      const old = openDatabase(file, MIGRATIONS.slice(0, 3));
      insertSchema3Rows(old, newItems());
      old.close();

      const db = openDatabase(file);
      try {
        const store = new LibraryStore(db, { dataDir: root, trashFile: () => Promise.resolve() });
        const titlesOf = (query: LibraryQuery): string[] => store.search(query).items.map((i) => i.title);
        expect(titlesOf({ text: 'fox' })).toEqual(['upscaled fox', 'Fox in neon rain']);
        expect(titlesOf({ text: 'fox', sort: 'oldest' })).toEqual(['Fox in neon rain', 'upscaled fox']);
        expect(titlesOf({ text: 'fox', sort: 'title_desc' })).toEqual(['upscaled fox', 'Fox in neon rain']);
        expect(titlesOf({ text: 'a', sort: 'smallest' })).toEqual(['Cat portrait', 'Fox in neon rain', 'upscaled fox']);
        expect(titlesOf({ text: '赛博朋克' })).toEqual(['城市夜景']);
        expect(titlesOf({ text: '水墨' })).toEqual(['ink boat']);
        expect(titlesOf({ text: 'up' })).toEqual(['upscaled fox']);
        expect(titlesOf({ tag: 'animals', kind: 'image' })).toEqual(['一只猫', 'Cat portrait']);
        expect(titlesOf({ favourite: true, text: 'waves' })).toEqual(['extended waves']);
        expect(titlesOf({ vendor: 'haiper', from: T0 + 2 * DAY, to: T0 + 5 * DAY })).toEqual(['extended waves', '城市夜景']);
        // New items take their place among the migrated ones.
        store.insertItems([{ ...(newItems()[0] as NewItem), path: '/library/new.bin', title: 'Arctic fox', sizeBytes: 600 }]);
        expect(titlesOf({ text: 'fox', sort: 'title_asc' })).toEqual(['Arctic fox', 'Fox in neon rain', 'upscaled fox']);
        expect(titlesOf({ text: 'fox', sort: 'largest' })).toEqual(['upscaled fox', 'Arctic fox', 'Fox in neon rain']);
      } finally {
        db.close();
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("indexes a schema-6 library's style names and numbers its title and size orders", () => {
    const root = mkdtempSync(join(tmpdir(), 'promptreel-library-'));
    const file = join(root, 'promptreel.db');
    try {
      // Schema 6 indexed no style names: its rows are written here as it wrote them.
      const old = openDatabase(file, MIGRATIONS.slice(0, 6));
      insertSchema3Rows(old, newItems());
      const write = old.prepare('INSERT INTO items_fts (rowid, title, prompt, tags, notes, extra) VALUES (?, ?, ?, ?, ?, ?)');
      for (const row of old.prepare('SELECT id, title, prompt, kind, operation, created_at FROM items').all() as { id: number; title: string; prompt: string; kind: 'video' | 'image'; operation: OperationId | null; created_at: number }[]) {
        write.run(-row.id, ...indexRow({ title: row.title, prompt: row.prompt, tags: '', notes: '', labels: [], kind: row.kind, operation: row.operation, favourite: false, missing: false, tagIds: [], createdAt: row.created_at }));
      }
      const matches = (text: string): number => (old.prepare('SELECT count(*) AS n FROM items_fts WHERE items_fts MATCH ?').get(text) as { n: number }).n;
      expect([matches('"ink"'), matches('"水墨"')]).toEqual([1, 0]);
      old.close();

      const db = openDatabase(file);
      try {
        const store = new LibraryStore(db, { dataDir: root, trashFile: () => Promise.resolve() });
        const titlesOf = (query: LibraryQuery): string[] => store.search(query).items.map((i) => i.title);
        expect(titlesOf({ text: '水墨' })).toEqual(['ink boat']);
        expect(titlesOf({ text: 'fox', sort: 'title_asc' })).toEqual(['Fox in neon rain', 'upscaled fox']);
        expect(titlesOf({ text: 'a', sort: 'largest' })).toEqual(['upscaled fox', 'Fox in neon rain', 'Cat portrait']);
      } finally {
        db.close();
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
