import { searchLabels, type MediaKind, type OperationId } from '@shared/catalog';
import { ftsRowid, indexRow, prefixWords, type IndexFacts } from '../../library/search-text';
import type { DatabaseSync } from 'node:sqlite';
import { bulkKey, ORDERED_INDEXES } from '../../library/sort-keys';
import type { Migration } from '../migration';

/**
 * Schema step 3: library items, tags and full-text search. Owned by the library.
 *
 * Design notes (the benchmark in bench/library.ts holds these to ≤ 10 ms at a million items):
 * - `items.id` is the rowid and grows with `created_at` (the store keeps `created_at` monotonic), so
 *   "newest first" is a backwards rowid scan and a date range is a rowid range, which the FTS5 indexes
 *   (ordered by rowid) and the B-tree indexes alike can seek to.
 * - Job, output and download ids are copies, not foreign keys: the engine may prune its history and the
 *   download queue lives in another step; an item carries everything it needs to be found and reused.
 * - One contentless FTS5 index, `items_fts`, written by the store in the same transaction as the item
 *   (see search-text.ts). Tokenizer: `unicode61`, with CJK pre-split into overlapping character pairs.
 *   Chosen over `trigram` after measuring both at a million items: trigram finds any substring, but each
 *   word is a phrase of several trigrams with huge doclists, so two-word searches took 30–50 ms and the
 *   index was three times the text; words and pairs are single doclists. Trade-offs: English matches
 *   words and word prefixes ("astro" finds astronomer, "nomer" does not), one- and two-letter terms
 *   match whole words; Chinese matches any substring (the phrase of its pairs), one character via the
 *   separate single-character tokens. `extra` carries the filter facts (kind, operation, favourite,
 *   missing, tag ids) as tokens, so text plus filters, or several filters together, are one FTS5
 *   intersection that skips through doclists instead of testing row after row. Contentless keeps the
 *   text once (in `items`); `contentless_delete` lets the store replace a row without its old text.
 * - Title and size orders use covering indexes that include the filter columns, so a filtered page in
 *   those orders is checked from the index alone; the (operation, order) pair serves operation, vendor
 *   and kind filters one operation's slice at a time, whatever the correlation between title and
 *   operation (file names often start with the operation).
 */
const searchIndex = (name: string): string => `
  CREATE VIRTUAL TABLE ${name} USING fts5(
    title, prompt, tags, notes, extra,
    content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2', prefix = '3'
  );
  -- Bulk writes (imports) flush to fewer, larger segments; single inserts are unaffected.
  INSERT INTO ${name} (${name}, rank) VALUES ('hashsize', 8388608);
`;
const CREATE_SEARCH_INDEX = searchIndex('items_fts');

