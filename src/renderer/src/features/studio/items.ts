import { create } from 'zustand';
import type { LibraryItemSummary } from '@shared/library';
import { call, subscribe } from '../../lib/ipc';

interface ItemsState {
  /** The library item saved from each job output the feed has asked about. */
  byOutput: Record<string, LibraryItemSummary>;
  /** Asks main for the items of these outputs (those not known yet). */
  load: (outputIds: readonly string[]) => Promise<void>;
}

const asked = new Set<string>();
const BATCH = 200;

/**
 * Which library item each result in the feed became, so a card offers the item's actions (open in
 * library, reveal, drag out, use as input). Filled by one query for the feed's outputs and kept up to
 * date by the library's events: a result saved while the studio is open gets its actions at once.
 */
export const useResultItems = create<ItemsState>()((set, get) => ({
  byOutput: {},
  load: async (outputIds) => {
    const wanted = outputIds.filter((id) => !asked.has(id) && !(id in get().byOutput));
    for (let i = 0; i < wanted.length; i += BATCH) {
      const slice = wanted.slice(i, i + BATCH);
      for (const id of slice) asked.add(id);
      try {
        const found = await call('library.forOutputs', { outputIds: slice });
        if (found.length) set((s) => ({ byOutput: { ...s.byOutput, ...Object.fromEntries(found.map(({ outputId, item }) => [outputId, item])) } }));
      } catch {
        // Asked again the next time the feed shows them.
        for (const id of slice) asked.delete(id);
      }
    }
  },
}));

/** Follows items added or changed in the library; returns the unsubscribe. */
export function followResultItems(): () => void {
  // Outputs asked about while the studio was closed may have been saved since: ask again.
  asked.clear();
  const offUpdated = subscribe('library.updated', (item) => {
    if (!item.outputId) return;
    const { outputId } = item;
    useResultItems.setState((s) => ({ byOutput: { ...s.byOutput, [outputId]: item } }));
  });
  const offRemoved = subscribe('library.removed', ({ id }) => {
    useResultItems.setState((s) => ({ byOutput: Object.fromEntries(Object.entries(s.byOutput).filter(([, item]) => item.id !== id)) }));
  });
  return () => {
    offUpdated();
    offRemoved();
  };
}

/** Forgets what was asked, for tests. */
export function resetResultItems(): void {
  asked.clear();
  useResultItems.setState({ byOutput: {} });
}
