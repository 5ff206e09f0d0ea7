import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, isAbsolute, join, normalize } from 'node:path';
import type { Download } from '@shared/downloads';
import { AppError } from '@shared/errors';
import {
  LIBRARY_COUNT_CAP,
  LIBRARY_PAGE_MAX,
  LINKABLE_LOOKBACK,
  POSTER_MAX_BYTES,
  type ChainBlock,
  type ChainOption,
  type ImportResult,
  type LibraryFilters,
  type LibraryQuery,
  type LibrarySort,
  type LibraryUpdate,
  type LinkableItem,
  type MissingCheckResult,
  type TagCount,
} from '@shared/library';
import { getParam, isOperationId, OPERATION_IDS, OPERATION_LIST, OPERATIONS, promptOf, setParam, type MediaKind, type OperationId, type VendorId } from '@shared/catalog';
import { SNIFF_BYTES, sniffMedia } from '@shared/sniff';
import { transaction, type Database } from '../db/database';
import type { Logger } from '../log';
import { sha256File, walkFiles } from './files';
import { readHead } from '../fs/head';
import type { MediaTarget } from '../fs/serve';
import { probeFile } from './probe';
import { allOf, ftsRowid, keysExpression, monthsExpression, textExpression, type KeyFilter } from './search-text';
import { ItemRepo, rowId, toItem, type NewItem, type StoredItem, type StoredSummary } from './item-repo';

import { exists, type LibraryChange, type LibraryContext } from './context';
import { changeTags, cleanTag, cleanTags, listTags } from './tags';

export type { NewItem, StoredItem, StoredSummary } from './item-repo';
export type { LibraryChange } from './context';

export interface StoredPage {
  items: StoredSummary[];
  nextCursor: string | null;
  total?: { count: number; capped: boolean };
}

/** What the store needs of a job; the engine's `Job` fits. */
export interface JobSource {
  id: string;
  operation: OperationId;
  vendor: VendorId;
  params: Record<string, unknown>;
  parentItemId: string | null;
}

/** What the store needs of a job output; the engine's `JobOutput` fits. */
export interface OutputSource {
  id: string;
  kind: MediaKind | null;
  url: string | null;
  expiresAt: number | null;
}

export interface LibraryStoreOptions {
  /** Thumbnails go to `<dataDir>/thumbnails/`. */
  dataDir: string;
  /** Moves a file to the OS trash (the `trash` package in Node, `shell.trashItem` in Electron). */
  trashFile: (path: string) => Promise<void>;
  now?: () => number;
  log?: Logger;
}

/** A chained Haiper job fetches the URL some time after the user clicks; allow for that. */
const URL_MARGIN_MS = 5 * 60_000;
const IMPORT_BATCH = 200;
const MISSING_BATCH = 500;
const LINEAGE_MAX = 500;
/**
 * Title/size order: up to KEYS_SORT_MAX matches are fetched by id and sorted; a date range of up to
 * RANGE_SORT_MAX ids is read in rowid order (sequential, cheaper per row) and sorted. Beyond either,
 * walking the order's index is cheaper. Tuned with bench/library.ts at a million items.
 */
const KEYS_SORT_MAX = 2_000;
const RANGE_SORT_MAX = 20_000;
/** A typed prefix standing for more words than this is left to FTS5 to expand. */
const PREFIX_WORDS_MAX = 16;
/** Adds the host's media URLs to a stored item or summary, for IPC results and events. */
export function toWire<T extends StoredSummary>(item: T, mediaUrlPrefix: string): Omit<T, 'posterPath' | 'updatedAt'> & { mediaUrl: string; posterUrl: string | null } {
  const { posterPath, updatedAt, ...rest } = item;
  return {
    ...rest,
    mediaUrl: `${mediaUrlPrefix}${item.id}`,
    posterUrl: posterUrlOf({ id: item.id, posterPath, updatedAt }, mediaUrlPrefix),
  };
}

/** The poster's media URL, versioned by the item's last change so a new poster is not served from cache. */
export function posterUrlOf(item: { id: string; posterPath: string | null; updatedAt: number }, mediaUrlPrefix: string): string | null {
  return item.posterPath ? `${mediaUrlPrefix}${item.id}/poster?v=${item.updatedAt}` : null;
}

function mediaKindOf(contentType: string | null): MediaKind | null {
  if (contentType?.startsWith('video/')) return 'video';
  if (contentType?.startsWith('image/')) return 'image';
  return null;
}

function titleOf(path: string): string {
  const name = basename(path);
  return name.slice(0, name.length - extname(name).length) || name;
}

