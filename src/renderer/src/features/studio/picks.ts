import { create } from 'zustand';

interface PicksState {
  /** Library items of clips picked in the feed, in the order they were picked (a reel's order). */
  itemIds: string[];
  toggle: (itemId: string) => void;
  clear: () => void;
}

/** Clips picked in the studio feed for a new reel. */
export const usePicks = create<PicksState>()((set) => ({
  itemIds: [],
  toggle: (itemId) => set((s) => ({ itemIds: s.itemIds.includes(itemId) ? s.itemIds.filter((id) => id !== itemId) : [...s.itemIds, itemId] })),
  clear: () => set({ itemIds: [] }),
}));
