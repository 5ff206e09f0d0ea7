import { AppError, isAppError, type ErrorInfo } from '@shared/errors';
import type { Download } from '@shared/downloads';
import { AHEAD_COUNTED, expectedEnd, isFinalStatus, OUTCOME_STATUSES, type Job, type JobStatus, type WaitReason } from '@shared/jobs';
import type { JobPage, JobProgress, VendorMode } from '@shared/ipc/jobs';
import {
  issuesSummary,
  OPERATIONS,
  promptOf,
  SANDBOX_DURATIONS_MS,
  storedParams,
  toErrorIssue,
  TYPICAL_DURATIONS_MS,
  validateParams,
  VENDORS,
  type OperationId,
  type RateCategory,
  type ValidationContext,
  type ValidParams,
  type VendorId,
} from '@shared/catalog';
import { tasksOf } from '@shared/batch';
import { transaction, type Database } from '../db/database';
import type { Downloader } from '../downloads/types';
import { createLogger, type Logger } from '../log';
import { isDeadOwner, ownerName } from '@main/platform/lease';
import { describeFailure, every, reportBackground, type BackgroundProblem } from '@main/platform/timer';
import type { TaskStatus, VendorClient } from '../vendors/types';
import { jitter, systemClock, type Clock } from './clock';
import { Coalescer } from './coalesce';
import { classifySubmitError, VENDOR_NAMES, type SubmitOutcome } from './failures';
import { DEFAULT_LIMIT_SETTINGS, RateLimiter, type Acquired, type LimitSettings } from './limiter';
import { lostDownloadError, outcomeOf } from './outcome';
import { Poller } from './poller';
import { JobStore } from './store';
import { GroupRepo, type NewGroup } from './group-repo';
import { currentMembers, type JobGroup } from '@shared/groups';

/** Where the engine gets a client for a vendor: live with the user's key, or the built-in sandbox. */
export interface VendorClients {
  client(vendor: VendorId): Promise<VendorClient>;
  /** Fires after a vendor's credentials changed (and its client was replaced). */
  onChange(listener: (vendor: VendorId) => void): () => void;
  /** `sandbox` when the vendor is the built-in demo, whose tasks live only as long as this process. */
  mode?(vendor: VendorId): VendorMode;
  /** The vendor runs on this computer (the built-in sandbox, or `npm run sandbox`): it can fetch loopback URLs. */
  onThisComputer?(vendor: VendorId): boolean;
}

export type EngineEvent =
  | { type: 'updated'; job: Job }
  | { type: 'progress'; progress: JobProgress }
  /** A vendor was paused (its key was refused) or resumed. */
  | { type: 'vendor'; vendor: VendorId; paused: boolean }
  /** Jobs were deleted (their library items stay). */
  | { type: 'removed'; ids: string[] };

export interface SubmitInput {
  operation: OperationId;
  params: Record<string, unknown>;
  /** A local file for an operation with a `fileField`. */
  file?: string;
  parentItemId?: string;
  /** Where results go; the engine's default output folder (the library) otherwise. */
  outputDir?: string;
  /** The job this one retries. */
  retryOf?: string;
  /** The set it belongs to and its place there (a retried member). */
  group?: { id: string; index: number };
}

export interface JobEngineOptions {
  db: Database;
  clients: VendorClients;
  downloader: Downloader;
  /** Default folder for results (the library folder); read at each hand-off, so a settings change applies. */
  outputDir: string | (() => string);
  limits?: LimitSettings;
  clock?: Clock;
  /** Vendor time runs this many times faster than the clock (tests and benchmarks against the sandbox). */
  timeScale?: number;
  log?: Logger;
  /** This engine's name in job leases; unique per engine. */
  owner?: string;
  /** How long a claim on a job lasts without renewal (real ms). */
  leaseMs?: number;
  /** Take over unfinished jobs nobody holds every so often (the app: yes; a one-shot CLI run: no). */
  adoptEveryMs?: number | null;
  /** A background task (lease renewal, adopting) failed or works again: for the user to see. */
  onProblem?: (problem: BackgroundProblem) => void;
  /** Checks a local input file before anything is stored; throws `AppError('invalid_input')`. */
  checkInputFile?: (path: string) => Promise<void>;
}

interface Queued {
  id: string;
  operation: OperationId;
  vendor: VendorId;
  category: RateCategory;
  weight: number;
  notBefore: number;
  /** Consecutive failures to reach the vendor at all; resets on restart. */
  unreached: number;
  /** The wait reason last written for it, so an unchanged one is not written again. */
  waiting: WaitReason | null;
}

/** A group (vendor + category) that cannot send now, and why its first job waits. */
interface Blocked {
  reason: WaitReason | null;
  /** Jobs of the group met so far behind the first. */
  ahead: number;
}

interface Running {
  vendor: VendorId;
  operation: OperationId;
  /** When the vendor accepted it, and how long such a task typically takes: for the wait of jobs behind it. */
  since: number;
  expectedMs: number | null;
  /** Per-output states and progress last written: an answer that changes neither is not written. */
  states: string;
  progress: number;
  /** Outputs the submission asked for: the job ends only when this many are final. */
  expected: number;
  /** Since when every listed output is final but fewer than expected are listed. */
  incompleteSince: number | null;
  /** Since when the vendor has reported a status its documentation does not list. */
  unknownSince: number | null;
}

/**
 * Submissions in flight per vendor. The vendor clients keep a handful of connections anyway; sending a
 * thousand queued jobs at once would only block the event loop and queue inside the HTTP pool.
 */
const MAX_SUBMITTING = 4;
/** After this many consecutive submissions that never reached the vendor, the job fails. */
const MAX_UNREACHED = 10;
/** A poll the vendor refuses outright (unknown task…) this many times in a row fails the job. */
const MAX_POLL_REFUSALS = 8;
/** UNCERTAIN: neither vendor can cancel a task; a canceled task is assumed to hold a slot this long. */
const CANCELED_HOLD_MS = 180_000;
/**
 * UNCERTAIN (vendor time): how long an undocumented task status is waited out before the user is asked.
 * The vendor may still finish (and bill) the task, so it is not failed at once; nor asked about forever.
 */
