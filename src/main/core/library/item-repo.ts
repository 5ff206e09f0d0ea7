import type { StatementSync } from 'node:sqlite';
import { AppError } from '@shared/errors';
import type { LibraryItem, LibraryItemSummary, TagCount } from '@shared/library';
import { searchLabels, type MediaKind, type OperationId, type VendorId } from '@shared/catalog';
import { transaction, type Database } from '../db/database';
import { ftsRowid, indexRow, prefixWords, type IndexFacts } from './search-text';
import { ORDERED_INDEXES, OrderKeys, type OrderedIndex } from './sort-keys';

/**
 * The library's SQL: every statement over `items`, their search rows (`items_fts`, `terms`) and their
 * tags (`tags`, `item_tags`), with no policy of its own. The search planner builds its queries from
 * the same tables (see search-planner.ts); everything else asks this repository.
 */

/** An item as the store knows it; hosts add `mediaUrl` / `posterUrl` (see `toWire`). */
export type StoredItem = Omit<LibraryItem, 'mediaUrl' | 'posterUrl'> & { posterPath: string | null; updatedAt: number };

export type StoredSummary = Omit<LibraryItemSummary, 'mediaUrl' | 'posterUrl'> & { posterPath: string | null; updatedAt: number };

/** One item to insert; `insertItems` fills in what is left out. */
export interface NewItem {
  path: string;
  title: string;
  kind: MediaKind;
  mime: string;
  sizeBytes: number;
  sha256: string | null;
  width?: number | null;
  height?: number | null;
  durationMs?: number | null;
  /** Defaults to now; never earlier than the newest item (ids and dates grow together). */
  createdAt?: number;
  fileModifiedAt?: number | null;
  source: 'job' | 'import';
  vendor?: VendorId | null;
  operation?: OperationId | null;
  params?: Record<string, unknown> | null;
  prompt?: string;
  negativePrompt?: string;
  remoteUrl?: string | null;
  remoteExpiresAt?: number | null;
  parentId?: string | null;
  jobId?: string | null;
  outputId?: string | null;
  downloadId?: string | null;
  favourite?: boolean;
  notes?: string;
  tags?: string[];
}

export interface ItemRow {
  id: number;
  path: string;
  title: string;
  kind: MediaKind;
  mime: string;
  size_bytes: number;
  sha256: string | null;
  width: number | null;
  height: number | null;
  duration_ms: number | null;
  created_at: number;
  file_modified_at: number | null;
  source: 'job' | 'import';
  vendor: VendorId | null;
  operation: OperationId | null;
  params: string | null;
  prompt: string;
  negative_prompt: string;
  remote_url: string | null;
  remote_expires_at: number | null;
  parent_id: number | null;
  job_id: string | null;
  output_id: string | null;
  favourite: number;
  notes: string;
  tags_text: string;
  poster_path: string | null;
  missing: number;
  updated_at: number;
}

/** An item's sort values and its keys in those orders (null only while it is being placed). */
interface OrderFacts {
  title: string;
  size_bytes: number;
  title_key: number | null;
  size_key: number | null;
}

type SummaryRow = Pick<ItemRow, 'id' | 'title' | 'kind' | 'size_bytes' | 'width' | 'height' | 'duration_ms' | 'created_at' | 'vendor' | 'operation' | 'favourite' | 'missing' | 'poster_path' | 'updated_at'>;

export interface JobRow {
  id: string;
  operation: string;
  vendor: VendorId;
  params: string;
  parent_item_id: string | null;
}

export interface OutputRow {
  id: string;
  kind: MediaKind | null;
  url: string | null;
  expires_at: number | null;
}

export interface LinkableRow {
  id: number;
  title: string;
  remote_url: string;
  remote_expires_at: number | null;
  poster_path: string | null;
  updated_at: number;
}

const KNOWN_TERMS_MAX = 200_000;
const MMAP_BYTES = 1024 * 1024 * 1024;
const CACHE_KIB = 64 * 1024;

const ITEM_COLUMNS = `i.id, i.path, i.title, i.kind, i.mime, i.size_bytes, i.sha256, i.width, i.height, i.duration_ms,
  i.created_at, i.file_modified_at, i.source, i.vendor, i.operation, i.params, i.prompt, i.negative_prompt,
  i.remote_url, i.remote_expires_at, i.parent_id, i.job_id, i.output_id, i.favourite, i.notes, i.tags_text,
  i.poster_path, i.missing, i.updated_at`;

