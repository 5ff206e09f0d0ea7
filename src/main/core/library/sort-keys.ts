import type { DatabaseSync, StatementSync } from 'node:sqlite';

/**
 * Order keys: each item carries an integer per sort column (`title_key`, `size_key`) that orders the
 * items exactly as `ORDER BY title, id` (or `size_bytes, id`) does. Those keys are the rowids of a copy
 * of the search index per order (`items_fts_title`, `items_fts_size`), so a text search sorted by title
 * reads its matches already in title order and stops after a page, as a newest-first search does on
 * `items_fts`. Without them every match of a common word had to be sorted (250 ms at a million items).
 *
 * Keys are spaced apart (BULK_GAP) so a new item usually takes the midpoint between its neighbours'
 * keys. When neighbours are adjacent, a window of items around the spot is respread evenly ("order
 * maintenance"), the window doubling until it has room; each respread item's rows in the ordered index
 * are rewritten through `moved`. Keys stay within ±2^52 so JavaScript numbers hold them exactly.
 */

const KEY_MIN = -(2 ** 52);
const KEY_MAX = 2 ** 52;
/** Spacing when numbering from scratch and when appending past the last key: room for 4 M items. */
const BULK_GAP = 2 ** 31;
/** A respread gives every item at least this much room on each side. */
const SPREAD_MIN = 2 ** 20;
const WINDOW_START = 32;

type SortKeyName = 'title_key' | 'size_key';

export interface OrderedIndex {
  /** The items' sort column (declared COLLATE NOCASE for titles, so comparisons here match ORDER BY). */
  column: 'title' | 'size_bytes';
  key: SortKeyName;
  /** The search index whose rowids are these keys. */
  fts: 'items_fts_title' | 'items_fts_size';
}

export const ORDERED_INDEXES: readonly OrderedIndex[] = [
  { column: 'title', key: 'title_key', fts: 'items_fts_title' },
  { column: 'size_bytes', key: 'size_key', fts: 'items_fts_size' },
];

/** The keys numbered from scratch for `count` items in order: evenly from KEY_MIN. */
export function bulkKey(rank: number, count: number): number {
  const gap = Math.min(BULK_GAP, Math.floor((KEY_MAX - KEY_MIN) / (count + 1)));
  return KEY_MIN + (rank + 1) * gap;
}

interface Neighbour {
  id: number;
  k: number;
}

/** Places items in one order; `moved` rewrites the index rows of items whose key a respread changed. */
export class OrderKeys {
  private readonly sameValueBefore: StatementSync;
  private readonly previousValue: StatementSync;
  private readonly next: StatementSync;
  private readonly before: StatementSync;
  private readonly after: StatementSync;
  private readonly clear: StatementSync;
  private readonly set: StatementSync;
  private readonly neighbours: StatementSync;

  constructor(
    db: DatabaseSync,
    readonly index: OrderedIndex,
    private readonly moved: (id: number, from: number, to: number) => void,
  ) {
    const { column: c, key: k } = index;
    this.sameValueBefore = db.prepare(`SELECT max(${k}) AS k FROM items WHERE ${c} = ? AND id < ?`);
    // Ties of the previous value are ordered by id, and so are their keys: the largest is the last.
    this.previousValue = db.prepare(`SELECT max(${k}) AS k FROM items WHERE ${c} = (SELECT ${c} FROM items WHERE ${c} < ? ORDER BY ${c} DESC LIMIT 1)`);
    this.next = db.prepare(`SELECT min(${k}) AS k FROM items WHERE ${k} > ? AND id != ?`);
    this.before = db.prepare(`SELECT id, ${k} AS k FROM items WHERE ${k} <= ? AND id != ? ORDER BY ${k} DESC LIMIT ?`);
    this.after = db.prepare(`SELECT id, ${k} AS k FROM items WHERE ${k} > ? AND id != ? ORDER BY ${k} LIMIT ?`);
    this.clear = db.prepare(`UPDATE items SET ${k} = NULL WHERE id = ?`);
    this.set = db.prepare(`UPDATE items SET ${k} = ? WHERE id = ?`);
    // Items whose key is next to ?1 (on either side) but whose (value, id) is on the wrong side of (?2, ?3).
    this.neighbours = db.prepare(
      `SELECT (SELECT count(*) FROM items p WHERE p.${k} = (SELECT max(${k}) FROM items WHERE ${k} < ?1) AND (p.${c}, p.id) > (?2, ?3))
            + (SELECT count(*) FROM items n WHERE n.${k} = (SELECT min(${k}) FROM items WHERE ${k} > ?1) AND (n.${c}, n.id) < (?2, ?3)) AS wrong`,
    );
  }

  /** True when `key` still orders the item (value, id) correctly among the others. */
  holds(key: number | null, value: string | number, id: number): boolean {
    if (key === null) return false;
    return (this.neighbours.get(key, value, id) as { wrong: number }).wrong === 0;
  }

  /**
   * A key for item `id` with sort value `value`, between the keys of the items it sorts between (the
   * item's own current key is ignored). Writes it to the item; call inside the item's transaction.
   */
  place(id: number, value: string | number): number {
    const lo = this.predecessor(id, value);
    const hi = (this.next.get(lo ?? KEY_MIN - 1, id) as { k: number | null }).k;
    const key = this.between(lo, hi) ?? this.respread(id, lo);
    this.set.run(key, id);
    return key;
  }

  private predecessor(id: number, value: string | number): number | null {
    const same = (this.sameValueBefore.get(value, id) as { k: number | null }).k;
    return same ?? (this.previousValue.get(value) as { k: number | null }).k;
  }

  private between(lo: number | null, hi: number | null): number | null {
    if (lo === null && hi === null) return 0;
    if (hi === null) return lo !== null && lo + BULK_GAP <= KEY_MAX ? lo + BULK_GAP : null;
    if (lo === null) return hi - BULK_GAP >= KEY_MIN ? hi - BULK_GAP : null;
    return hi - lo >= 2 ? lo + Math.floor((hi - lo) / 2) : null;
  }

  /**
   * No room next to `lo`: spreads the items around it, and the new one right after `lo`, evenly over
   * the keys between the window's outer neighbours, widening the window until each gets SPREAD_MIN.
   */
  private respread(id: number, lo: number | null): number {
    for (let size = WINDOW_START; ; size *= 2) {
      const before = lo === null ? [] : (this.before.all(lo, id, size + 1) as unknown as Neighbour[]);
      const after = this.after.all(lo ?? KEY_MIN - 1, id, size + 1) as unknown as Neighbour[];
      const whole = before.length <= size && after.length <= size;
      const floor = before.length > size ? (before.pop()?.k ?? KEY_MIN) : KEY_MIN - 1;
      const ceiling = after.length > size ? (after.pop()?.k ?? KEY_MAX) : KEY_MAX + 1;
      const window = [...before.reverse().map((n) => n.id), id, ...after.map((n) => n.id)];
      const gap = Math.floor((ceiling - floor) / (window.length + 1));
      if (whole && gap < 1) throw new Error(`library: no room left for order keys (${this.index.key})`);
      if (gap < SPREAD_MIN && !whole) continue;
      const old = new Map([...before, ...after].map((n) => [n.id, n.k]));
      // Cleared first: the keys are unique, and the new ones overlap the old.
      for (const item of window) this.clear.run(item);
      let mine = 0;
      window.forEach((item, i) => {
        const key = floor + gap * (i + 1);
        if (item === id) {
          mine = key;
          return;
        }
        this.set.run(key, item);
        this.moved(item, old.get(item) ?? key, key);
      });
      return mine;
    }
  }
}