export const libraryMigration: Migration = {
  name: 'library',
  up: (db) => {
    db.exec(`
      CREATE TABLE items (
        id                INTEGER PRIMARY KEY AUTOINCREMENT,
        path              TEXT NOT NULL,
        title             TEXT NOT NULL COLLATE NOCASE,
        kind              TEXT NOT NULL CHECK (kind IN ('video', 'image')),
        mime              TEXT NOT NULL,
        size_bytes        INTEGER NOT NULL,
        sha256            TEXT,
        width             INTEGER,
        height            INTEGER,
        duration_ms       INTEGER,
        created_at        INTEGER NOT NULL,          -- ms epoch the item entered the library; never decreases with id
        file_modified_at  INTEGER,                   -- the file's own mtime when it was added
        source            TEXT NOT NULL CHECK (source IN ('job', 'import')),
        vendor            TEXT,
        operation         TEXT,
        params            TEXT,                      -- JSON, the job's validated parameters
        prompt            TEXT NOT NULL DEFAULT '',
        negative_prompt   TEXT NOT NULL DEFAULT '',
        remote_url        TEXT,
        remote_expires_at INTEGER,                   -- ms epoch; null when the vendor does not say
        parent_id         INTEGER REFERENCES items(id) ON DELETE SET NULL,
        job_id            TEXT,
        output_id         TEXT,
        download_id       TEXT,
        favourite         INTEGER NOT NULL DEFAULT 0,
        notes             TEXT NOT NULL DEFAULT '',
        tags_text         TEXT NOT NULL DEFAULT '',  -- tag names joined by newlines, kept with item_tags
        poster_path       TEXT,
        missing           INTEGER NOT NULL DEFAULT 0,
        updated_at        INTEGER NOT NULL
      );
      CREATE UNIQUE INDEX items_by_path ON items(path);
      CREATE INDEX items_by_created ON items(created_at);
      CREATE INDEX items_by_title ON items(title, kind, operation, favourite, missing);
      CREATE INDEX items_by_size ON items(size_bytes, kind, operation, favourite, missing);
      CREATE INDEX items_by_operation_title ON items(operation, title, kind, favourite, missing);
      CREATE INDEX items_by_operation_size ON items(operation, size_bytes, kind, favourite, missing);
      CREATE INDEX items_by_parent ON items(parent_id) WHERE parent_id IS NOT NULL;

      CREATE TABLE tags (
        id          INTEGER PRIMARY KEY,
        name        TEXT NOT NULL UNIQUE COLLATE NOCASE,
        item_count  INTEGER NOT NULL DEFAULT 0       -- kept by the store; counting a million rows is slow
      );
      -- The item's order and filter columns are copied here, so a tag's items come out in title or size
      -- order, one operation's slice at a time, with every other filter read from the same index.
      CREATE TABLE item_tags (
        tag_id      INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
        item_id     INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
        title       TEXT NOT NULL COLLATE NOCASE,
        size_bytes  INTEGER NOT NULL,
        operation   TEXT,
        kind        TEXT NOT NULL,
        favourite   INTEGER NOT NULL,
        missing     INTEGER NOT NULL,
        PRIMARY KEY (tag_id, item_id)
      ) WITHOUT ROWID;
      CREATE INDEX item_tags_by_item ON item_tags(item_id);
      CREATE INDEX item_tags_by_title ON item_tags(tag_id, operation, title, kind, favourite, missing);
      CREATE INDEX item_tags_by_size ON item_tags(tag_id, operation, size_bytes, kind, favourite, missing);

      ${CREATE_SEARCH_INDEX}
      -- Words of four or more letters ever indexed (folded), to turn a typed prefix into the few words it
      -- stands for. (fts5vocab would read every doclist it lists.) Never pruned: a stale word only adds
      -- an empty OR branch.
      CREATE TABLE terms (term TEXT PRIMARY KEY) WITHOUT ROWID;
    `);
  },
};

/**
 * Schema step 4: the search index keyed by negated item ids, so that newest-first reads it forwards
 * (see `ftsRowid`), and with a key per vendor. Rebuilt from the items and their tags, which hold
 * everything the index does; at a million items this takes about a minute and a half, once.
 */
export const searchNewestFirstMigration: Migration = {
  name: 'library search index read newest first',
  up: (db) => {
    db.exec(`DROP TABLE items_fts; ${CREATE_SEARCH_INDEX}`);
    const insert = db.prepare('INSERT INTO items_fts (rowid, title, prompt, tags, notes, extra) VALUES (?, ?, ?, ?, ?, ?)');
    const facts = searchFacts(db);
    const rows = db.prepare(`SELECT ${SOURCE_COLUMNS} FROM items ORDER BY id`);
    for (const row of rows.iterate() as Iterable<SearchSource>) insert.run(ftsRowid(row.id), ...indexRow(facts(row)));
  },
};

/**
 * Schema step 7: order keys and a copy of the search index per order (see library/sort-keys.ts), so a
 * text search sorted by title or size reads a page in order instead of sorting every match. Numbered
 * from the items in order; at a million items this takes a few minutes, once.
 */