/** "960*960" → 960 × 960, as HiDream's resolution parameter says. */
function resolutionOf(params: Record<string, unknown>): { width: number; height: number } | null {
  const value = params['resolution'];
  const match = typeof value === 'string' ? /^(\d+)\*(\d+)$/.exec(value) : null;
  return match ? { width: Number(match[1]), height: Number(match[2]) } : null;
}

function negativePromptOf(operation: OperationId, params: Record<string, unknown>): string {
  const field = OPERATIONS[operation].fields.find((f) => f.type === 'text' && f.role === 'negative_prompt');
  const value = field ? getParam(params, field.key) : undefined;
  return typeof value === 'string' ? value : '';
}

interface Cursor {
  sort: LibrarySort;
  value: string | number;
  id: number;
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.sort, cursor.value, cursor.id])).toString('base64url');
}

function decodeCursor(text: string, sort: LibrarySort): Cursor {
  try {
    const [s, value, id] = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown[];
    if (s === sort && (typeof value === 'string' || typeof value === 'number') && typeof id === 'number' && Number.isSafeInteger(id)) {
      return { sort, value, id };
    }
  } catch {
    // fall through to the error below
  }
  throw new AppError('invalid_input', 'The page cursor does not belong to this search; start again from the first page.');
}

type SortColumn = 'title' | 'size_bytes';
const FLIPPED = { '<': '>', '>': '<', '<=': '>=', '>=': '<=' } as const;
type IdRange = { lo?: number; hi?: number };
interface Hit {
  id: number;
  v?: string | number;
}
/** One query of a search plan: its rows, its id column, and its own conditions. */
interface Plan {
  from: string;
  /** The column the plan's ids are read from: the item id, or the search index's rowid (its negation). */
  id: string;
  /** True when `id` holds the negated item id (`items_fts`, see `ftsRowid`): conditions and order flip. */
  negated: boolean;
  /** The id column as range conditions name it (`+i.id` keeps SQLite from reading by rowid instead of the index). */
  rangeId: string;
  where: string[];
  params: (string | number)[];
  /** Whose sort column is read: the item's (`i`) or its copy in item_tags (`t`). */
  sortTable: 'i' | 't';
  /** Read in another order and sort (`+column` keeps SQLite from walking the order's index). */
  sortInMemory: boolean;
}

/** ORDER BY and keyset condition per sort; the title column collates NOCASE by its declaration. */
const SORTS: Record<LibrarySort, { column: SortColumn | null; desc: boolean }> = {
  newest: { column: null, desc: true },
  oldest: { column: null, desc: false },
  title_asc: { column: 'title', desc: false },
  title_desc: { column: 'title', desc: true },
  largest: { column: 'size_bytes', desc: true },
  smallest: { column: 'size_bytes', desc: false },
};

export class LibraryStore {
  private readonly db: Database;
  private readonly options: LibraryStoreOptions;
  private readonly now: () => number;
  private readonly thumbnailDir: string;
  private readonly listeners = new Set<(change: LibraryChange) => void>();
  private readonly repo: ItemRepo;
  private readonly ctx: LibraryContext;

