import { create } from 'zustand';
import type { ErrorInfo } from '@shared/errors';
import type { JobProgress } from '@shared/ipc/jobs';
import { isFinalStatus, type Job } from '@shared/jobs';
import { call, IpcError, subscribe } from '../../lib/ipc';

interface JobsState {
  /** Every known job by id; rows read their own entry, so one job's change re-renders one row. */
  jobs: Map<string, Job>;
  /** Newest first. */
  ids: string[];
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: ErrorInfo | undefined;
  selectedId: string | undefined;
  /** Applies a job record; returns the record it replaced, if any. */
  upsert: (job: Job) => Job | undefined;
  /** Applies a page of records at once (one copy of the map and one sort, however long the page). */
  merge: (page: Job[]) => void;
  progress: (update: JobProgress) => void;
  /** Jobs deleted in main (by this window or another). */
  remove: (ids: readonly string[]) => void;
  select: (id: string | undefined) => void;
}

/**
 * When this window last saw each job's progress change (not a render input: a bar reads it on its own
 * clock tick to tell "the vendor reports nothing new" from fresh progress).
 */
const progressSeen = new Map<string, number>();

export function progressSeenAt(id: string): number | undefined {
  return progressSeen.get(id);
}

/**
 * The record to keep: progress of a job that is still running never goes back (a late sub-task, a
 * vendor restarting a count), and a change of it is dated for the bar.
 */
function steady(job: Job, previous: Job | undefined): Job {
  if (!previous || previous.progress === job.progress) return job;
  if (job.status === previous.status && job.progress < previous.progress && !isFinalStatus(job.status)) return { ...job, progress: previous.progress };
  progressSeen.set(job.id, Date.now());
  return job;
}

/** Newest first; ids break ties so the order is total. */
function compare(a: Job, b: Job): number {
  return b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

function insertAt(ids: string[], jobs: Map<string, Job>, job: Job): number {
  let lo = 0;
  let hi = ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const other = jobs.get(ids[mid] ?? '');
    if (other && compare(other, job) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export const useJobs = create<JobsState>()((set, get) => ({
  jobs: new Map(),
  ids: [],
  status: 'idle',
  error: undefined,
  selectedId: undefined,
  upsert: (job) => {
    const { jobs, ids } = get();
    const previous = jobs.get(job.id);
    // Events and list pages can cross; the newer record wins.
    if (previous && previous.updatedAt > job.updatedAt) return previous;
    const next = new Map(jobs);
    next.set(job.id, steady(job, previous));
    if (previous) {
      set({ jobs: next });
    } else {
      const at = insertAt(ids, jobs, job);
      set({ jobs: next, ids: [...ids.slice(0, at), job.id, ...ids.slice(at)] });
    }
    return previous;
  },
  merge: (page) => {
    const { jobs } = get();
    const next = new Map(jobs);
    let added = false;
    for (const job of page) {
      const previous = next.get(job.id);
      if (previous && previous.updatedAt > job.updatedAt) continue;
      if (!previous) added = true;
      next.set(job.id, steady(job, previous));
    }
    if (!added) {
      set({ jobs: next });
      return;
    }
    const order = [...next.values()].sort(compare).map((job) => job.id);
    set({ jobs: next, ids: order });
  },
  progress: ({ id, progress, status }) => {
    const { jobs } = get();
    const job = jobs.get(id);
    if (!job || (job.progress === progress && job.status === status)) return;
    const next = new Map(jobs);
    next.set(id, steady({ ...job, progress, status }, job));
    set({ jobs: next });
  },
  remove: (gone) => {
    const { jobs, ids, selectedId } = get();
    const drop = new Set(gone.filter((id) => jobs.has(id)));
    if (!drop.size) return;
    const next = new Map(jobs);
    for (const id of drop) {
      next.delete(id);
      progressSeen.delete(id);
    }
    set({ jobs: next, ids: ids.filter((id) => !drop.has(id)), selectedId: selectedId && drop.has(selectedId) ? undefined : selectedId });
  },
  select: (selectedId) => set({ selectedId }),
}));

const PAGE = 500;

export interface JobsSyncOptions {
  /** Called when a job this window saw running reaches an end (or needs the user). */
  onSettled?: (job: Job) => void;
}

/**
 * Feeds the store: events first (so nothing that happens during the load is missed), then the list
 * once, page by page. After that only events change it; nothing polls.
 */
export function startJobsSync(options: JobsSyncOptions = {}): () => void {
  const store = useJobs.getState();
  const offUpdated = subscribe('jobs.updated', (job) => {
    const previous = useJobs.getState().upsert(job);
    const settled = isFinalStatus(job.status) || job.status === 'needs_attention';
    if (previous && previous.status !== job.status && settled) options.onSettled?.(job);
  });
  const offProgress = subscribe('jobs.progress', (update) => store.progress(update));
  const offRemoved = subscribe('jobs.removed', ({ ids }) => useJobs.getState().remove(ids));

  let stopped = false;
  const load = async (): Promise<void> => {
    useJobs.setState({ status: 'loading', error: undefined });
    try {
      for (let offset = 0; !stopped; offset += PAGE) {
        const page = await call('jobs.list', { offset, limit: PAGE });
        useJobs.getState().merge(page.jobs);
        if (page.jobs.length < PAGE || offset + PAGE >= page.total) break;
      }
      if (!stopped) useJobs.setState({ status: 'ready' });
    } catch (e) {
      if (!stopped) {
        useJobs.setState({
          status: 'error',
          error: e instanceof IpcError ? e.info : { kind: 'internal', message: String(e) },
        });
      }
    }
  };
  void load();

  return () => {
    stopped = true;
    offUpdated();
    offProgress();
    offRemoved();
  };
}