const SUMMARY_COLUMNS = `id, title, kind, size_bytes, width, height, duration_ms, created_at, vendor, operation, favourite, missing,
  poster_path, updated_at`;

function toSummary(row: SummaryRow): StoredSummary {
  return {
    id: String(row.id),
    title: row.title,
    kind: row.kind,
    sizeBytes: row.size_bytes,
    width: row.width,
    height: row.height,
    durationMs: row.duration_ms,
    createdAt: row.created_at,
    vendor: row.vendor,
    operation: row.operation,
    favourite: row.favourite === 1,
    missing: row.missing === 1,
    posterPath: row.poster_path,
    updatedAt: row.updated_at,
  };
}

export function toItem(row: ItemRow): StoredItem {
  return {
    ...toSummary(row),
    mime: row.mime,
    path: row.path,
    sha256: row.sha256,
    fileModifiedAt: row.file_modified_at,
    source: row.source,
    params: row.params === null ? null : (JSON.parse(row.params) as Record<string, unknown>),
    prompt: row.prompt,
    negativePrompt: row.negative_prompt,
    remoteUrl: row.remote_url,
    remoteExpiresAt: row.remote_expires_at,
    parentId: row.parent_id === null ? null : String(row.parent_id),
    jobId: row.job_id,
    outputId: row.output_id,
    notes: row.notes,
    tags: row.tags_text ? row.tags_text.split('\n') : [],
  };
}

/** Item ids are rowids; anything else is refused before it reaches SQL. */
export function rowId(id: string): number {
  if (!/^[1-9]\d{0,14}$/.test(id)) throw new AppError('invalid_input', `"${id.slice(0, 40)}" is not a library item id.`);
  return Number(id);
}

export class ItemRepo {
  readonly db: Database;
  private readonly stmts: Record<string, StatementSync>;
  /** Words already in `terms`, so indexing skips most inserts; a cache, cleared when it grows large. */
  private readonly knownTerms = new Set<string>();
  /** Title and size order keys (see sort-keys.ts), each with its ordered copy of the search index. */
  private readonly orders: { keys: OrderKeys; upsert: StatementSync; remove: StatementSync }[];