  constructor(db: Database, options: LibraryStoreOptions) {
    this.db = db;
    this.options = options;
    this.now = options.now ?? Date.now;
    this.thumbnailDir = join(options.dataDir, 'thumbnails');
    mkdirSync(this.thumbnailDir, { recursive: true });
    this.repo = new ItemRepo(db);
    this.ctx = { repo: this.repo, now: this.now, log: options.log, thumbnailDir: this.thumbnailDir, get: (id) => this.get(id), emit: (change) => this.emit(change) };
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
  async check(id: string): Promise<StoredItem> {
    const item = this.get(id);
    const present = await exists(item.path);
    if (present === !item.missing) return item;
    this.setMissing([rowId(id)], !present);
    const updated = this.get(id);
    this.emit({ type: 'updated', item: updated });
    return updated;
  }

  /**
   * One page of items matching the query's text and filters, in the query's order. Paging is by keyset
   * (the cursor holds the last row's sort key and id), so page 5,000 costs what page 1 does.
   *
   * The page's ids are found first, reading as little as possible, then only those rows are loaded.
   * The plan is chosen here from exact counts, rather than left to SQLite's averages-only statistics
   * (which cannot see that, say, every "extend" title sorts after every "generate" title):
   * - text, or filters in date order: one FTS5 query (text and filter keys intersected inside FTS5),
   *   read in rowid order — which is date order — and stopped after a page;
   * - title or size order: a short date range is read by rowid and sorted; filters matching few items
   *   (read from FTS5 up to a cap) are sorted from their ids; otherwise ordered index slices are read,
   *   one per operation, and merged: from item_tags' (tag, operation, order) index for a tag, from
   *   the items' (operation, order) index for an operation, vendor or kind; the order's own covering
   *   index for the rest;
   * - text in title or size order sorts every match: quick for specific text, slower for text that
   *   matches a large part of the library.
   */
  search(query: LibraryQuery = {}): StoredPage {
    const sort = query.sort ?? 'newest';
    const limit = Math.min(Math.max(query.limit ?? 100, 1), LIBRARY_PAGE_MAX);
    const cursor = query.cursor ? decodeCursor(query.cursor, sort) : null;
    const filter = this.keyFilter(query);
    const range = filter && this.idRange(query);
    if (!filter || !range) return { items: [], nextCursor: null, ...(query.withTotal ? { total: { count: 0, capped: false } } : {}) };
    const text = textExpression(query.text ?? '', this.expandPrefix);
    const keys = keysExpression(filter);
    const months = monthsExpression(query.from, query.to);
    const match = allOf(text, keys, months);
    const { column, desc } = SORTS[sort];

    const plans = this.plans(match, keys !== null, filter, range, column, text !== null);
    const dir = desc ? 'DESC' : 'ASC';
    const build = (plan: Plan): { sql: string; params: (string | number)[] } => {
      const where = [...plan.where];
      const params = [...plan.params];
      /** `column op id`, with the comparison turned around where the column holds negated ids. */
      const idCondition = (column: string, op: '<' | '>' | '<=' | '>=', id: number): void => {
        where.push(`${column} ${plan.negated ? FLIPPED[op] : op} ?`);
        params.push(plan.negated ? ftsRowid(id) : id);
      };
      if (range.lo !== undefined) idCondition(plan.rangeId, '>=', range.lo);
      if (range.hi !== undefined) idCondition(plan.rangeId, '<=', range.hi);
      const cmp = desc ? '<' : '>';
      const sortKey = column ? `${plan.sortTable}.${column}` : null;
      const tieId = plan.sortTable === 't' ? 't.item_id' : 'i.id';
      if (cursor && sortKey) {
        where.push(`(${sortKey}, ${tieId}) ${cmp} (?, ?)`);
        params.push(cursor.value, cursor.id);
      } else if (cursor) {
        idCondition(plan.id, cmp, cursor.id);
      }
      const idDir = desc !== plan.negated ? 'DESC' : 'ASC';
      const order = sortKey ? `${plan.sortInMemory ? '+' : ''}${sortKey} ${dir}, ${tieId} ${dir}` : `${plan.id} ${idDir}`;
      params.push(limit + 1);
      return {
        sql: `SELECT ${plan.negated ? '-' : ''}${plan.id} AS id${sortKey ? `, ${sortKey} AS v` : ''} FROM ${plan.from} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${order} LIMIT ?`,
        params,
      };
    };
    const parts = plans.map(build);
    // Several ordered slices (one per operation) are merged by SQLite: each is read up to a page, then
    // the union is sorted once more.
    const [single] = parts;
    const statement =
      parts.length === 1 && single
        ? single
        : {
            sql: `${parts.map((part) => `SELECT id, v FROM (${part.sql})`).join(' UNION ALL ')} ORDER BY v${column === 'title' ? ' COLLATE NOCASE' : ''} ${dir}, id ${dir} LIMIT ?`,
            params: [...parts.flatMap((part) => part.params), limit + 1],
          };
    const hits = this.db.prepare(statement.sql).all(...statement.params) as unknown as Hit[];

    const pageHits = hits.slice(0, limit);
    const last = pageHits.at(-1);
    const page: StoredPage = {
      items: this.repo.summaries(pageHits.map((hit) => hit.id)),
      nextCursor: hits.length > limit && last ? encodeCursor({ sort, value: last.v ?? last.id, id: last.id }) : null,
    };
    if (query.withTotal) page.total = this.count(match, range);
    return page;
  }

  /** The indexed words starting with a (folded) prefix; null when there are too many to list. */
  private readonly expandPrefix = (prefix: string): string[] | null => {
    const terms = this.repo.termsBetween(prefix, `${prefix}\u{10FFFF}`, PREFIX_WORDS_MAX + 1);
    return terms.length > PREFIX_WORDS_MAX ? null : terms;
  };

  /** How to find a page: one query, or several whose sorted results are merged (see `search`). */
  private plans(match: string | null, hasKeys: boolean, filter: KeyFilter, range: IdRange, column: SortColumn | null, hasText: boolean): Plan[] {
    const fts: Plan = {
      from: column ? 'items_fts CROSS JOIN items i ON i.id = -items_fts.rowid' : 'items_fts',
      id: 'items_fts.rowid',
      negated: true,
      // Not passed to FTS5 as bounds (it walks a large doclist to reach them); the month keys in the
      // match bring the scan to the range, and the exact edges are tested here.
      rangeId: '+items_fts.rowid',
      where: ['items_fts MATCH ?'],
      params: [match ?? ''],
      sortTable: 'i',
      sortInMemory: false,
    };
    const scan = (from: string, rangeId: string, sortInMemory: boolean, group?: OperationId | null): Plan => {
      const where: string[] = group === undefined ? [] : [group === null ? 'i.operation IS NULL' : 'i.operation = ?'];
      const params: (string | number)[] = group ? [group] : [];
      this.columnFilters(filter, where, params);
      return { from, id: 'i.id', negated: false, rangeId, where, params, sortTable: 'i', sortInMemory };
    };
    if (hasText || (hasKeys && column === null)) return [fts];
    if (column === null) return [scan('items i', 'i.id', false)];
    // A short date range: read it by rowid (NOT INDEXED: SQLite would rather walk an operation's slice).
    if (range.lo !== undefined && range.hi !== undefined && range.hi - range.lo < RANGE_SORT_MAX) return [scan('items i NOT INDEXED', 'i.id', true)];
    if (match !== null && (filter.favourite || filter.missing)) {
      // Favourites and missing files can be rare anywhere in the order, so an ordered slice might be
      // walked far for a page: first read a few matches from FTS5 and, if that is all, sort them by id.
      // The other filters need no such probe: every item of an operation's slice (or a tag's) is of
      // that operation and kind, so the slices below yield a page almost at once.
      const ids = this.repo.matchIds(match, range.lo ?? 0, range.hi ?? Number.MAX_SAFE_INTEGER, KEYS_SORT_MAX);
      if (ids.length < KEYS_SORT_MAX) {
        return [{ from: 'items i', id: 'i.id', negated: false, rangeId: 'i.id', where: ['i.id IN (SELECT value FROM json_each(?))'], params: [JSON.stringify(ids)], sortTable: 'i', sortInMemory: true }];
      }
    }
    const suffix = column === 'title' ? 'title' : 'size';
    // Ordered slices, one per operation (imported items have none), merged by SQLite: each slice is
    // already in order whatever the correlation between titles and operations.
    const ops = filter.operations ?? (filter.kind ? OPERATION_IDS.filter((op) => OPERATIONS[op].output === filter.kind) : null);
    if (filter.tagId !== undefined) {
      // A tag's slices come from item_tags, whose copies of the item's columns answer every filter.
      const tagId = filter.tagId;
      const groups: (OperationId | null)[] = filter.operations ? [...(ops ?? [])] : [...(ops ?? OPERATION_IDS), null];
      return groups.map((op) => {
        const where = ['t.tag_id = ?', op === null ? 't.operation IS NULL' : 't.operation = ?'];
        const params: (string | number)[] = op === null ? [tagId] : [tagId, op];
        this.columnFilters({ ...filter, operations: undefined, tagId: undefined }, where, params, 't');
        return { from: `item_tags t INDEXED BY item_tags_by_${suffix}`, id: 't.item_id', negated: false, rangeId: '+t.item_id', where, params, sortTable: 't', sortInMemory: false };
      });
    }
    if (ops) {
      const groups: (OperationId | null)[] = filter.operations ? [...ops] : [...ops, null];
      return groups.map((op) => scan(`items i INDEXED BY items_by_operation_${suffix}`, '+i.id', false, op));
    }
    return [scan(`items i INDEXED BY items_by_${suffix}`, '+i.id', false)];
  }

  /** Matches counted up to LIBRARY_COUNT_CAP, in FTS5 when there is text or a filter. */
  private count(match: string | null, range: IdRange): { count: number; capped: boolean } {
    const n =
      match === null
        ? (this.db.prepare('SELECT count(*) AS n FROM (SELECT 1 FROM items WHERE id >= ? AND id <= ? LIMIT ?)').get(range.lo ?? 0, range.hi ?? Number.MAX_SAFE_INTEGER, LIBRARY_COUNT_CAP + 1) as { n: number }).n
        : (this.db
            .prepare('SELECT count(*) AS n FROM (SELECT 1 FROM items_fts WHERE items_fts MATCH ? AND +rowid >= -? AND +rowid <= -? LIMIT ?)')
            .get(match, range.hi ?? Number.MAX_SAFE_INTEGER, range.lo ?? 0, LIBRARY_COUNT_CAP + 1) as { n: number }).n;
    return { count: Math.min(n, LIBRARY_COUNT_CAP), capped: n > LIBRARY_COUNT_CAP };
  }

  /** The kind / vendor / operation / favourite / missing / tag filters as keys; null when nothing can match. */
  private keyFilter(filters: LibraryFilters): KeyFilter | null {
    const filter: KeyFilter = { kind: filters.kind, favourite: filters.favourite, missing: filters.missing };
    if (filters.operation || filters.vendor) {
      // Job items are what their operation makes, so "Haiper images" is known to be empty up front.
      const ops = Object.values(OPERATIONS).filter(
        (op) => (!filters.operation || op.id === filters.operation) && (!filters.vendor || op.vendor === filters.vendor) && (!filters.kind || op.output === filters.kind),
      );
      if (!ops.length) return null;
      filter.operations = ops.map((op) => op.id);
    }
    if (filters.tag !== undefined) {
      const tagId = this.repo.tagIdOf(cleanTag(filters.tag));
      if (tagId === undefined) return null;
      filter.tagId = tagId;
    }
    return filter;
  }

  /** A date range as the id range it covers (ids and dates grow together); null when it is empty. */
  private idRange(filters: LibraryFilters): IdRange | null {
    const range: IdRange = {};
    if (filters.from !== undefined) {
      const lo = this.repo.firstIdAtOrAfter(filters.from);
      if (lo === undefined) return null;
      range.lo = lo;
    }
    if (filters.to !== undefined) {
      const hi = this.repo.lastIdBefore(filters.to);
      if (hi === undefined) return null;
      range.hi = hi;
    }
    return range.lo !== undefined && range.hi !== undefined && range.lo > range.hi ? null : range;
  }

  /** The filters as column tests, for walking a covering index. */
  private columnFilters(filter: KeyFilter, where: string[], params: (string | number)[], table: 'i' | 't' = 'i'): void {
    if (filter.kind) {
      where.push(`${table}.kind = ?`);
      params.push(filter.kind);
    }
    if (filter.operations) {
      where.push(`${table}.operation IN (${filter.operations.map(() => '?').join(', ')})`);
      params.push(...filter.operations);
    }
    if (filter.favourite) where.push(`${table}.favourite = 1`);
    if (filter.missing) where.push(`${table}.missing = 1`);
    if (filter.tagId !== undefined) {
      where.push('EXISTS (SELECT 1 FROM item_tags t WHERE t.tag_id = ? AND t.item_id = i.id)');
      params.push(filter.tagId);
    }
  }

  listTags(limit = 500): TagCount[] {
    return listTags(this.ctx, limit);
  }

  /** Where the item came from and what was made from it, following `parentId` both ways. */
  lineage(id: string): { ancestors: StoredItem[]; item: StoredItem; descendants: { item: StoredItem; depth: number }[] } {
    const item = this.get(id);
    const ancestors = this.repo.ancestors(rowId(id), LINEAGE_MAX).map(toItem);
    const descendants = this.repo.descendants(rowId(id), LINEAGE_MAX).map((row) => ({ item: toItem(row), depth: row.depth }));
    return { ancestors, item, descendants };
  }

  /**
   * What this item can feed right now: every operation whose input accepts the item's kind. One that
   * takes a local file can use any item still on disk; the others take only a public URL: the item's
   * own remote URL, while it works.
   */
  chainOptions(id: string): ChainOption[] {
    const item = this.get(id);
    const now = this.now();
    const urlBlock = (): ChainBlock | undefined => {
      if (!item.remoteUrl) return { code: 'no_remote_url' };
      if (item.remoteExpiresAt === null) return undefined;
      if (item.remoteExpiresAt <= now) return { code: 'remote_url_expired', expiredAt: item.remoteExpiresAt };
      if (item.remoteExpiresAt <= now + URL_MARGIN_MS) return { code: 'remote_url_expiring', expiresAt: item.remoteExpiresAt };
      return undefined;
    };
    const viaUrl = (operation: OperationId, extra: Record<string, unknown> = {}): ChainOption => {
      const blocked = urlBlock();
      const params: Record<string, unknown> = { ...extra };
      const field = OPERATIONS[operation].inputField;
      if (!blocked && item.remoteUrl && field) setParam(params, field, item.remoteUrl);
      return {
        operation,
        possible: !blocked,
        ...(blocked ? { blocked } : {}),
        ...(!blocked && item.remoteExpiresAt === null ? { expiryUnknown: true } : {}),
        params,
        parentItemId: item.id,
      };
    };
    const viaFile = (operation: OperationId): ChainOption =>
      item.missing
        ? { operation, possible: false, blocked: { code: 'file_missing' }, params: {}, parentItemId: item.id }
        : { operation, possible: true, params: {}, file: item.path, parentItemId: item.id };
    const feeds = OPERATION_LIST.filter((spec) => spec.accepts === item.kind);
    // What takes the local file comes first: it works whatever happened to the remote URL.
    return [
      ...feeds.filter((spec) => spec.fileField).map((spec) => viaFile(spec.id)),
      ...feeds.filter((spec) => !spec.fileField).map((spec) => viaUrl(spec.id, spec.keepsPrompt && item.prompt ? { prompt: item.prompt } : {})),
    ];
  }

  /**
   * Items of a kind whose remote URL a job fetching it in a few minutes can still use (an unknown
   * expiry counts as usable, as in `chainOptions`), newest first, among the newest LINKABLE_LOOKBACK
   * items: older links have long expired, and the scan stays short at any library size.
   */
  linkable(kind: MediaKind, limit: number): (Omit<LinkableItem, 'posterUrl'> & { posterPath: string | null; updatedAt: number })[] {
    const rows = this.repo.linkable(LINKABLE_LOOKBACK, kind, this.now() + URL_MARGIN_MS, limit);
    return rows.map((row) => ({
      id: String(row.id),
      title: row.title,
      kind,
      url: row.remote_url,
      expiresAt: row.remote_expires_at,
      posterPath: row.poster_path,
      updatedAt: row.updated_at,
    }));
  }

  /**
   * The file behind a media URL path (`/<id>` or `/<id>/poster`), for the hosts' media routes, which
   * serve it through `mediaReply` only while it is still a plain file inside `root`: a poster inside
   * the thumbnails folder, an item in the folder it was recorded in.
   */
  resolveMedia(pathname: string): MediaTarget | undefined {
    const match = /^\/?([1-9]\d{0,14})(\/poster)?\/?$/.exec(pathname);
    if (!match?.[1]) return undefined;
    const row = this.repo.row(Number(match[1]));
    if (!row) return undefined;
    if (match[2]) return row.poster_path ? { path: row.poster_path, mime: 'image/png', root: this.thumbnailDir } : undefined;
    return { path: row.path, mime: row.mime, root: dirname(row.path) };
  }

  // ---------------------------------------------------------------- writing

  /**
   * Inserts items in one transaction, with their tags and search rows. Dates never go backwards: an
   * item is never dated before the newest item already there (see the schema's notes).
   */
  insertItems(items: readonly NewItem[]): string[] {
    const cleaned = items.map((item) => (item.tags ? { ...item, tags: cleanTags(item.tags) } : item));
    return this.repo.insertItems(cleaned, this.now());
  }

  /**
   * Makes a completed download a library item: the file's facts from the disk, the rest from its job
   * and output (looked up by id when not given). Adding the same file twice returns the existing item.
   */
  async addFromDownload(download: Download, job?: JobSource | null, output?: OutputSource | null): Promise<StoredItem> {
    if (download.status !== 'completed' || !download.path) {
      throw new AppError('invalid_input', `Download ${download.id} is not completed, so there is no file to add to the library.`);
    }
    const path = normalize(download.path);
    const existing = this.repo.byPath(path);
    if (existing) return toItem(existing);
    const jobInfo = job === undefined ? this.jobSource(download.jobId) : job;
    const outputInfo = output === undefined ? this.outputSource(download.outputId) : output;

    let info;
    let fileStat;
    try {
      fileStat = await stat(path);
      info = await probeFile(path);
    } catch (error) {
      throw new AppError('not_found', `The downloaded file ${path} cannot be read, so it was not added to the library.`, { cause: error });
    }
    const params = jobInfo?.params ?? null;
    const operation = jobInfo?.operation ?? null;
    const resolution = params ? resolutionOf(params) : null;
    const duration = operation === 'haiper.generate' && params ? getParam(params, 'settings.duration') : undefined;
    // A job item is what its operation makes (filters rely on it); the file's bytes decide otherwise.
    const kind = operation ? OPERATIONS[operation].output : (info?.kind ?? outputInfo?.kind ?? mediaKindOf(download.contentType) ?? 'video');
    if (info && info.kind !== kind) this.options.log?.warn('library: file kind differs from its operation', { path, operation, detected: info.kind });
    const contentType = mediaKindOf(download.contentType) === kind ? download.contentType : null;
    const newItem: NewItem = {
      path,
      title: titleOf(path),
      kind,
      mime: (info?.kind === kind ? info.mime : null) ?? contentType ?? (kind === 'video' ? 'video/mp4' : 'image/png'),
      sizeBytes: fileStat.size,
      sha256: download.sha256 ?? (await sha256File(path)),
      width: info?.width ?? resolution?.width ?? null,
      height: info?.height ?? resolution?.height ?? null,
      durationMs: info?.durationMs ?? (typeof duration === 'number' ? duration * 1000 : null),
      createdAt: download.finishedAt ?? this.now(),
      fileModifiedAt: Math.round(fileStat.mtimeMs),
      source: 'job',
      vendor: jobInfo?.vendor ?? null,
      operation,
      params,
      prompt: params ? promptOf(params) : '',
      negativePrompt: params && operation ? negativePromptOf(operation, params) : '',
      remoteUrl: download.url || outputInfo?.url || null,
      remoteExpiresAt: download.expiresAt ?? outputInfo?.expiresAt ?? null,
      parentId: jobInfo?.parentItemId ?? null,
      jobId: jobInfo?.id ?? download.jobId,
      outputId: outputInfo?.id ?? download.outputId,
      downloadId: download.id,
    };
    let id: string;
    try {
      [id = ''] = this.insertItems([newItem]);
    } catch (error) {
      // A second listener call for the same file raced us to the insert.
      const raced = this.repo.byPath(path);
      if (raced) return toItem(raced);
      throw error;
    }
    const item = this.get(id);
    this.emit({ type: 'updated', item });
    return item;
  }

  /**
   * Completed downloads (finished at or after `since`) whose file is no library item, in id order after
   * `after`: what another process sharing the database downloaded, for the intake's sweep.
   */
  completedDownloadsWithoutItem(since: number, after: string, limit: number): string[] {
    return this.repo.downloadsWithoutItem(since, after, limit);
  }

  private jobSource(jobId: string | null): JobSource | null {
    if (!jobId) return null;
    const row = this.repo.jobRow(jobId);
    if (!row || !isOperationId(row.operation)) return null;
    let params: Record<string, unknown> = {};
    try {
      params = JSON.parse(row.params) as Record<string, unknown>;
    } catch {
      this.options.log?.warn('library: job params are not JSON', { jobId });
    }
    return { id: row.id, operation: row.operation, vendor: row.vendor, params, parentItemId: row.parent_item_id };
  }

  private outputSource(outputId: string | null): OutputSource | null {
    if (!outputId) return null;
    const row = this.repo.outputRow(outputId);
    return row ? { id: row.id, kind: row.kind, url: row.url, expiresAt: row.expires_at } : null;
  }

  /**
   * Adds every video and image under `dir` (recognised by their bytes, not their names). Files already
   * in the library, by path or by content, are skipped. Nothing is known of their making: they are found
   * by name, tags and notes.
   */
  async importFolder(dir: string, options: { tags?: string[] } = {}): Promise<ImportResult> {
    if (!isAbsolute(dir)) throw new AppError('invalid_input', `Give the folder as an absolute path (got "${dir}").`);
    const root = normalize(dir);
    const info = await stat(root).catch(() => null);
    if (!info) throw new AppError('not_found', `The folder ${root} does not exist.`);
    if (!info.isDirectory()) throw new AppError('invalid_input', `${root} is a file, not a folder.`);
    const tags = (options.tags ?? []).map(cleanTag);
    const result: ImportResult = { added: 0, duplicates: 0, unsupported: 0, failed: 0 };
    const seen = new Set<string>();
    let batch: NewItem[] = [];
    const flush = (): void => {
      if (!batch.length) return;
      result.added += this.insertItems(batch).length;
      batch = [];
    };
    for await (const path of walkFiles(root)) {
      try {
        if (this.repo.byPath(path)) {
          result.duplicates++;
          continue;
        }
        const type = sniffMedia(await readHead(path, SNIFF_BYTES));
        if (!type) {
          result.unsupported++;
          continue;
        }
        const [fileStat, media, sha256] = await Promise.all([stat(path), probeFile(path), sha256File(path)]);
        const key = `${fileStat.size}:${sha256}`;
        if (seen.has(key) || this.repo.hasSameBytes(fileStat.size, sha256)) {
          result.duplicates++;
          continue;
        }
        seen.add(key);
        batch.push({
          path,
          title: titleOf(path),
          kind: media?.kind ?? type.kind,
          mime: media?.mime ?? type.mime,
          sizeBytes: fileStat.size,
          sha256,
          width: media?.width ?? null,
          height: media?.height ?? null,
          durationMs: media?.durationMs ?? null,
          fileModifiedAt: Math.round(fileStat.mtimeMs),
          source: 'import',
          tags,
        });
        if (batch.length >= IMPORT_BATCH) flush();
      } catch (error) {
        result.failed++;
        this.options.log?.warn('library: import skipped a file it could not read', { path, error });
      }
    }
    flush();
    if (result.added) {
      this.repo.optimize();
      this.emit({ type: 'invalidated', reason: 'import' });
    }
    return result;
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
  async checkMissing(): Promise<MissingCheckResult> {
    const result: MissingCheckResult = { checked: 0, missing: 0, found: 0 };
    let changed = false;
    for (let after = 0; ; ) {
      const rows = this.repo.filesAfter(after, MISSING_BATCH);
      const last = rows.at(-1);
      if (!last) break;
      after = last.id;
      const present = await Promise.all(rows.map((row) => exists(row.path)));
      const flips = rows.filter((row, i) => present[i] === (row.missing === 1));
      result.checked += rows.length;
      result.missing += present.filter((p) => !p).length;
      result.found += flips.filter((row) => row.missing === 1).length;
      const lost = flips.filter((row) => row.missing === 0).map((row) => row.id);
      const back = flips.filter((row) => row.missing === 1).map((row) => row.id);
      if (lost.length) this.setMissing(lost, true);
      if (back.length) this.setMissing(back, false);
      changed ||= flips.length > 0;
    }
    if (changed) this.emit({ type: 'invalidated', reason: 'missing' });
    return result;
  }

  private setMissing(ids: readonly number[], missing: boolean): void {
    this.repo.setMissing(ids, missing, this.now());
  }

  /**
   * Points a missing item at its file's new place. The file must be the same one: same sha256 when the
   * library knows it, else same size and kind.
   */
  async relink(id: string, newPath: string): Promise<StoredItem> {
    const item = this.get(id);
    if (!isAbsolute(newPath)) throw new AppError('invalid_input', `Give the file as an absolute path (got "${newPath}").`);
    const path = normalize(newPath);
    const fileStat = await stat(path).catch(() => null);
    if (!fileStat?.isFile()) throw new AppError('not_found', `There is no file at ${path}.`);
    const other = this.repo.byPath(path);
    if (other && String(other.id) !== id) throw new AppError('conflict', `${path} is already library item "${other.title}".`);
    const type = sniffMedia(await readHead(path, SNIFF_BYTES));
    if (type?.kind !== item.kind) throw new AppError('conflict', `${path} is not a ${item.kind} file, so it cannot be "${item.title}".`);
    if (item.sha256) {
      const sha256 = await sha256File(path);
      if (sha256 !== item.sha256) throw new AppError('conflict', `${path} is a different file: its contents do not match "${item.title}" (sha256 differs).`);
    } else if (fileStat.size !== item.sizeBytes) {
      throw new AppError('conflict', `${path} is a different file: it has ${fileStat.size} bytes, "${item.title}" had ${item.sizeBytes}.`);
    }
    this.repo.setPath(rowId(id), path, Math.round(fileStat.mtimeMs), this.now());
    const updated = this.get(id);
    this.emit({ type: 'updated', item: updated });
    return updated;
  }

  /**
   * Stores the renderer's poster frame (or image thumbnail) as `<dataDir>/thumbnails/<id>.png`. The
   * renderer also reports what its <video>/<img> element learned of the media, which fills in sizes
   * and durations the file headers did not give.
   */
  async setPoster(id: string, png: Uint8Array, media: { width?: number; height?: number; durationMs?: number } = {}): Promise<StoredItem> {
    const item = this.get(id);
    if (png.length > POSTER_MAX_BYTES) throw new AppError('invalid_input', `A poster can be at most ${POSTER_MAX_BYTES} bytes (got ${png.length}).`);
    if (sniffMedia(png)?.mime !== 'image/png') throw new AppError('invalid_input', 'A poster must be a PNG image.');
    const file = join(this.thumbnailDir, `${item.id}.png`);
    const temp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(temp, png);
    await rename(temp, file);
    this.repo.setPoster(rowId(id), file, { width: media.width ?? null, height: media.height ?? null, durationMs: item.kind === 'video' ? (media.durationMs ?? null) : null }, this.now());
    const updated = this.get(id);
    this.emit({ type: 'updated', item: updated });
    return updated;
  }

  /** Lets SQLite refresh its planner statistics when they are stale (cheap when they are not). */
  optimize(): void {
    this.repo.optimize();
  }
}