export const orderedSearchMigration: Migration = {
  name: 'library search in title and size order',
  up: (db) => {
    db.exec('ALTER TABLE items ADD COLUMN title_key INTEGER; ALTER TABLE items ADD COLUMN size_key INTEGER;');
    const count = (db.prepare('SELECT count(*) AS n FROM items').get() as { n: number }).n;
    const facts = searchFacts(db);
    const row = db.prepare(`SELECT ${SOURCE_COLUMNS} FROM items WHERE id = ?`);
    // The term list now holds words of two and three letters too (typed prefixes from the second
    // letter), and a style's names are indexed with the prompt: both are filled in for every item.
    const termInsert = db.prepare('INSERT OR IGNORE INTO terms (term) VALUES (?)');
    const byId = db.prepare('INSERT OR REPLACE INTO items_fts (rowid, title, prompt, tags, notes, extra) VALUES (?, ?, ?, ?, ?, ?)');
    const known = new Set<string>();
    for (const source of db.prepare(`SELECT ${SOURCE_COLUMNS} FROM items ORDER BY id`).iterate() as Iterable<SearchSource>) {
      const item = facts(source);
      for (const word of prefixWords(item)) {
        if (known.has(word)) continue;
        termInsert.run(word);
        known.add(word);
      }
      if (item.labels.length) byId.run(ftsRowid(source.id), ...indexRow(item));
    }
    for (const { column, key, fts } of ORDERED_INDEXES) {
      db.exec(searchIndex(fts));
      // Ids first: the keys are written while the order is read.
      const ids = (db.prepare(`SELECT id FROM items ORDER BY ${column}, id`).all() as { id: number }[]).map((r) => r.id);
      const setKey = db.prepare(`UPDATE items SET ${key} = ? WHERE id = ?`);
      const insert = db.prepare(`INSERT INTO ${fts} (rowid, title, prompt, tags, notes, extra) VALUES (?, ?, ?, ?, ?, ?)`);
      ids.forEach((id, rank) => {
        const k = bulkKey(rank, count);
        setKey.run(k, id);
        insert.run(k, ...indexRow(facts(row.get(id) as unknown as SearchSource)));
      });
      db.exec(`CREATE UNIQUE INDEX items_by_${key} ON items(${key})`);
    }
  },
};

const SOURCE_COLUMNS = 'id, title, prompt, notes, tags_text, kind, operation, params, favourite, missing, created_at';

/** What the search index holds of an item row, with its tags read from item_tags. */
function searchFacts(db: DatabaseSync): (row: SearchSource) => IndexFacts {
  const tagIds = db.prepare('SELECT tag_id FROM item_tags WHERE item_id = ?');
  return (row) => ({
    title: row.title,
    prompt: row.prompt,
    tags: row.tags_text,
    notes: row.notes,
    labels: searchLabels(row.operation, paramsOf(row.params)),
    kind: row.kind,
    operation: row.operation,
    favourite: row.favourite === 1,
    missing: row.missing === 1,
    tagIds: (tagIds.all(row.id) as { tag_id: number }[]).map((tag) => tag.tag_id),
    createdAt: row.created_at,
  });
}

/** A row's parameters; text that is not a JSON object (never written by the store) counts as none. */
function paramsOf(text: string | null): Record<string, unknown> | null {
  if (!text) return null;
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * Schema step: items found by the job output they came from, so the studio's feed can offer a
 * result's library actions (open, reveal, drag, chain) beside the job that made it.
 */
export const itemsByOutputMigration: Migration = {
  name: 'library items by job output',
  up: (db) => {
    db.exec('CREATE INDEX IF NOT EXISTS items_by_output ON items(output_id) WHERE output_id IS NOT NULL');
  },
};

interface SearchSource {
  id: number;
  title: string;
  prompt: string;
  notes: string;
  tags_text: string;
  kind: MediaKind;
  operation: OperationId | null;
  params: string | null;
  favourite: number;
  missing: number;
  created_at: number;
}
