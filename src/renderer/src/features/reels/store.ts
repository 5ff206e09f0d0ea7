import { create } from 'zustand';
import type { ErrorInfo } from '@shared/errors';
import { reelSummary, type GenerateMissingResult, type Reel, type ReelExportProgress, type ReelSummary } from '@shared/reels';
import { call, IpcError, subscribe } from '../../lib/ipc';

export interface ReelsState {
  summaries: ReelSummary[];
  listLoaded: boolean;
  /** Full reels by id, as main last sent them (every change arrives as `reels.updated`). */
  reels: Map<string, Reel>;
  selectedId: string | null;
  /** A request that failed, in main's words, for the view to show until the next action. */
  error: ErrorInfo | null;
  /** The latest progress of each reel's export (running or finished), by reel id. */
  exports: Map<string, ReelExportProgress>;
  /** Which export the user started in this window, by reel id: before its first progress event arrives. */
  starting: Set<string>;
  loadList: () => Promise<void>;
  open: (id: string | null) => Promise<void>;
  /** Runs a request that answers with the reel, keeps the answer and clears or sets the error. */
  run: (request: () => Promise<Reel>) => Promise<Reel | undefined>;
  create: (name: string, itemIds?: readonly string[]) => Promise<Reel | undefined>;
  remove: (id: string) => Promise<boolean>;
  generateMissing: (reelId: string) => Promise<GenerateMissingResult | undefined>;
  startExport: (reelId: string) => Promise<void>;
  cancelExport: (reelId: string) => Promise<void>;
  clearError: () => void;
  applyReel: (reel: Reel) => void;
  applyRemoved: (id: string) => void;
  applyProgress: (progress: ReelExportProgress) => void;
}

function info(error: unknown): ErrorInfo {
  if (error instanceof IpcError) return error.info;
  return { kind: 'internal', message: error instanceof Error ? error.message : String(error) };
}

const byRecent = (a: ReelSummary, b: ReelSummary): number => b.updatedAt - a.updatedAt || (a.id < b.id ? 1 : -1);

export const useReels = create<ReelsState>()((set, get) => ({
  summaries: [],
  listLoaded: false,
  reels: new Map(),
  selectedId: null,
  error: null,
  exports: new Map(),
  starting: new Set(),

  loadList: async () => {
    try {
      set({ summaries: await call('reels.list', {}), listLoaded: true });
    } catch (error) {
      set({ error: info(error), listLoaded: true });
    }
  },

  open: async (id) => {
    set({ selectedId: id, error: null });
    if (id === null) return;
    await get().run(() => call('reels.get', { id }));
  },

  run: async (request) => {
    try {
      const reel = await request();
      get().applyReel(reel);
      set({ error: null });
      return reel;
    } catch (error) {
      set({ error: info(error) });
      return undefined;
    }
  },

  create: async (name, itemIds) => {
    const reel = await get().run(() => call('reels.create', { name, ...(itemIds?.length ? { itemIds: [...itemIds] } : {}) }));
    if (reel) set({ selectedId: reel.id });
    return reel;
  },

  remove: async (id) => {
    try {
      await call('reels.delete', { id });
      get().applyRemoved(id);
      return true;
    } catch (error) {
      set({ error: info(error) });
      return false;
    }
  },

  generateMissing: async (reelId) => {
    try {
      const result = await call('reels.generateMissing', { reelId });
      get().applyReel(result.reel);
      set({ error: null });
      return result;
    } catch (error) {
      set({ error: info(error) });
      return undefined;
    }
  },

  startExport: async (reelId) => {
    const exports = new Map(get().exports);
    exports.delete(reelId);
    set({ starting: new Set(get().starting).add(reelId), exports, error: null });
    try {
      const started = await call('reels.export', { reelId });
      // Progress may have overtaken the answer; only a reel with no news yet gets the first state.
      if (!get().exports.has(reelId)) {
        get().applyProgress({ exportId: started.exportId, reelId, phase: 'checking', fraction: 0, outSeconds: 0, totalSeconds: started.totalSeconds, speed: null });
      }
    } catch (error) {
      const failed = info(error);
      get().applyProgress({ exportId: '', reelId, phase: 'failed', fraction: 0, outSeconds: 0, totalSeconds: 0, speed: null, error: failed });
    } finally {
      const starting = new Set(get().starting);
      starting.delete(reelId);
      set({ starting });
    }
  },

  cancelExport: async (reelId) => {
    const running = get().exports.get(reelId);
    if (!running?.exportId) return;
    try {
      await call('reels.cancelExport', { exportId: running.exportId });
    } catch (error) {
      set({ error: info(error) });
    }
  },

  clearError: () => set({ error: null }),

  applyReel: (reel) => {
    const reels = new Map(get().reels);
    const previous = reels.get(reel.id);
    // Events and answers can cross; the newer record wins.
    if (previous && previous.updatedAt > reel.updatedAt) return;
    reels.set(reel.id, reel);
    const summaries = [...get().summaries.filter((s) => s.id !== reel.id), reelSummary(reel)].sort(byRecent);
    set({ reels, summaries });
  },

  applyRemoved: (id) => {
    const reels = new Map(get().reels);
    reels.delete(id);
    set({ reels, summaries: get().summaries.filter((s) => s.id !== id), selectedId: get().selectedId === id ? null : get().selectedId });
  },

  applyProgress: (progress) => {
    const exports = new Map(get().exports);
    const previous = exports.get(progress.reelId);
    // A late event of an earlier export does not overwrite the one running now.
    if (previous && previous.exportId && progress.exportId && previous.exportId !== progress.exportId && !isFinished(previous)) return;
    exports.set(progress.reelId, progress);
    set({ exports });
  },
}));

export function isFinished(progress: ReelExportProgress): boolean {
  return progress.phase === 'done' || progress.phase === 'failed' || progress.phase === 'canceled';
}

/** Follows main's reel events for the app's lifetime (or a test's); returns the unsubscribe. */
export function followReels(): () => void {
  const { applyReel, applyRemoved, applyProgress } = useReels.getState();
  const stops = [subscribe('reels.updated', applyReel), subscribe('reels.removed', ({ id }) => applyRemoved(id)), subscribe('reels.exportProgress', applyProgress)];
  return () => {
    for (const stop of stops) stop();
  };
}
