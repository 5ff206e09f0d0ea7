import { hostname } from 'node:os';
import type { Download } from '@shared/downloads';
import { isFinalStatus } from '@shared/jobs';
import type { DownloadManager } from '@main/core/downloads/manager';
import type { JobEngine } from '@main/core/jobs/engine';
import { JobStore } from '@main/core/jobs/store';
import type { Database } from '@main/core/db/database';
import { isLeaseFree, parseOwner } from '@main/platform/lease';

/** Unfinished work another live process holds: `resume` leaves it alone. */
export interface Held {
  kind: 'job' | 'download';
  id: string;
  /** What it is, for the message: the operation and status of a job, the job of a download. */
  what: string;
  owner: string;
  leaseUntil: number | null;
}

export interface TakeOver {
  /** Jobs this run took over (or whose results it downloads), to follow. */
  jobIds: string[];
  /** Downloads of no job this run took over, to wait for with --wait. */
  downloadIds: string[];
  /** What is still held by another process (after waiting, with --wait). */
  held: Held[];
  /** Ctrl-C while waiting for a lease. */
  interrupted: boolean;
}

/** How often `resume --wait` looks again at work another process holds. */
const LOOK_EVERY_MS = 250;
/** Past the lease seen first: a holder that has not renewed by then is not coming back. */
const GRACE_MS = 1_000;

const MANY = Number.MAX_SAFE_INTEGER;

/**
 * Takes over every unfinished job and download no live process holds: jobs a crash or an exit left,
 * downloads left running by a dead process, and downloads paused by a disk problem (full, read-only…).
 * With `wait`, work held by another process is looked at until its lease lapses (that process died or
 * hung, or it was a zombie this platform cannot see: then it is taken over) or the holder is seen
 * renewing it (it is alive and working: it is left alone and reported).
 */
export async function takeOver(
  services: { db: Database; engine: JobEngine; downloader: DownloadManager },
  options: { wait: boolean; resubmit: boolean; now?: () => number },
  signal?: AbortSignal,
): Promise<TakeOver> {
  const { engine, downloader } = services;
  const store = new JobStore(services.db);
  const now = options.now ?? Date.now;
  const jobIds = new Set<string>();
  const downloadIds = new Set<string>();

  // Asking to resume is the user's go-ahead for downloads a disk problem paused (the space may be free
  // now); once: one that pauses again is reported, not retried while this run waits.
  for (const download of downloader.list({ status: ['paused'], limit: MANY }).downloads) {
    if (download.error?.kind === 'io') downloader.resume(download.id);
  }
  const round = (): Held[] => {
    const taken = engine.resumeAll();
    if (options.resubmit) for (const job of taken) if (job.status === 'needs_attention') engine.resolve(job.id, 'resubmit');
    for (const job of taken) jobIds.add(job.id);
    downloader.resume();
    const heldDownloads = downloader.heldElsewhere();
    const elsewhere = new Set(heldDownloads.map((h) => h.download.id));
    // What `resume()` just queued again, and what was still waiting for its turn.
    for (const download of downloader.list({ status: ['queued', 'active'], limit: MANY }).downloads) {
      if (elsewhere.has(download.id)) continue;
      if (download.jobId) jobIds.add(download.jobId);
      else downloadIds.add(download.id);
    }
    const at = now();
    const heldJobs: Held[] = store.unfinished().flatMap((holder) => {
      if (holder.owner === null || isLeaseFree(holder, engine.owner, at)) return [];
      const job = store.get(holder.id);
      return job ? [{ kind: 'job' as const, id: job.id, what: `${job.operation}, ${job.status}`, owner: holder.owner, leaseUntil: holder.leaseUntil }] : [];
    });
    const held: Held[] = [
      ...heldJobs,
      ...heldDownloads.map((h) => ({ kind: 'download' as const, id: h.download.id, what: describeDownload(h.download), owner: h.owner ?? '', leaseUntil: h.leaseUntil })),
    ];
    // A job whose file another process is still downloading cannot be followed from here.
    for (const h of heldDownloads) if (h.download.jobId) jobIds.delete(h.download.jobId);
    for (const h of heldJobs) jobIds.delete(h.id);
    return held;
  };

  let held = round();
  if (options.wait && held.length) {
    const firstSeen = new Map(held.map((h) => [`${h.kind}:${h.id}`, h.leaseUntil ?? 0]));
    const deadline = Math.max(...firstSeen.values()) + GRACE_MS;
    const renewed = (h: Held): boolean => (h.leaseUntil ?? 0) > (firstSeen.get(`${h.kind}:${h.id}`) ?? Infinity);
    while (held.length && !held.every(renewed) && now() < deadline) {
      if (!(await sleep(Math.min(LOOK_EVERY_MS, Math.max(0, deadline - now())), signal))) return { jobIds: [...jobIds], downloadIds: [...downloadIds], held, interrupted: true };
      held = round();
    }
    // Work the other process finished meanwhile is reported like the rest.
    for (const key of firstSeen.keys()) {
      const [kind, id] = key.split(':') as ['job' | 'download', string];
      if (kind !== 'job' || held.some((h) => h.id === id)) continue;
      const job = store.get(id);
      if (job && isFinalStatus(job.status) && !held.some((h) => h.kind === 'download' && downloader.get(h.id)?.jobId === id)) jobIds.add(id);
    }
  }
  return { jobIds: [...jobIds], downloadIds: [...downloadIds], held, interrupted: false };
}

function describeDownload(download: Download): string {
  return download.jobId ? `a result of job ${download.jobId}` : download.url;
}

/** "process 123 on this machine" / "process 123 on host-b": who holds the work, in words. */
export function describeOwner(owner: string): string {
  const parsed = parseOwner(owner);
  if (!parsed) return `"${owner}"`;
  return `process ${parsed.pid} on ${parsed.host === hostname() ? 'this machine' : parsed.host}`;
}

/** The message for work left alone: which, who holds it, and what to do. */
export function heldMessage(held: Held[], waited: boolean): string {
  const lines = held.map((h) => `  ${h.kind} ${h.id} (${h.what}): held by ${describeOwner(h.owner)}`);
  const advice = waited
    ? 'That process is alive and renewing its hold, so it was left alone: let it finish, or stop it and run promptreel resume --wait again.'
    : 'Another Promptreel process holds them. To take them over once it stops: promptreel resume --wait';
  const count = held.length === 1 ? '1 unfinished item was' : `${held.length} unfinished items were`;
  return `${count} not resumed:\n${lines.join('\n')}\n${advice}\n`;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve(false);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