export const UNKNOWN_STATUS_GRACE_MS = 5 * 60_000;
/** UNCERTAIN (vendor time): how long outputs the vendor stopped listing are waited for once the rest are final. */
export const MISSING_OUTPUT_GRACE_MS = 10 * 60_000;
/** How often a job waiting for a slot another process holds looks again (that process cannot wake us). */
const SLOT_RECHECK_MS = 2_000;
const RATE_LIMIT_BACKOFF = { base: 5_000, max: 300_000 };
const UNREACHED_BACKOFF = { base: 2_000, max: 120_000 };

function backoff(policy: { base: number; max: number }, attempt: number): number {
  return Math.min(policy.base * 2 ** Math.max(0, attempt - 1), policy.max);
}

/** Each image of a submission counts against the vendor's per-minute limit (the set estimate counts the same way). */
export function weightOf(operation: OperationId, params: Record<string, unknown>): number {
  return tasksOf(operation, params);
}

const CATEGORY_WORDS: Record<RateCategory, [string, string]> = { image: ['image', 'images'], video: ['video', 'videos'], stylize: ['stylization', 'stylizations'] };

/** A wait reason in English, for the CLI and the log (the app words it from the data itself). */
export function waitingWords(reason: WaitReason): string {
  const name = VENDOR_NAMES[reason.vendor];
  if (reason.kind === 'concurrency') {
    const tier = reason.tier ? `membership: ${reason.tier}, ` : '';
    return `Waiting for a free ${name} slot (${tier}${reason.limit} at a time).`;
  }
  const [one, many] = CATEGORY_WORDS[reason.category];
  if (reason.kind === 'rate_limited') return `Waiting: ${name} answered "too many requests" for ${many} a moment ago.`;
  if (reason.kind === 'behind') return `Waiting behind an earlier ${name} ${one} job that retries first.`;
  return `Waiting for ${name}'s per-minute limit (${reason.limit} ${reason.limit === 1 ? one : many} a minute).`;
}

function pausedReason(vendor: VendorId): ErrorInfo {
  return { kind: 'auth', message: `${VENDOR_NAMES[vendor]} token expired or invalid: the job is paused and continues when the key is updated.` };
}

/**
 * The job engine: a persistent queue within the vendors' limits, adaptive polling, and crash-safe resume.
 *
 * Write-ahead: every state is committed before the action it announces (`submitting` before the request
 * leaves, `running` with the task id before the first poll). A job found in `submitting` after a crash
 * may have been billed, so it goes to `needs_attention` and is never sent again without the user.
 *
 * A job is `succeeded` when the vendor says so; its outputs are then handed to the `Downloader`, and a
 * caller that needs the files (the CLI's `--wait`) waits for those downloads as well.
 *
 * Several engines may share one database (the app and a CLI run): each job is leased to one engine, and
 * every write is guarded by the lease and the state it starts from.
 */
export class JobEngine {
  readonly owner: string;
  private readonly store: JobStore;
  private readonly groups: GroupRepo;
  private readonly clients: VendorClients;
  private readonly downloader: Downloader;
  private readonly clock: Clock;
  private readonly timeScale: number;
  private readonly log: Logger;
  private readonly limiter: RateLimiter;
  private readonly poller: Poller;
  private readonly progress: Coalescer<JobProgress>;
  private readonly listeners = new Set<(event: EngineEvent) => void>();
  private readonly queue = new Map<string, Queued>();
  private readonly submitting = new Map<string, Promise<void>>();
  private readonly submittingJobs = new Map<string, Queued>();
  private readonly running = new Map<string, Running>();
  private readonly paused = new Map<VendorId, ErrorInfo>();
  private readonly timers: { pump?: () => void; lease?: () => void; adopt?: () => void } = {};
  private pumpAt = Infinity;
  private closed = false;
  private readonly unsubscribe: () => void;
  private readonly unsubscribeDownloads: () => void;

  constructor(private readonly options: JobEngineOptions) {
    this.store = new JobStore(options.db, (job) => this.expectedMs(job.operation, job.vendor));
    this.groups = new GroupRepo(options.db);
    this.clients = options.clients;
    this.downloader = options.downloader;
    this.clock = options.clock ?? systemClock;
    this.timeScale = options.timeScale ?? 1;
    this.log = options.log ?? createLogger({ scope: 'jobs' });
    this.owner = options.owner ?? ownerName();
    this.limiter = new RateLimiter(options.limits ?? DEFAULT_LIMIT_SETTINGS, this.real(60_000));
    this.poller = new Poller({
      clock: this.clock,
      timeScale: this.timeScale,
      query: async (vendor, operation, taskIds) => (await this.clients.client(vendor)).query(operation, taskIds),
      batchable: (vendor) => VENDORS[vendor].batchQuery,
      onStatus: (jobId, status) => this.onTaskStatus(jobId, status),
      onError: (vendor, jobIds, error, failures) => this.onPollError(vendor, jobIds, error, failures),
      // One commit for a whole batch answer instead of one per task.
      atomically: (fn) => transaction(options.db, fn),
    });
    this.progress = new Coalescer(this.clock, 100, (_id, progress) => this.emit({ type: 'progress', progress }));
    this.unsubscribe = this.clients.onChange((vendor) => this.onCredentialsChanged(vendor));
    // A job is done only when its results are on disk: a file that could not be saved changes its outcome.
    this.unsubscribeDownloads = this.downloader.onSettled?.((download) => this.onDownloadSettled(download)) ?? (() => {});
    this.seedLimiter();
    const report = (what: string) => ({ clock: this.clock, ...reportBackground(what, this.log, options.onProblem) });
    // A renewal that fails (a busy or full database) is retried at the same pace: the lease is only lost
    // if the failures outlast it, and then another engine may take the jobs, as after a crash.
    this.timers.lease = every(this.leaseMs / 3, () => this.renewLeases(), report('renew its hold on running jobs'));
    if (options.adoptEveryMs) {
      const adoptEvery = options.adoptEveryMs;
      this.timers.adopt = every(adoptEvery, () => this.resumeAll(), { ...report('take over unfinished jobs'), maxBackoffMs: adoptEvery * 8 });
    }
  }

  /** Vendor-time ms → clock ms. */
  private real(vendorMs: number): number {
    return vendorMs / this.timeScale;
  }

  private get leaseMs(): number {
    return this.options.leaseMs ?? 30_000;
  }

  // ── public API ────────────────────────────────────────────────────────────────────────────────────

