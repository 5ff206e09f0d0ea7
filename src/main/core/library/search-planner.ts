import { AppError } from '@shared/errors';
import { LIBRARY_COUNT_CAP, LIBRARY_PAGE_MAX, type LibraryFilters, type LibraryQuery, type LibrarySort } from '@shared/library';
import { OPERATION_IDS, OPERATIONS, type OperationId } from '@shared/catalog';
import type { ItemRepo, StoredSummary } from './item-repo';
import { allOf, ftsRowid, keysExpression, monthsExpression, textExpression, type KeyFilter } from './search-text';
import { ORDERED_INDEXES } from './sort-keys';
import { cleanTag } from './tags';

/**
 * How a library search is planned: text and filters become one FTS5 expression (search-text.ts), and
 * the sort, the filters and a few exact counts choose which index is walked for a page.
 */

export interface StoredPage {
  items: StoredSummary[];
  nextCursor: string | null;
  total?: { count: number; capped: boolean };
}

/**
 * Title/size order: up to KEYS_SORT_MAX matches are fetched by id and sorted; a date range of up to
 * RANGE_SORT_MAX ids is read in rowid order (sequential, cheaper per row) and sorted. Beyond either,
 * walking the order's index is cheaper. Tuned with bench/library.ts at a million items.
 */
const KEYS_SORT_MAX = 2_000;
const RANGE_SORT_MAX = 20_000;
/**
 * A typed prefix standing for more words than this is left to FTS5 to expand. Two letters often stand
 * for a few dozen words; an OR of that many is still read lazily.
 */
const PREFIX_WORDS_MAX = 48;
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
  /** An ordered copy of the search index whose rowids are the sort's order keys: read in rowid order, keyset on the key. */
  orderKey?: string;
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

export class SearchPlanner {
  constructor(private readonly repo: ItemRepo) {}

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
   * - text in title or size order: one FTS5 query on that order's copy of the index (sort-keys.ts),
   *   whose rowids are order keys: read in rowid order and stopped after a page, like date order.
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
      if (plan.orderKey) {
        if (cursor) {
          if (typeof cursor.value !== 'number') throw new AppError('invalid_input', 'The page cursor does not belong to this search; start again from the first page.');
          where.push(`${plan.orderKey} ${cmp} ?`);
          params.push(cursor.value);
        }
        params.push(limit + 1);
        return {
          sql: `SELECT i.id AS id, ${plan.orderKey} AS v FROM ${plan.from} WHERE ${where.join(' AND ')} ORDER BY ${plan.orderKey} ${dir} LIMIT ?`,
          params,
        };
      }
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
    const hits = this.repo.db.prepare(statement.sql).all(...statement.params) as unknown as Hit[];

    const pageHits = hits.slice(0, limit);
    const last = pageHits.at(-1);
    const page: StoredPage = {
      items: this.repo.summaries(pageHits.map((hit) => hit.id)),
      nextCursor: hits.length > limit && last ? encodeCursor({ sort, value: last.v ?? last.id, id: last.id }) : null,
    };
    if (query.withTotal) {
      // A first page that holds every match has counted them already.
      page.total = !cursor && hits.length <= limit ? { count: hits.length, capped: false } : this.count(match, range);
    }
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
    if (hasText && column) {
      // Text in title or size order: the order's copy of the index yields matches already sorted.
      const index = ORDERED_INDEXES.find((o) => o.column === column);
      if (index) {
        return [
          {
            ...fts,
            from: `${index.fts} CROSS JOIN items i ON i.${index.key} = ${index.fts}.rowid`,
            id: 'i.id',
            negated: false,
            rangeId: '+i.id',
            where: [`${index.fts} MATCH ?`],
            orderKey: `${index.fts}.rowid`,
          },
        ];
      }
    }
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
        ? (this.repo.db.prepare('SELECT count(*) AS n FROM (SELECT 1 FROM items WHERE id >= ? AND id <= ? LIMIT ?)').get(range.lo ?? 0, range.hi ?? Number.MAX_SAFE_INTEGER, LIBRARY_COUNT_CAP + 1) as { n: number }).n
        : range.lo === undefined && range.hi === undefined
          ? // Without a date range, no bound to test on each row (a third of the cost of counting).
            (this.repo.db.prepare('SELECT count(*) AS n FROM (SELECT 1 FROM items_fts WHERE items_fts MATCH ? LIMIT ?)').get(match, LIBRARY_COUNT_CAP + 1) as { n: number }).n
          : (this.repo.db
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
}
