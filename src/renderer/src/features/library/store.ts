import { create } from 'zustand';
import type { LibraryItem, LibraryItemSummary, LibraryQuery, TagCount } from '@shared/library';
import i18next from 'i18next';
import { toast } from '../../lib/toasts';
import { call, IpcError } from '../../lib/ipc';

/** The search and filters the view controls; paging is the store's business. */
export type LibraryCriteria = Omit<LibraryQuery, 'cursor' | 'limit' | 'withTotal'>;

const PAGE = 120;

export interface LibraryState {
  criteria: LibraryCriteria;
  items: LibraryItemSummary[];
  nextCursor: string | null;
  total: { count: number; capped: boolean } | null;
  loading: boolean;
  /** A first page for new criteria is on its way; `items` still hold the previous results. */
  refreshing: boolean;
  /** A page for the current criteria has arrived (until then an empty list means nothing yet). */
  loaded: boolean;
  error: string | null;
  /** Items were added or changed in bulk since this list was loaded. */
  stale: boolean;
  selectedId: string | null;
  /** The full record of the selected item, once loaded. */
  selected: LibraryItem | null;
  tags: TagCount[];
  setCriteria: (patch: Partial<LibraryCriteria>) => void;
  refresh: () => Promise<void>;
  loadMore: () => Promise<void>;
  select: (id: string | null) => Promise<void>;
  loadTags: () => Promise<void>;
  /** Event and action results flow back through these. */
  applyUpdated: (item: LibraryItem) => void;
  applyRemoved: (id: string) => void;
  markStale: () => void;
  setError: (message: string | null) => void;
  /** One action on many items, one call per item; says how it went in one toast. */
  bulk: (ids: readonly string[], action: BulkAction) => Promise<BulkResult>;
}

export type BulkAction = { type: 'tag'; tag: string } | { type: 'favourite'; value: boolean } | { type: 'remove' };

export interface BulkResult {
  done: number;
  failed: number;
  /** The first failure's message, shown in the summary. */
  error?: string;
}

function message(error: unknown): string {
  return error instanceof IpcError || error instanceof Error ? error.message : String(error);
}

function summary(item: LibraryItem): LibraryItemSummary {
  const { id, title, kind, sizeBytes, width, height, durationMs, createdAt, vendor, operation, favourite, missing, mediaUrl, posterUrl } = item;
  return { id, title, kind, sizeBytes, width, height, durationMs, createdAt, vendor, operation, favourite, missing, mediaUrl, posterUrl };
}

/** Whether the criteria narrow the library down (as opposed to only ordering it). */
export function isFiltered(c: LibraryCriteria): boolean {
  return Boolean(c.text || c.kind || c.vendor || c.operation || c.tag || c.favourite || c.missing || c.from !== undefined || c.to !== undefined);
}

/** Whether a new item belongs at the top of this list: newest first, nothing filtered. */
function showsEverythingNewestFirst(criteria: LibraryCriteria): boolean {
  return (criteria.sort ?? 'newest') === 'newest' && !isFiltered(criteria);
}

let generation = 0;

export const useLibraryStore = create<LibraryState>()((set, get) => ({
  criteria: { sort: 'newest' },
  items: [],
  nextCursor: null,
  total: null,
  loading: false,
  refreshing: false,
  loaded: false,
  error: null,
  stale: false,
  selectedId: null,
  selected: null,
  tags: [],

  setCriteria: (patch) => {
    set({ criteria: { ...get().criteria, ...patch } });
    void get().refresh();
  },

  refresh: async () => {
    const run = ++generation;
    set({ loading: true, refreshing: true, error: null });
    try {
      const page = await call('library.search', { ...get().criteria, limit: PAGE, withTotal: true });
      if (run !== generation) return;
      set({ items: page.items, nextCursor: page.nextCursor, total: page.total ?? null, loading: false, refreshing: false, loaded: true, stale: false });
    } catch (error) {
      if (run === generation) set({ loading: false, refreshing: false, loaded: true, error: message(error) });
    }
  },

  loadMore: async () => {
    const { nextCursor, loading, criteria } = get();
    if (!nextCursor || loading) return;
    const run = generation;
    set({ loading: true });
    try {
      const page = await call('library.search', { ...criteria, limit: PAGE, cursor: nextCursor });
      if (run !== generation) return;
      const known = new Set(get().items.map((i) => i.id));
      set({ items: [...get().items, ...page.items.filter((i) => !known.has(i.id))], nextCursor: page.nextCursor, loading: false });
    } catch (error) {
      if (run === generation) set({ loading: false, error: message(error) });
    }
  },

  select: async (id) => {
    set({ selectedId: id, selected: id === null ? null : get().selected?.id === id ? get().selected : null });
    if (id === null) return;
    try {
      // The full record, after main has looked at the disk (a moved file shows as missing here).
      get().applyUpdated(await call('library.get', { id }));
    } catch (error) {
      set({ error: message(error) });
    }
  },

  loadTags: async () => {
    try {
      set({ tags: await call('library.tags', { limit: 500 }) });
    } catch (error) {
      set({ error: message(error) });
    }
  },

  applyUpdated: (item) => {
    const { items, criteria, total, selectedId } = get();
    const at = items.findIndex((i) => i.id === item.id);
    if (at >= 0) {
      set({ items: items.map((i) => (i.id === item.id ? summary(item) : i)) });
    } else if (showsEverythingNewestFirst(criteria) && !items.some((i) => i.createdAt > item.createdAt)) {
      // A new item at the top of an unfiltered, newest-first list: show it right away.
      set({ items: [summary(item), ...items], total: total && { ...total, count: total.count + 1 } });
    } else if (selectedId !== item.id) {
      // It may belong somewhere in this filtered or sorted list; offer a refresh rather than guess.
      set({ stale: true });
    }
    if (selectedId === item.id) set({ selected: item });
  },

  applyRemoved: (id) => {
    const { items, selectedId, total } = get();
    set({
      items: items.filter((i) => i.id !== id),
      ...(selectedId === id ? { selectedId: null, selected: null } : {}),
      total: total && items.some((i) => i.id === id) ? { ...total, count: Math.max(0, total.count - 1) } : total,
    });
  },

  markStale: () => set({ stale: true }),
  setError: (error) => set({ error }),

  bulk: async (ids, action) => {
    const result: BulkResult = { done: 0, failed: 0 };
    // One at a time: main works through them in order, and a failure stops nothing else.
    for (const id of ids) {
      try {
        if (action.type === 'remove') {
          await call('library.remove', { id });
          get().applyRemoved(id);
        } else {
          const item =
            action.type === 'tag' ? await call('library.tag', { id, tags: [action.tag] }) : await call('library.update', { id, favourite: action.value });
          get().applyUpdated(item);
        }
        result.done++;
      } catch (error) {
        result.failed++;
        result.error ??= message(error);
      }
    }
    if (action.type === 'tag') void get().loadTags();
    const t = i18next.getFixedT(null, 'library');
    const key = action.type === 'remove' ? 'bulkRemoved' : action.type === 'tag' ? 'bulkTagged' : action.value ? 'bulkFavourited' : 'bulkUnfavourited';
    const text = t(key, { count: result.done, tag: action.type === 'tag' ? action.tag : '' });
    if (result.failed === 0) toast('success', text);
    else toast('error', `${text} ${t('bulkFailed', { count: result.failed, error: result.error ?? '' })}`);
    return result;
  },
}));