  constructor(db: Database) {
    this.db = db;
    // The library reads much more than it writes and its indexes are large: map the file into memory
    // (no read syscall per page) and keep a page cache bigger than SQLite's 2 MB default.
    db.exec(`PRAGMA mmap_size = ${MMAP_BYTES}`);
    db.exec(`PRAGMA cache_size = -${CACHE_KIB}`);
    const prepare = (sql: string): StatementSync => db.prepare(sql);
    this.stmts = {
      get: prepare(`SELECT ${ITEM_COLUMNS} FROM items i WHERE i.id = ?`),
      summaries: prepare(`SELECT ${SUMMARY_COLUMNS} FROM items WHERE id IN (SELECT value FROM json_each(?))`),
      byOutputs: prepare(`SELECT ${SUMMARY_COLUMNS}, output_id FROM items WHERE output_id IN (SELECT value FROM json_each(?))`),
      byPath: prepare(`SELECT ${ITEM_COLUMNS} FROM items i WHERE i.path = ?`),
      sameBytes: prepare('SELECT id FROM items WHERE size_bytes = ? AND sha256 = ? LIMIT 1'),
      maxCreated: prepare('SELECT max(created_at) AS at FROM items'),
      insert: prepare(`INSERT INTO items (path, title, kind, mime, size_bytes, sha256, width, height, duration_ms, created_at,
          file_modified_at, source, vendor, operation, params, prompt, negative_prompt, remote_url, remote_expires_at,
          parent_id, job_id, output_id, download_id, favourite, notes, tags_text, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      ftsUpsert: prepare('INSERT OR REPLACE INTO items_fts (rowid, title, prompt, tags, notes, extra) VALUES (?, ?, ?, ?, ?, ?)'),
      itemTagIds: prepare('SELECT tag_id FROM item_tags WHERE item_id = ?'),
      ftsDelete: prepare('DELETE FROM items_fts WHERE rowid = ?'),
      itemExists: prepare('SELECT 1 AS one FROM items WHERE id = ?'),
      tagId: prepare('SELECT id FROM tags WHERE name = ?'),
      tagInsert: prepare('INSERT INTO tags (name) VALUES (?) RETURNING id'),
      tagLink: prepare(`INSERT OR IGNORE INTO item_tags (tag_id, item_id, title, size_bytes, operation, kind, favourite, missing)
        SELECT ?, id, title, size_bytes, operation, kind, favourite, missing FROM items WHERE id = ?`),
      tagCopies: prepare('UPDATE item_tags SET title = ?, favourite = ?, missing = ? WHERE item_id = ?'),
      termsFrom: prepare('SELECT term FROM terms WHERE term >= ? AND term <= ? LIMIT ?'),
      termInsert: prepare('INSERT OR IGNORE INTO terms (term) VALUES (?)'),
      // Ids in a range [lo, hi] are index rowids in [-hi, -lo] (see `ftsRowid`).
      matchIds: prepare('SELECT -rowid AS id FROM items_fts WHERE items_fts MATCH ? AND +rowid >= -? AND +rowid <= -? LIMIT ?'),
      tagUnlink: prepare('DELETE FROM item_tags WHERE tag_id = ? AND item_id = ?'),
      tagCount: prepare('UPDATE tags SET item_count = item_count + ? WHERE id = ?'),
      tagPrune: prepare('DELETE FROM tags WHERE item_count <= 0'),
      itemTagNames: prepare('SELECT t.name FROM item_tags it JOIN tags t ON t.id = it.tag_id WHERE it.item_id = ? ORDER BY t.name'),
      setTagsText: prepare('UPDATE items SET tags_text = ?, updated_at = ? WHERE id = ?'),
      jobRow: prepare('SELECT id, operation, vendor, params, parent_item_id FROM jobs WHERE id = ?'),
      outputRow: prepare('SELECT id, kind, url, expires_at FROM outputs WHERE id = ?'),
      linkable: prepare(`SELECT id, title, remote_url, remote_expires_at, poster_path, updated_at FROM items
        WHERE id > (SELECT coalesce(max(id), 0) FROM items) - ? AND kind = ? AND remote_url IS NOT NULL
          AND (remote_expires_at IS NULL OR remote_expires_at > ?)
        ORDER BY id DESC LIMIT ?`),
      downloadsWithoutItem: prepare(`SELECT d.id FROM downloads d
        WHERE d.status = 'completed' AND d.finished_at >= ? AND d.id > ? AND d.path IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM items i WHERE i.path = d.path)
        ORDER BY d.id LIMIT ?`),
      firstAtOrAfter: prepare('SELECT id FROM items WHERE created_at >= ? ORDER BY created_at, id LIMIT 1'),
      lastBefore: prepare('SELECT id FROM items WHERE created_at < ? ORDER BY created_at DESC, id DESC LIMIT 1'),
      orderFacts: prepare('SELECT title, size_bytes, title_key, size_key FROM items WHERE id = ?'),
    };
    this.orders = ORDERED_INDEXES.map((index) => {
      const upsert = prepare(`INSERT OR REPLACE INTO ${index.fts} (rowid, title, prompt, tags, notes, extra) VALUES (?, ?, ?, ?, ?, ?)`);
      const remove = prepare(`DELETE FROM ${index.fts} WHERE rowid = ?`);
      // An item whose key a respread changed: its ordered row moves with it.
      const keys = new OrderKeys(db, index, (id, from, to) => {
        remove.run(from);
        upsert.run(to, ...indexRow(this.searchFacts(id)));
      });
      return { keys, upsert, remove };
    });
  }

  private stmt(name: string): StatementSync {
    const statement = this.stmts[name];
    if (!statement) throw new Error(`library: no statement ${name}`);
    return statement;
  }

  // ---------------------------------------------------------------- items

  row(id: number): ItemRow | undefined {
    return this.stmt('get').get(id) as ItemRow | undefined;
  }

  byPath(path: string): ItemRow | undefined {
    return this.stmt('byPath').get(path) as ItemRow | undefined;
  }

  /** The items saved from these job outputs (an output has at most one), by output id. */
  byOutputs(outputIds: readonly string[]): { outputId: string; item: StoredSummary }[] {
    if (!outputIds.length) return [];
    const rows = this.stmt('byOutputs').all(JSON.stringify(outputIds)) as unknown as (SummaryRow & { output_id: string })[];
    return rows.map((row) => ({ outputId: row.output_id, item: toSummary(row) }));
  }

  hasSameBytes(sizeBytes: number, sha256: string): boolean {
    return this.stmt('sameBytes').get(sizeBytes, sha256) !== undefined;
  }

  /** The grid's view of these items, in the given order. */
  summaries(ids: readonly number[]): StoredSummary[] {
    if (!ids.length) return [];
    const rows = this.stmt('summaries').all(JSON.stringify(ids)) as unknown as SummaryRow[];
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.flatMap((id) => {
      const row = byId.get(id);
      return row ? [toSummary(row)] : [];
    });
  }

  /**
   * Inserts items in one transaction, with their tags and search rows. Dates never go backwards: an
   * item is never dated before the newest item already there (see the schema's notes). Tags come
   * cleaned and without duplicates (see tags.ts).
   */
  insertItems(items: readonly NewItem[], now: number): string[] {
    return transaction(this.db, () => {
      let floor = (this.stmt('maxCreated').get() as { at: number | null }).at ?? 0;
      const ids: string[] = [];
      const tagIds = new Map<string, number>();
      for (const item of items) {
        const createdAt = Math.max(item.createdAt ?? now, floor);
        floor = createdAt;
        const tags = item.tags ?? [];
        const tagsText = tags.join('\n');
        const parentId = item.parentId && this.stmt('itemExists').get(rowId(item.parentId)) ? rowId(item.parentId) : null;
        const result = this.stmt('insert').run(
          item.path,
          item.title,
          item.kind,
          item.mime,
          item.sizeBytes,
          item.sha256,
          item.width ?? null,
          item.height ?? null,
          item.durationMs ?? null,
          createdAt,
          item.fileModifiedAt ?? null,
          item.source,
          item.vendor ?? null,
          item.operation ?? null,
          item.params ? JSON.stringify(item.params) : null,
          item.prompt ?? '',
          item.negativePrompt ?? '',
          item.remoteUrl ?? null,
          item.remoteExpiresAt ?? null,
          parentId,
          item.jobId ?? null,
          item.outputId ?? null,
          item.downloadId ?? null,
          item.favourite ? 1 : 0,
          item.notes ?? '',
          tagsText,
          now,
        );
        const id = Number(result.lastInsertRowid);
        for (const tag of tags) {
          let tagId = tagIds.get(tag.toLowerCase());
          if (tagId === undefined) {
            tagId = this.tagIdFor(tag);
            tagIds.set(tag.toLowerCase(), tagId);
          }
          this.stmt('tagLink').run(tagId, id);
          this.stmt('tagCount').run(1, tagId);
        }
        this.writeSearchRows(
          id,
          {
            title: item.title,
            prompt: item.prompt ?? '',
            tags: tagsText,
            notes: item.notes ?? '',
            labels: searchLabels(item.operation ?? null, item.params ?? null),
            kind: item.kind,
            operation: item.operation ?? null,
            favourite: item.favourite ?? false,
            missing: false,
            tagIds: tags.map((tag) => tagIds.get(tag.toLowerCase()) ?? 0),
            createdAt,
          },
          this.orderKeys(id),
        );
        ids.push(String(id));
      }
      return ids;
    });
  }

  /** Sets the given columns (names from the caller's own list, never user input); call inside a transaction, then `reindex`. */
  updateColumns(id: number, columns: Record<string, string | number | null>, now: number): void {
    const names = Object.keys(columns);
    this.db.prepare(`UPDATE items SET ${names.map((name) => `${name} = ?`).join(', ')}, updated_at = ? WHERE id = ?`).run(...Object.values(columns), now, id);
  }

  /** Forgets an item with its search rows and tag links; tag counts follow. */
  deleteItem(id: number): void {
    transaction(this.db, () => {
      this.db.prepare('UPDATE tags SET item_count = item_count - 1 WHERE id IN (SELECT tag_id FROM item_tags WHERE item_id = ?)').run(id);
      this.stmt('ftsDelete').run(ftsRowid(id));
      const order = this.orderFacts(id);
      this.orders.forEach(({ keys, remove }) => {
        const key = order?.[keys.index.key];
        if (key !== undefined && key !== null) remove.run(key);
      });
      this.db.prepare('DELETE FROM items WHERE id = ?').run(id);
      this.stmt('tagPrune').run();
    });
  }

  /** One page of (id, path, missing) in id order after `after`, for walking the whole library. */
  filesAfter(after: number, limit: number): { id: number; path: string; missing: number }[] {
    return this.db.prepare('SELECT id, path, missing FROM items WHERE id > ? ORDER BY id LIMIT ?').all(after, limit) as { id: number; path: string; missing: number }[];
  }

  setMissing(ids: readonly number[], missing: boolean, now: number): void {
    const mark = this.db.prepare('UPDATE items SET missing = ?, updated_at = ? WHERE id = ?');
    transaction(this.db, () => {
      for (const id of ids) {
        mark.run(missing ? 1 : 0, now, id);
        this.reindex(id);
      }
    });
  }

  setPath(id: number, path: string, fileModifiedAt: number, now: number): void {
    transaction(this.db, () => {
      this.db.prepare('UPDATE items SET path = ?, missing = 0, file_modified_at = ?, updated_at = ? WHERE id = ?').run(path, fileModifiedAt, now, id);
      this.reindex(id);
    });
  }

  /** The items an export was made from, in shot order (a deleted one is left out). */
  sources(id: number): ItemRow[] {
    return this.db
      .prepare('SELECT i.* FROM item_sources s JOIN items i ON i.id = s.source_item_id WHERE s.item_id = ? ORDER BY s.position')
      .all(id) as unknown as ItemRow[];
  }

  /** Records a poster file and fills in media facts the item does not have yet. */
  setPoster(id: number, file: string, media: { width: number | null; height: number | null; durationMs: number | null }, now: number): void {
    this.db
      .prepare(
        `UPDATE items SET poster_path = ?, width = coalesce(width, ?), height = coalesce(height, ?),
           duration_ms = coalesce(duration_ms, ?), updated_at = ? WHERE id = ?`,
      )
      .run(file, media.width, media.height, media.durationMs, now, id);
  }

  // ---------------------------------------------------------------- search rows

  private orderFacts(id: number): OrderFacts | undefined {
    return this.stmt('orderFacts').get(id) as OrderFacts | undefined;
  }

  private orderValue(facts: OrderFacts, index: OrderedIndex): string | number {
    return index.column === 'title' ? facts.title : facts.size_bytes;
  }

  /**
   * The item's key in each order, kept true: a new item (no keys yet) is placed; after a change of
   * title or size, a key that no longer sorts between its neighbours is replaced and its ordered
   * search row removed (`writeSearchRows` then writes the row at the new key).
   */
  private orderKeys(id: number): (number | null)[] {
    const facts = this.orderFacts(id);
    if (!facts) return [];
    return this.orders.map(({ keys, remove }) => {
      const key = facts[keys.index.key];
      const value = this.orderValue(facts, keys.index);
      if (keys.holds(key, value, id)) return key;
      if (key !== null) remove.run(key);
      // Placing ignores the item's own old key, so it never collides with it.
      return keys.place(id, value);
    });
  }

  /** The item's rows in every search index: by id, and at its keys (`orderKeys`) in title and size order. */
  private writeSearchRows(id: number, facts: IndexFacts, keys: readonly (number | null)[]): void {
    const row = indexRow(facts);
    this.stmt('ftsUpsert').run(ftsRowid(id), ...row);
    this.orders.forEach(({ upsert }, i) => {
      const key = keys[i];
      if (key !== undefined && key !== null) upsert.run(key, ...row);
    });
    for (const word of prefixWords(facts)) {
      if (this.knownTerms.has(word)) continue;
      this.stmt('termInsert').run(word);
      if (this.knownTerms.size >= KNOWN_TERMS_MAX) this.knownTerms.clear();
      this.knownTerms.add(word);
    }
  }

  /** What the search indexes hold of an item, from its current state. */
  private searchFacts(id: number): IndexFacts {
    const row = this.row(id);
    if (!row) throw new AppError('not_found', `Library item ${id} does not exist (it may have been deleted).`);
    const item = toItem(row);
    return {
      ...item,
      tags: item.tags.join('\n'),
      labels: searchLabels(item.operation, item.params),
      tagIds: (this.stmt('itemTagIds').all(id) as { tag_id: number }[]).map((tag) => tag.tag_id),
    };
  }

  /** Rewrites an item's search rows from its current state; call inside the transaction that changed it. */
  reindex(id: number): void {
    const facts = this.searchFacts(id);
    this.stmt('tagCopies').run(facts.title, facts.favourite ? 1 : 0, facts.missing ? 1 : 0, id);
    this.writeSearchRows(id, facts, this.orderKeys(id));
  }

  /** Up to `limit` indexed words in [from, to]. */
  termsBetween(from: string, to: string, limit: number): string[] {
    return (this.stmt('termsFrom').all(from, to, limit) as { term: string }[]).map((row) => row.term);
  }

  /** Ids (up to `limit`) of index rows matching an FTS5 expression, within the item id range [lo, hi]. */
  matchIds(match: string, lo: number, hi: number, limit: number): number[] {
    return (this.stmt('matchIds').all(match, hi, lo, limit) as { id: number }[]).map((row) => row.id);
  }

  /** The first item created at or after `at`, and the last created before it. */
  firstIdAtOrAfter(at: number): number | undefined {
    return (this.stmt('firstAtOrAfter').get(at) as { id: number } | undefined)?.id;
  }

  lastIdBefore(at: number): number | undefined {
    return (this.stmt('lastBefore').get(at) as { id: number } | undefined)?.id;
  }

  // ---------------------------------------------------------------- tags

  tagIdOf(name: string): number | undefined {
    return (this.stmt('tagId').get(name) as { id: number } | undefined)?.id;
  }

  tagIdFor(name: string): number {
    return this.tagIdOf(name) ?? (this.stmt('tagInsert').get(name) as { id: number }).id;
  }

  /** Links a tag to an item; false when it already was. The tag's count follows. */
  link(tagId: number, itemId: number): boolean {
    if (!this.stmt('tagLink').run(tagId, itemId).changes) return false;
    this.stmt('tagCount').run(1, tagId);
    return true;
  }

  unlink(tagId: number, itemId: number): boolean {
    if (!this.stmt('tagUnlink').run(tagId, itemId).changes) return false;
    this.stmt('tagCount').run(-1, tagId);
    return true;
  }

  pruneTags(): void {
    this.stmt('tagPrune').run();
  }

  /** Rewrites the item's `tags_text` from its links, in name order. */
  writeTagsText(itemId: number, now: number): void {
    const text = (this.stmt('itemTagNames').all(itemId) as { name: string }[]).map((r) => r.name).join('\n');
    this.stmt('setTagsText').run(text, now, itemId);
  }

  tagCounts(limit: number): TagCount[] {
    return (this.db.prepare('SELECT name, item_count AS count FROM tags ORDER BY item_count DESC, name LIMIT ?').all(limit) as unknown as TagCount[]).map(({ name, count }) => ({
      name,
      count,
    }));
  }

  // ---------------------------------------------------------------- lineage and links

  /** The item's parent, grandparent… up to `max` steps, oldest first. */
  ancestors(id: number, max: number): ItemRow[] {
    return this.db
      .prepare(
        `WITH RECURSIVE up(id, depth) AS (
           SELECT parent_id, 1 FROM items WHERE id = ? AND parent_id IS NOT NULL
           UNION ALL
           SELECT i.parent_id, up.depth + 1 FROM items i JOIN up ON i.id = up.id WHERE i.parent_id IS NOT NULL AND up.depth < ?
         )
         SELECT ${ITEM_COLUMNS} FROM up JOIN items i ON i.id = up.id ORDER BY up.depth DESC`,
      )
      .all(id, max) as unknown as ItemRow[];
  }

  /** What was made from the item, and from those…, nearest first, up to `max` steps and rows. */
  descendants(id: number, max: number): (ItemRow & { depth: number })[] {
    return this.db
      .prepare(
        `WITH RECURSIVE down(id, depth) AS (
           SELECT id, 1 FROM items WHERE parent_id = ?
           UNION ALL
           SELECT i.id, down.depth + 1 FROM items i JOIN down ON i.parent_id = down.id WHERE down.depth < ?
         )
         SELECT ${ITEM_COLUMNS}, down.depth AS depth FROM down JOIN items i ON i.id = down.id ORDER BY down.depth, i.id LIMIT ?`,
      )
      .all(id, max, max) as unknown as (ItemRow & { depth: number })[];
  }

  /** Items of a kind among the newest `lookback` whose remote URL is unexpired at `usableAt`, newest first. */
  linkable(lookback: number, kind: MediaKind, usableAt: number, limit: number): LinkableRow[] {
    return this.stmt('linkable').all(lookback, kind, usableAt, limit) as unknown as LinkableRow[];
  }

  // ---------------------------------------------------------------- jobs and downloads

  jobRow(jobId: string): JobRow | undefined {
    return this.stmt('jobRow').get(jobId) as JobRow | undefined;
  }

  outputRow(outputId: string): OutputRow | undefined {
    return this.stmt('outputRow').get(outputId) as OutputRow | undefined;
  }

  downloadsWithoutItem(since: number, after: string, limit: number): string[] {
    return (this.stmt('downloadsWithoutItem').all(since, after, limit) as { id: string }[]).map((row) => row.id);
  }

  /** Lets SQLite refresh its planner statistics when they are stale (cheap when they are not). */
  optimize(): void {
    this.db.exec('PRAGMA optimize');
  }
}