  subscribe(listener: (event: EngineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  setLimits(limits: LimitSettings): void {
    this.limiter.setLimits(limits);
    this.schedulePump(this.clock.now());
  }

  /** Validates, stores and queues a job; nothing reaches a vendor when the input is invalid. */
  async submit(input: SubmitInput): Promise<Job> {
    this.assertOpen();
    const spec = OPERATIONS[input.operation];
    const result = validateParams(input.operation, input.params, {
      hasFile: input.file !== undefined,
      // A vendor on this computer (the built-in sandbox) can fetch its own (loopback) results.
      allowLoopback: this.clients.onThisComputer?.(spec.vendor) ?? this.clients.mode?.(spec.vendor) === 'sandbox',
    });
    if (!result.ok) {
      throw new AppError('invalid_input', issuesSummary(spec, result.issues, 'en'), { issues: result.issues.map((issue) => toErrorIssue(spec, issue)) });
    }
    if (input.file !== undefined) await this.options.checkInputFile?.(input.file);
    const now = this.clock.now();
    const job = this.store.create(
      {
        operation: input.operation,
        vendor: spec.vendor,
        params: result.params,
        inputFile: input.file ?? null,
        outputDir: input.outputDir ?? null,
        parentItemId: input.parentItemId ?? null,
        ...(input.retryOf ? { retryOf: input.retryOf } : {}),
        ...(input.group ? { group: input.group } : {}),
      },
      this.owner,
      now + this.leaseMs,
      now,
    );
    this.log.info('job queued', { id: job.id, operation: job.operation });
    this.enqueue(job);
    this.emitJob(job);
    return this.store.require(job.id);
  }

  /**
   * A set made by one submit: every member is checked first, then the group row and all its members are
   * stored in ONE transaction (all of a set or none of it), then each is queued like any job, so limits,
   * batch polling and its states apply to every member.
   */
  async submitGroup(group: Omit<NewGroup, 'size'>, inputs: readonly SubmitInput[]): Promise<{ group: JobGroup; jobs: Job[] }> {
    this.assertOpen();
    const checked = inputs.map((input, i) => ({ input, params: this.checked(input, `Member ${String(i + 1)}: `) }));
    for (const file of new Set(inputs.flatMap((input) => (input.file === undefined ? [] : [input.file])))) await this.options.checkInputFile?.(file);
    const now = this.clock.now();
    const stored = transaction(this.options.db, () => {
      const made = this.groups.create({ ...group, size: inputs.length }, now);
      const jobs = checked.map(({ input, params }, index) =>
        this.store.create(
          {
            operation: input.operation,
            vendor: OPERATIONS[input.operation].vendor,
            params,
            inputFile: input.file ?? null,
            outputDir: input.outputDir ?? null,
            parentItemId: input.parentItemId ?? null,
            group: { id: made.id, index },
          },
          this.owner,
          now + this.leaseMs,
          now,
        ),
      );
      return { group: made, jobs };
    });
    this.log.info('group queued', { id: stored.group.id, operation: group.operation, size: inputs.length });
    for (const job of stored.jobs) {
      this.enqueue(job);
      this.emitJob(job);
    }
    return { group: stored.group, jobs: stored.jobs.map((job) => this.store.require(job.id)) };
  }

  /** What validation must know of a submission: a local file comes with it; whether its vendor can fetch loopback URLs. */
  validationContext(operation: OperationId, hasFile: boolean): ValidationContext {
    const vendor = OPERATIONS[operation].vendor;
    // A vendor on this computer (the built-in sandbox) can fetch its own (loopback) results.
    return { hasFile, allowLoopback: this.clients.onThisComputer?.(vendor) ?? this.clients.mode?.(vendor) === 'sandbox' };
  }

  /** A group and its members in the set's order. */
  group(id: string): { group: JobGroup; jobs: Job[] } {
    const group = this.groups.get(id);
    if (!group) throw new AppError('not_found', `No group with id ${id}.`);
    return { group, jobs: currentMembers(this.groups.memberIds(id).map((jobId) => this.get(jobId))) };
  }

  /** The engine's one check of a submission, as `submit` makes it; `prefix` places a set member's problem. */
  private checked(input: SubmitInput, prefix: string): ValidParams {
    const spec = OPERATIONS[input.operation];
    const result = validateParams(input.operation, input.params, this.validationContext(input.operation, input.file !== undefined));
    if (result.ok) return result.params;
    throw new AppError('invalid_input', prefix + issuesSummary(spec, result.issues, 'en'), { issues: result.issues.map((issue) => toErrorIssue(spec, issue)) });
  }

  get(id: string): Job {
    const job = this.store.get(id);
    if (!job) throw new AppError('not_found', `No job with id ${id}.`);
    return job;
  }

  list(filter: { status?: readonly JobStatus[]; offset?: number; limit?: number } = {}): JobPage {
    return this.store.list({ status: filter.status, offset: filter.offset ?? 0, limit: filter.limit ?? 100 });
  }

  /**
   * Stops a job. Neither vendor can cancel a task, so a running task goes on remotely; the engine stops
   * polling it, downloads nothing, and keeps counting it against the concurrency limit for a while.
   */
  cancel(id: string, discarded = false): Job {
    const now = this.clock.now();
    const before = this.store.cancel(id, now, discarded);
    if (before === undefined) throw new AppError('not_found', `No job with id ${id}.`);
    if (isFinalStatus(before)) throw new AppError('conflict', `The job is already ${before}; there is nothing to cancel.`);
    this.queue.delete(id);
    // A "too many" the vendor answered this job must not keep pausing jobs the user still wants.
    this.limiter.forgive(id);
    const running = this.running.get(id);
    if (running) {
      this.running.delete(id);
      this.poller.untrack(id);
      this.limiter.release(id, running.vendor, now + this.real(CANCELED_HOLD_MS));
    }
    const job = this.get(id);
    this.emitJob(job);
    this.schedulePump(now);
    return job;
  }

  /** Runs a failed or canceled job again, as a new job with the same parameters. */
  async retry(id: string): Promise<Job> {
    const job = this.get(id);
    if (job.status !== 'failed' && job.status !== 'canceled' && job.status !== 'partial') {
      throw new AppError('conflict', `Only a failed, partial or canceled job can be retried; this one is ${job.status}.`);
    }
    const retry = await this.submit({
      operation: job.operation,
      params: job.params,
      ...(job.inputFile ? { file: job.inputFile } : {}),
      ...(job.parentItemId ? { parentItemId: job.parentItemId } : {}),
      ...(job.outputDir ? { outputDir: job.outputDir } : {}),
      retryOf: job.id,
      // A retried member of a set takes its place there: the set shows its latest attempt.
      ...(job.groupId ? { group: { id: job.groupId, index: job.groupIndex ?? 0 } } : {}),
    });
    // The original now points to its retry: lists show the two as one story.
    this.emitJob(this.get(id));
    return retry;
  }

  /**
   * Deletes finished jobs (all of them without `ids`): their records and outputs go, their files and
   * library items stay. A job still running, or whose results are still being saved, is not deleted.
   */
  deleteFinished(ids?: readonly string[]): string[] {
    const before = ids ? ids.map((id) => this.get(id)) : [];
    for (const job of before) {
      if (!isFinalStatus(job.status)) throw new AppError('conflict', `The job is ${job.status}; cancel it before deleting it.`);
    }
    const deleted = this.store.deleteFinished(ids);
    if (ids && deleted.length < ids.length) {
      throw new AppError('conflict', 'The job’s results are still being saved; delete it once they are in the library.');
    }
    if (deleted.length) {
      this.log.info('jobs deleted', { count: deleted.length });
      this.emit({ type: 'removed', ids: deleted });
    }
    return deleted;
  }

  /** The user's decision on a job that may already have been billed. */
  resolve(id: string, action: 'resubmit' | 'discard'): Job {
    const job = this.get(id);
    if (job.status !== 'needs_attention') throw new AppError('conflict', `Only a job that needs attention can be resolved; this one is ${job.status}.`);
    if (action === 'discard') return this.cancel(id, true);
    const now = this.clock.now();
    if (!this.store.resubmit(id, this.owner, now + this.leaseMs, now)) throw new AppError('conflict', 'The job changed meanwhile; look again.');
    const queued = this.store.require(id);
    this.log.info('job resubmitted by the user', { id });
    this.enqueue(queued);
    this.emitJob(queued);
    return queued;
  }

  /**
   * Takes over every unfinished job no live engine holds: queued ones are queued, running ones polled,
   * and one caught mid-submission is set aside for the user. Returns the jobs taken.
   */
  resumeAll(): Job[] {
    this.assertOpen();
    const now = this.clock.now();
    const taken: Job[] = [];
    for (const { id, owner } of this.store.unfinished()) {
      if (owner === this.owner && (this.queue.has(id) || this.running.has(id) || this.submitting.has(id))) continue;
      const job = this.store.claim(id, this.owner, now + this.leaseMs, now, isDeadOwner);
      if (!job) continue;
      this.adopt(job, now);
      taken.push(this.store.require(id));
    }
    for (const job of this.store.awaitingHandOff()) this.handOff(job);
    if (taken.length) this.log.info('resumed jobs', { count: taken.length });
    return taken;
  }

  /** The vendor's key stopped working: hold its jobs (nothing fails) until the key changes. */
  pauseVendor(vendor: VendorId, reason: ErrorInfo = pausedReason(vendor)): void {
    const first = !this.paused.has(vendor);
    this.paused.set(vendor, reason);
    this.poller.pause(vendor);
    if (first) {
      this.log.warn('vendor paused: token expired or invalid', { vendor });
      this.emit({ type: 'vendor', vendor, paused: true });
    }
    const now = this.clock.now();
    for (const id of this.mine(vendor)) {
      if (this.store.setPaused(id, this.owner, reason, now)) this.emitJob(this.store.require(id));
    }
  }

  /** A new key: paused jobs of the vendor continue. */
  onCredentialsChanged(vendor: VendorId): void {
    if (!this.paused.delete(vendor)) return;
    this.log.info('vendor key changed; resuming its jobs', { vendor });
    this.emit({ type: 'vendor', vendor, paused: false });
    const now = this.clock.now();
    for (const id of this.mine(vendor)) {
      if (this.store.setPaused(id, this.owner, null, now)) this.emitJob(this.store.require(id));
    }
    this.poller.resume(vendor);
    this.schedulePump(now);
  }

  isPaused(vendor: VendorId): boolean {
    return this.paused.has(vendor);
  }

  /** Jobs this engine is working on right now (queued, submitting or running). */
  get activeCount(): number {
    return this.queue.size + this.submitting.size + this.running.size;
  }

  /**
   * Stops timers, lets submissions in flight record their answer, and releases this engine's leases so
   * another engine (the app, a later `promptreel resume`) can take the jobs over at once.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe();
    this.unsubscribeDownloads();
    for (const cancel of Object.values(this.timers)) cancel();
    this.poller.close();
    this.progress.close();
    await Promise.allSettled([...this.submitting.values()]);
    this.store.releaseLeases(this.owner);
    this.queue.clear();
    this.running.clear();
  }

  // ── internals ─────────────────────────────────────────────────────────────────────────────────────

  private assertOpen(): void {
    if (this.closed) throw new AppError('internal', 'The job engine is shut down.');
  }

  private emit(event: EngineEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.log.error('job event listener failed', { error });
      }
    }
  }

  private emitJob(job: Job): void {
    // The full record carries the progress too; a pending coalesced progress would only be older.
    this.progress.drop(job.id);
    this.emit({ type: 'updated', job });
  }

  private mine(vendor: VendorId): string[] {
    const ids: string[] = [];
    for (const [id, q] of this.queue) if (q.vendor === vendor) ids.push(id);
    for (const [id, r] of this.running) if (r.vendor === vendor) ids.push(id);
    return ids;
  }

  private enqueue(job: Job): void {
    const spec = OPERATIONS[job.operation];
    this.queue.set(job.id, {
      id: job.id,
      operation: job.operation,
      vendor: job.vendor,
      category: spec.category,
      weight: weightOf(job.operation, job.params),
      notBefore: job.notBefore ?? 0,
      unreached: 0,
      waiting: job.waiting,
    });
    if (this.paused.has(job.vendor)) {
      const reason = this.paused.get(job.vendor) ?? pausedReason(job.vendor);
      this.store.setPaused(job.id, this.owner, reason, this.clock.now());
    }
    this.schedulePump(this.clock.now());
  }

  private adopt(job: Job, now: number): void {
    switch (job.status) {
      case 'queued':
        // A pause from an earlier run is retried: the key may have been fixed meanwhile.
        if (job.error?.kind === 'auth' && !this.paused.has(job.vendor)) this.store.setPaused(job.id, this.owner, null, now);
        this.enqueue(job);
        break;
      case 'submitting': {
        const message =
          `Promptreel stopped while sending this job to ${VENDOR_NAMES[job.vendor]}, so it cannot tell whether ${VENDOR_NAMES[job.vendor]} ` +
          'received it (and billed it). It was not sent again: resubmit it or discard it.';
        // `canceled`: the request was cut off mid-flight, as the vendor layer classes it (maybe sent).
        if (this.store.toNeedsAttention(job.id, this.owner, ['submitting'], message, { kind: 'canceled', message }, now)) {
          this.log.warn('job interrupted while submitting; needs attention', { id: job.id });
          this.emitJob(this.store.require(job.id));
        }
        break;
      }
      case 'running':
        this.startPolling(job);
        if (this.paused.has(job.vendor)) this.store.setPaused(job.id, this.owner, this.paused.get(job.vendor) ?? null, now);
        else if (job.error?.kind === 'auth') this.store.setPaused(job.id, this.owner, null, now);
        break;
      default:
        break;
    }
  }

  private startPolling(job: Job): void {
    if (!job.taskId) return;
    this.limiter.hold(job.id, job.vendor);
    this.running.set(job.id, {
      vendor: job.vendor,
      operation: job.operation,
      since: job.submittedAt ?? job.updatedAt,
      expectedMs: job.expectedMs,
      states: job.outputs.map((o) => o.status).join(),
      progress: job.progress,
      expected: Math.max(1, job.outputs.length),
      incompleteSince: null,
      unknownSince: null,
    });
    this.poller.track({
      jobId: job.id,
      vendor: job.vendor,
      operation: job.operation,
      taskId: job.taskId,
      since: job.submittedAt ?? job.updatedAt,
      progress: job.progress,
    });
    if (this.paused.has(job.vendor)) this.poller.pause(job.vendor);
  }

  /** Rebuilds the per-minute windows and held slots from the database, so a restart cannot overshoot. */
  private seedLimiter(): void {
    const now = this.clock.now();
    for (const s of this.store.submissionsSince(now - this.real(60_000))) {
      const spec = OPERATIONS[s.operation];
      this.limiter.seed(s.id, spec.vendor, spec.category, weightOf(s.operation, s.params), s.at);
    }
    for (const c of this.store.canceledWithTaskSince(now - this.real(CANCELED_HOLD_MS))) {
      this.limiter.hold(c.id, OPERATIONS[c.operation].vendor, c.finishedAt + this.real(CANCELED_HOLD_MS));
    }
  }

  private schedulePump(at: number): void {
    if (this.closed || at >= this.pumpAt) return;
    this.timers.pump?.();
    this.pumpAt = at;
    this.timers.pump = this.clock.setTimeout(() => {
      this.pumpAt = Infinity;
      delete this.timers.pump;
      this.pump();
    }, at - this.clock.now());
  }

  /**
   * Sends what the limits allow, oldest first. Within one vendor+category the order is kept: when the
   * oldest waits (backoff or limit), the ones behind it wait too; other categories go on.
   */
  private pump(): void {
    if (this.closed) return;
    const now = this.clock.now();
    let wake = Infinity;
    const blocked = new Map<string, Blocked>();
    const block = (q: Queued, reason: WaitReason | null): void => {
      blocked.set(`${q.vendor}:${q.category}`, { reason, ahead: 0 });
      this.noteWaiting(q, reason, now);
    };
    const sending = new Map<VendorId, number>();
    for (const q of this.submittingJobs.values()) sending.set(q.vendor, (sending.get(q.vendor) ?? 0) + 1);
    for (const q of [...this.queue.values()]) {
      const group = `${q.vendor}:${q.category}`;
      if (this.paused.has(q.vendor)) continue;
      const held = blocked.get(group);
      if (held) {
        // In line behind a job that waits: the same reason, and at least as long.
        held.ahead++;
        if (held.reason) {
          const counted = held.ahead <= AHEAD_COUNTED;
          this.noteWaiting(q, counted ? { ...held.reason, ahead: held.ahead } : { ...held.reason, until: null, ahead: AHEAD_COUNTED + 1 }, now);
        }
        continue;
      }
      if ((sending.get(q.vendor) ?? 0) >= MAX_SUBMITTING) continue;
      if (q.notBefore > now) {
        // Its own backoff (its error says why); the jobs behind it learn how long it holds them.
        blocked.set(group, { reason: { kind: 'behind', vendor: q.vendor, category: q.category, until: q.notBefore }, ahead: 0 });
        wake = Math.min(wake, q.notBefore);
        continue;
      }
      const acquired = this.limiter.tryAcquire(q.id, q.vendor, q.category, q.weight, now);
      if (!acquired.ok) {
        if (acquired.retryAt !== null) wake = Math.min(wake, acquired.retryAt);
        block(q, this.waitReason(q, acquired, now));
        continue;
      }
      // Committed before the request leaves, together with the check of what other processes on this
      // database hold: the vendor's limits are per account, not per process.
      let claimed: ReturnType<JobStore['beginSubmit']>;
      try {
        claimed = this.store.beginSubmit(q.id, this.owner, now, () => this.roomLeftByOthers(q, now));
      } catch (error) {
        // A busy or full database: nothing was sent; the job waits its turn again.
        blocked.set(group, { reason: null, ahead: 0 });
        this.sendCrashed(q, error);
        continue;
      }
      if (!claimed.ok) {
        this.limiter.release(q.id, q.vendor);
        this.limiter.withdraw(q.id, q.vendor, q.category);
        if (!claimed.waiting) {
          // Canceled or taken over since it was queued: it was never sent.
          this.queue.delete(q.id);
          continue;
        }
        wake = Math.min(wake, now + this.real(SLOT_RECHECK_MS));
        block(q, claimed.waiting);
        continue;
      }
      this.queue.delete(q.id);
      sending.set(q.vendor, (sending.get(q.vendor) ?? 0) + 1);
      this.submittingJobs.set(q.id, q);
      const done = this.send(q).catch((error: unknown) => this.sendCrashed(q, error)).finally(() => {
        this.submitting.delete(q.id);
        this.submittingJobs.delete(q.id);
        this.schedulePump(this.clock.now());
      });
      this.submitting.set(q.id, done);
    }
    if (wake < Infinity) this.schedulePump(wake);
  }

  /** Why the limiter holds `q` back, as the job shows it, with when the engine expects to try again. */
  private waitReason(q: Queued, refused: Extract<Acquired, { ok: false }>, now: number): WaitReason {
    const limits = this.limiter.limitsOf(q.vendor);
    if (refused.reason === 'concurrency') {
      return { kind: 'concurrency', vendor: q.vendor, limit: limits.concurrency, tier: limits.tier ?? null, until: this.slotFreesAbout(q.vendor, refused.retryAt, now) };
    }
    if (refused.reason === 'per_minute') return { kind: 'per_minute', vendor: q.vendor, category: q.category, limit: limits.perMinute[q.category], until: refused.retryAt };
    return { kind: 'rate_limited', vendor: q.vendor, category: q.category, until: refused.retryAt };
  }

  /**
   * When a slot of `vendor` probably frees: the earliest a running task should end by its progress or
   * its typical duration, or a canceled task's hold running out. Null when no running task has an estimate.
   */
  private slotFreesAbout(vendor: VendorId, heldUntil: number | null, now: number): number | null {
    let at = heldUntil ?? Infinity;
    for (const r of this.running.values()) {
      if (r.vendor !== vendor) continue;
      const end = expectedEnd(r.since, r.progress, r.expectedMs, now);
      if (end !== null) at = Math.min(at, end);
    }
    return Number.isFinite(at) ? Math.round(at) : null;
  }

  /** How long a task of this kind typically takes here, in clock ms: the sandbox's own timings while the vendor runs in it. */
  private expectedMs(operation: OperationId, vendor: VendorId): number {
    const inSandbox = this.clients.mode?.(vendor) === 'sandbox';
    const [shortest, longest] = SANDBOX_DURATIONS_MS[OPERATIONS[operation].output];
    return Math.round(this.real(inSandbox ? (shortest + longest) / 2 : TYPICAL_DURATIONS_MS[operation]));
  }

  /**
   * Runs inside the submit transaction, after this engine's own limiter let `q` go: whether the slots
   * and per-minute submissions of other engines on this database (the app and a CLI run share one
   * account) leave room for it. Own jobs are counted by the limiter, which already holds `q`.
   */
  private roomLeftByOthers(q: Queued, now: number): WaitReason | null {
    const limits = this.limiter.limitsOf(q.vendor);
    const others = this.store.slotsHeldByOthers(q.vendor, this.owner, now);
    if (others > 0 && others + this.limiter.inUse(q.vendor, now) > limits.concurrency) {
      return { kind: 'concurrency', vendor: q.vendor, limit: limits.concurrency, tier: limits.tier ?? null };
    }
    const limit = Math.max(1, limits.perMinute[q.category]);
    let theirs = 0;
    for (const s of this.store.submissionsByOthers(q.vendor, this.owner, now - this.real(60_000))) {
      const spec = OPERATIONS[s.operation];
      if (spec.category !== q.category || this.limiter.counts(q.vendor, q.category, s.id)) continue;
      theirs += Math.min(weightOf(s.operation, s.params), limit);
    }
    if (theirs > 0 && theirs + this.limiter.used(q.vendor, q.category, now) > limit) {
      return { kind: 'per_minute', vendor: q.vendor, category: q.category, limit: limits.perMinute[q.category] };
    }
    return null;
  }

  /**
   * Shows on the job why it is still queued; written only when the reason changed, or its expected time
   * moved by more than a fifth of the wait (an estimate from a running task's progress drifts every poll).
   */
  private noteWaiting(q: Queued, reason: WaitReason | null, now: number): void {
    if (!reason || sameWait(q.waiting, reason, now)) return;
    q.waiting = reason;
    if (this.store.setWaiting(q.id, this.owner, reason, waitingWords(reason), now)) this.emitJob(this.store.require(q.id));
  }

  private async send(q: Queued): Promise<void> {
    const job = this.store.require(q.id);
    this.emitJob(job);
    let client: VendorClient;
    try {
      client = await this.clients.client(q.vendor);
    } catch (error) {
      this.limiter.withdraw(q.id, q.vendor, q.category);
      this.submitFailed(q, { kind: 'not_sent', error });
      return;
    }
    try {
      const submission = await client.submit({
        operation: job.operation,
        params: storedParams(job.params),
        requestId: job.requestId ?? job.id,
        ...(job.inputFile ? { file: job.inputFile } : {}),
      });
      this.limiter.answered(q.id, q.vendor, q.category, this.clock.now());
      this.accepted(q, submission);
    } catch (error) {
      const outcome = classifySubmitError(error);
      // A submission that never left does not count against the vendor's window.
      if (outcome.kind === 'not_sent') this.limiter.withdraw(q.id, q.vendor, q.category);
      else this.limiter.answered(q.id, q.vendor, q.category, this.clock.now());
      this.submitFailed(q, outcome);
    }
  }

  /**
   * A step of a submission could not be written (a busy or full database). A job still `queued` was
   * never sent, so it waits its turn again. One left `submitting` may have been billed: it keeps its
   * slot for a while and is set aside for the user (or, if that cannot be written either, by the next
   * pickup, as after a crash).
   */
  private sendCrashed(q: Queued, error: unknown): void {
    const reason = describeFailure(error);
    this.log.error('a submission step could not be recorded', { id: q.id, error });
    this.options.onProblem?.({ level: 'error', message: `Promptreel could not record a job's submission: ${reason}.` });
    const now = this.clock.now();
    try {
      const job = this.store.get(q.id);
      if (job?.status === 'queued') {
        this.limiter.release(q.id, q.vendor);
        this.limiter.withdraw(q.id, q.vendor, q.category);
        const at = now + this.real(UNREACHED_BACKOFF.base);
        this.queue.set(q.id, { ...q, notBefore: at });
        this.schedulePump(at);
        return;
      }
      this.limiter.release(q.id, q.vendor, now + this.real(CANCELED_HOLD_MS));
      if (job?.status === 'running') {
        this.startPolling(job);
      } else if (job?.status === 'submitting') {
        const name = VENDOR_NAMES[q.vendor];
        const message =
          `Promptreel could not record ${name}'s answer to this job (${reason}), so it cannot tell whether ${name} received it ` +
          '(and billed it). It was not sent again: resubmit it or discard it.';
        if (this.store.toNeedsAttention(q.id, this.owner, ['submitting'], message, { kind: 'internal', message }, now)) this.emitJob(this.store.require(q.id));
      }
    } catch (cause) {
      this.log.error('the job is left for the next pickup', { id: q.id, error: cause });
    }
  }

  private accepted(q: Queued, submission: { taskId: string; subTaskIds: string[] }): void {
    const now = this.clock.now();
    if (!this.store.accept(q.id, this.owner, submission, OPERATIONS[q.operation].output, now, q.weight)) {
      // Canceled while in flight: the vendor has the task anyway, so keep its id and its slot for a while.
      this.store.recordLateTask(q.id, submission.taskId, now);
      this.limiter.release(q.id, q.vendor, now + this.real(CANCELED_HOLD_MS));
      return;
    }
    const job = this.store.require(q.id);
    this.log.info('job accepted', { id: job.id, taskId: job.taskId });
    this.emitJob(job);
    this.startPolling(job);
  }

  private submitFailed(q: Queued, outcome: SubmitOutcome): void {
    const now = this.clock.now();
    const info = outcome.kind === 'not_sent' && !isAppError(outcome.error) ? { kind: 'network' as const, message: String(outcome.error) } : toInfo(outcome.error);
    this.limiter.release(q.id, q.vendor);
    const requeue = (notBefore: number | null, error: ErrorInfo | null, attention: string | null): void => {
      if (!this.store.requeue(q.id, this.owner, { notBefore, error, attention }, now)) return;
      this.queue.set(q.id, { ...q, notBefore: notBefore ?? 0, waiting: null });
      this.emitJob(this.store.require(q.id));
      this.schedulePump(notBefore ?? now);
    };
    const attempts = this.store.require(q.id).attempts;
    switch (outcome.kind) {
      case 'rate_limit': {
        const wait = this.real(Math.max(outcome.retryAfterMs ?? 0, jitter(this.clock, backoff(RATE_LIMIT_BACKOFF, attempts))));
        this.log.info('vendor rate limit; job re-queued', { id: q.id, waitMs: Math.round(wait) });
        this.limiter.penalize(q.vendor, q.category, now + wait, q.id);
        requeue(now + wait, info, null);
        break;
      }
      case 'auth':
        requeue(null, pausedReason(q.vendor), pausedReason(q.vendor).message);
        this.pauseVendor(q.vendor);
        break;
      case 'not_sent': {
        const unreached = q.unreached + 1;
        if (unreached >= MAX_UNREACHED) {
          this.finishFailed(q.id, ['submitting'], { kind: info.kind, message: `${VENDOR_NAMES[q.vendor]} could not be reached after ${unreached} attempts: ${info.message}` });
          break;
        }
        q.unreached = unreached;
        requeue(now + this.real(jitter(this.clock, backoff(UNREACHED_BACKOFF, unreached))), info, null);
        break;
      }
      case 'rejected':
        this.finishFailed(q.id, ['submitting'], info);
        break;
      case 'unknown': {
        const name = VENDOR_NAMES[q.vendor];
        const message =
          `The submission to ${name} failed in a way that leaves open whether ${name} received it (${info.message}). ` +
          'It may have been billed, so it was not sent again: resubmit it or discard it.';
        if (this.store.toNeedsAttention(q.id, this.owner, ['submitting'], message, info, now)) {
          this.log.warn('submission outcome unknown; needs attention', { id: q.id, kind: info.kind });
          this.emitJob(this.store.require(q.id));
        }
        break;
      }
    }
  }

  private finishFailed(id: string, from: readonly JobStatus[], error: ErrorInfo): void {
    if (!this.store.fail(id, this.owner, from, error, this.clock.now())) return;
    this.log.info('job failed', { id, kind: error.kind });
    this.emitJob(this.store.require(id));
  }

  /** A poll answer. Returns true when polling should stop. */
  private onTaskStatus(jobId: string, status: TaskStatus): boolean {
    try {
      return this.applyTaskStatus(jobId, status);
    } catch (error) {
      // One job's bad answer must not stop the others in the same batch; it is asked again later.
      this.log.error('could not record a poll answer', { id: jobId, error });
      return false;
    }
  }

  private applyTaskStatus(jobId: string, status: TaskStatus): boolean {
    const running = this.running.get(jobId);
    if (!running) return true;
    const now = this.clock.now();
    const outputs = status.outputs;
    // The submission said how many results it asked for; a listing with fewer (HiDream lists a
    // sub-task only once it started) is progress, not the end.
    const expected = Math.max(running.expected, outputs.length);
    const progress = outputs.reduce((sum, o) => sum + o.progress, 0) / expected;
    const listedFinal = outputs.length > 0 && outputs.every((o) => o.state === 'succeeded' || o.state === 'failed');
    const unknown = outputs.find((o) => o.unknownStatus !== undefined)?.unknownStatus;
    if (unknown === undefined) running.unknownSince = null;
    else if (now - (running.unknownSince ??= now) >= this.real(UNKNOWN_STATUS_GRACE_MS)) return this.unknownStatus(jobId, running, unknown, now);
    let missing: ErrorInfo | undefined;
    if (!listedFinal || outputs.length < expected) {
      running.incompleteSince = listedFinal ? (running.incompleteSince ?? now) : null;
      if (running.incompleteSince !== null && now - running.incompleteSince >= this.real(MISSING_OUTPUT_GRACE_MS)) {
        missing = { kind: 'generation_failed', message: `${VENDOR_NAMES[running.vendor]} never reported this result, though it reported the others as finished.` };
      } else {
        return this.progressed(jobId, running, outputs, progress, now);
      }
    }
    const spec = OPERATIONS[running.operation];
    const final = [...outputs.map((o) => ({ state: o.state, error: o.error })), ...Array.from({ length: expected - outputs.length }, () => ({ state: 'failed' as const, error: missing ?? null }))];
    const outcome = outcomeOf(final, spec.output, VENDOR_NAMES[running.vendor]);
    if (!this.store.finish(jobId, this.owner, outcome.status, outcome.error, outputs, now, missing)) return this.lost(jobId);
    this.running.delete(jobId);
    this.limiter.release(jobId, running.vendor);
    this.schedulePump(now);
    const job = this.store.require(jobId);
    this.log.info(`job ${outcome.status}`, { id: jobId, outputs: final.filter((o) => o.state === 'succeeded').length });
    this.emitJob(job);
    if (outcome.status !== 'failed') this.handOff(job);
    return true;
  }

  /** A poll answer that changes no final state: written (and announced) only when something changed. */
  private progressed(jobId: string, running: Running, outputs: TaskStatus['outputs'], reported: number, now: number): boolean {
    const states = outputs.map((o) => o.state).join();
    // Never backwards: a sub-task listed late, or a vendor that restarts a count, is not lost work.
    const progress = Math.max(running.progress, reported);
    if (states === running.states && progress === running.progress) return false;
    if (!this.store.update(jobId, this.owner, progress, outputs, now)) return this.lost(jobId);
    running.progress = progress;
    if (states !== running.states) {
      running.states = states;
      this.emitJob(this.store.require(jobId));
    } else {
      this.progress.push(jobId, { id: jobId, progress, status: 'running' });
    }
    return false;
  }

  /** The vendor kept reporting a status it never documented: stop asking, and let the user decide. */
  private unknownStatus(jobId: string, running: Running, raw: string, now: number): boolean {
    const name = VENDOR_NAMES[running.vendor];
    const minutes = Math.round(UNKNOWN_STATUS_GRACE_MS / 60_000);
    const message =
      `${name} kept reporting the task status ${JSON.stringify(raw)}, which its documentation does not list, for ${minutes} minutes. ` +
      `The task may still finish (and be billed) on ${name}'s side: check it there, then resubmit or discard this job.`;
    this.running.delete(jobId);
    this.limiter.release(jobId, running.vendor);
    this.schedulePump(now);
    if (this.store.toNeedsAttention(jobId, this.owner, ['running'], message, { kind: 'vendor', message }, now)) {
      this.log.warn('undocumented task status; needs attention', { id: jobId, status: raw });
      this.emitJob(this.store.require(jobId));
    }
    return true;
  }

  /**
   * A result's download settled. A file that could not be saved (its link expired, the server refused
   * it) makes the job say so: `partial` or `failed` with the reason; a file saved after all (a retried
   * download) takes that back.
   */
  private onDownloadSettled(download: Download): void {
    if (!download.outputId || download.status === 'paused') return;
    const lost = download.status === 'completed' ? null : lostDownloadError(download);
    try {
      const jobId = this.store.markSaved(download.outputId, lost);
      if (!jobId) return;
      const job = this.store.require(jobId);
      if (!OUTCOME_STATUSES.includes(job.status)) return;
      const outcome = outcomeOf(
        job.outputs.map((o) => ({ state: o.status, error: o.error })),
        OPERATIONS[job.operation].output,
        VENDOR_NAMES[job.vendor],
      );
      if (!this.store.setOutcome(job.id, job.status, outcome.status, outcome.error, this.clock.now())) return;
      this.log.info(lost ? 'a result was not saved' : 'a result was saved after all', { id: job.id, status: outcome.status });
      this.emitJob(this.store.require(job.id));
    } catch (error) {
      this.log.error('could not record a download outcome on its job', { id: download.id, error });
    }
  }

  /** Our write lost to another writer (the user canceled, another engine took the job): let it go. */
  private lost(jobId: string): boolean {
    const running = this.running.get(jobId);
    this.running.delete(jobId);
    if (running) this.limiter.release(jobId, running.vendor);
    const job = this.store.get(jobId);
    if (job) this.emitJob(job);
    return true;
  }

  private onPollError(vendor: VendorId, jobIds: string[], error: unknown, failures: number): void {
    const info = toInfo(error);
    if (info.kind === 'auth') {
      this.pauseVendor(vendor);
      return;
    }
    this.log.warn('poll failed; will retry', { vendor, jobs: jobIds.length, kind: info.kind, message: info.message, failures });
    const [only] = jobIds;
    if (jobIds.length !== 1 || only === undefined) return;
    const refused = info.kind === 'vendor' || info.kind === 'validation' || info.kind === 'not_found';
    if (!refused) return;
    // The built-in sandbox keeps its tasks in memory: one started by an earlier process is gone for good.
    if (this.clients.mode?.(vendor) === 'sandbox') {
      this.failRunning(only, vendor, {
        kind: info.kind,
        message: `${info.message}. The built-in sandbox that accepted this job has stopped (its tasks last only as long as the program that started it).`,
      });
    } else if (failures >= MAX_POLL_REFUSALS) {
      this.failRunning(only, vendor, { kind: info.kind, message: `${info.message} (the vendor kept refusing to report on this task)` });
    }
  }

  private failRunning(id: string, vendor: VendorId, error: ErrorInfo): void {
    this.poller.untrack(id);
    this.running.delete(id);
    this.limiter.release(id, vendor);
    this.finishFailed(id, ['running'], error);
  }

  /** Gives every finished result to the download manager, once. */
  private handOff(job: Job): void {
    let changed = false;
    for (const output of job.outputs) {
      if (output.status !== 'succeeded' || !output.url || output.downloadId) continue;
      if (!this.store.claimHandOff(output.id, this.owner, isDeadOwner)) continue;
      try {
        const download = this.downloader.enqueue({
          url: output.url,
          destDir: job.outputDir ?? (typeof this.options.outputDir === 'function' ? this.options.outputDir() : this.options.outputDir),
          outputId: output.id,
          jobId: job.id,
          expiresAt: output.expiresAt,
          naming: { operation: job.operation, prompt: promptOf(job.params), index: output.index, kind: output.kind, createdAt: job.createdAt },
        });
        this.store.setDownloadId(output.id, download.id);
        changed = true;
      } catch (error) {
        this.store.setDownloadId(output.id, null);
        this.log.error('could not hand a result to the downloader', { id: job.id, output: output.index, error });
      }
    }
    if (changed) this.emitJob(this.store.require(job.id));
  }

  /** Extends this engine's leases; jobs another engine took over meanwhile are let go. */
  private renewLeases(): void {
    if (this.closed || !this.activeCount) return;
    const held = this.store.renewLeases(this.owner, this.clock.now() + this.leaseMs);
    for (const id of [...this.queue.keys()]) if (!held.has(id)) this.queue.delete(id);
    for (const [id, r] of [...this.running]) {
      if (held.has(id)) continue;
      this.running.delete(id);
      this.poller.untrack(id);
      this.limiter.release(id, r.vendor);
    }
  }
}

/** Whether a wait reason already shown says the same as `next`, close enough in time. */
function sameWait(shown: WaitReason | null, next: WaitReason, now: number): boolean {
  if (!shown) return false;
  const { until: a = null, ...restA } = shown;
  const { until: b = null, ...restB } = next;
  if (JSON.stringify(restA) !== JSON.stringify(restB)) return false;
  if (a === null || b === null) return a === b;
  return Math.abs(a - b) <= Math.max(1_000, (Math.max(a, b) - now) / 5);
}

function toInfo(error: unknown): ErrorInfo {
  if (isAppError(error)) return { kind: error.kind, message: error.message, ...(error.net ? { net: error.net } : {}) };
  return { kind: 'internal', message: error instanceof Error ? error.message : String(error) };
}
