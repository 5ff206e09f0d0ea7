import { create } from 'zustand';
import type { Download, DownloadProgress } from '@shared/downloads';
import type { DownloadHostCapabilities } from '@shared/ipc/downloads';
import { call, IpcError, subscribe } from '../../lib/ipc';

export type DownloadAction = 'pause' | 'resume' | 'cancel' | 'retry' | 'reveal' | 'open' | 'startDrag';

interface DownloadsData {
  byId: Record<string, Download>;
  /** Newest first. */
  order: string[];
  /** Live progress of running downloads, from `downloads.progress`. */
  progress: Record<string, DownloadProgress>;
  host: DownloadHostCapabilities;
  loaded: boolean;
  /** The last failed action, shown until dismissed. */
  error: string | null;
}

interface DownloadsState extends DownloadsData {
  /** Subscribes to the download events; returns the unsubscribe. Call before `load`. */
  connect: () => () => void;
  load: () => Promise<void>;
  act: (action: DownloadAction, id: string) => Promise<void>;
  pauseAll: () => Promise<void>;
  resumeAll: () => Promise<void>;
  /** True when the URL was queued. */
  enqueueUrl: (url: string) => Promise<boolean>;
  dismissError: () => void;
}

export const initialDownloadsData: DownloadsData = {
  byId: {},
  order: [],
  progress: {},
  host: { reveal: false, open: false, drag: false },
  loaded: false,
  error: null,
};

/** Keeps the newer of two versions of a record: events and a list answer can cross on the wire. */
function merge(data: Pick<DownloadsData, 'byId' | 'order' | 'progress'>, downloads: readonly Download[]): Pick<DownloadsData, 'byId' | 'order' | 'progress'> {
  const byId = { ...data.byId };
  let added = false;
  for (const download of downloads) {
    const known = byId[download.id];
    if (known && known.updatedAt > download.updatedAt) continue;
    if (!known) added = true;
    byId[download.id] = download;
  }
  // Progress belongs to running downloads only.
  const progress = Object.fromEntries(Object.entries(data.progress).filter(([id]) => byId[id]?.status === 'active'));
  const order = added
    ? Object.values(byId)
        .sort((a, b) => b.createdAt - a.createdAt)
        .map((d) => d.id)
    : data.order;
  return { byId, order, progress };
}

const message = (error: unknown): string => (error instanceof IpcError ? error.message : String(error));

/** The Downloads panel's state, fed by main's events (no polling). */
export const useDownloadsStore = create<DownloadsState>()((set, get) => {
  const run = async (task: () => Promise<unknown>): Promise<boolean> => {
    try {
      await task();
      return true;
    } catch (error) {
      set({ error: message(error) });
      return false;
    }
  };
  /** Actions answer with the changed record; apply it now rather than wait for its event. */
  const apply = (download: Download): void => set((state) => merge(state, [download]));

  return {
    ...initialDownloadsData,
    connect: () => {
      const offUpdated = subscribe('downloads.updated', apply);
      const offProgress = subscribe('downloads.progress', (progress) => {
        if (get().byId[progress.id]?.status !== 'active') return;
        set((state) => ({ progress: { ...state.progress, [progress.id]: progress } }));
      });
      return () => {
        offUpdated();
        offProgress();
      };
    },
    load: async () => {
      await run(async () => {
        const page = await call('downloads.list', { limit: 500 });
        set((state) => ({ ...merge(state, page.downloads), host: page.host, loaded: true }));
      });
    },
    act: async (action, id) => {
      await run(async () => {
        if (action === 'reveal' || action === 'open' || action === 'startDrag') await call(`downloads.${action}`, { id });
        else apply(await call(`downloads.${action}`, { id }));
      });
    },
    pauseAll: async () => {
      await run(() => call('downloads.pauseAll', {}));
    },
    resumeAll: async () => {
      await run(() => call('downloads.resumeAll', {}));
    },
    enqueueUrl: (url) => run(async () => apply(await call('downloads.enqueueUrl', { url }))),
    dismissError: () => set({ error: null }),
  };
});
