import { randomUUID } from 'node:crypto';
import type { SQLInputValue, StatementSync } from 'node:sqlite';
import type { ErrorInfo, ErrorKind } from '@shared/errors';
import { FINAL_JOB_STATUSES, type Job, type JobOutput, type JobStatus, type OutputStatus, type WaitReason } from '@shared/jobs';
import type { JobPage } from '@shared/ipc/jobs';
import type { MediaKind, OperationId, VendorId } from '@shared/catalog';
import { LeaseTable } from '@main/platform/lease';
import { statementCache } from '@main/platform/statements';
import { transaction, type Database } from '../db/database';
import { redact } from '../log';
import type { RemoteOutput, Submission } from '../vendors/types';

interface JobRow {
  id: string;
  operation: string;
  vendor: string;
  status: string;
  params: string;
  input_file: string | null;
  output_dir: string | null;
  parent_item_id: string | null;
  request_id: string | null;
  task_id: string | null;
  progress: number;
  error_kind: string | null;
  error_message: string | null;
  attention: string | null;
  waiting: string | null;
  group_id: string | null;
  group_index: number | null;
  attempts: number;
  retry_of: string | null;
  discarded_at: number | null;
  error_detail: string | null;
  /** Not a column: the newest job retrying this one (see `JOB_SELECT`). */
  retried_by: string | null;
  not_before: number | null;
  owner: string | null;
  lease_until: number | null;
  created_at: number;
  updated_at: number;
  submitted_at: number | null;
  finished_at: number | null;
}

interface OutputRow {
  id: string;
  job_id: string;
  idx: number;
  sub_task_id: string | null;
  status: string;
  progress: number;
  kind: string | null;
  url: string | null;
  expires_at: number | null;
  error_kind: string | null;
  error_message: string | null;
  download_id: string | null;
}

type Patch = Partial<Record<keyof JobRow, SQLInputValue>>;

export interface NewJob {
  operation: OperationId;
  vendor: VendorId;
  params: Record<string, unknown>;
  inputFile: string | null;
  outputDir: string | null;
  parentItemId: string | null;
  /** Kept from the job this one retries; HiDream uses it to recognise a repeated request. */
  requestId?: string;
  /** The job this one retries. */
  retryOf?: string;
  /** The set it belongs to and its position there; the group row must exist (same transaction). */
  group?: { id: string; index: number };
}

/** How long a task of the job's kind typically takes, in clock ms (the engine knows the vendor's mode and time scale). */
export type ExpectedDuration = (job: { operation: OperationId; vendor: VendorId }) => number | null;

/** A job the store is asked about for rate-limit accounting after a restart. */
export interface SubmissionRecord {
  id: string;
  operation: OperationId;
  params: Record<string, unknown>;
  status: JobStatus;
  /** When the vendor answered the submission (or, if it never did, when it was attempted). */
  at: number;
}

const HANDOFF_CLAIM = 'claim:';
/** A job row with the newest job that retries it (one index lookup per row). */
/** A result of `jobs.id` still on its way to the disk (being handed over, or its download not settled). */
const STILL_SAVING = `SELECT 1 FROM outputs o LEFT JOIN downloads d ON d.id = o.download_id WHERE o.job_id = jobs.id AND o.status = 'succeeded' AND o.url IS NOT NULL
  AND (o.download_id IS NULL OR o.download_id LIKE '${HANDOFF_CLAIM}%' OR d.status IN ('queued', 'active', 'paused'))`;
const JOB_SELECT = 'SELECT jobs.*, (SELECT r.id FROM jobs r WHERE r.retry_of = jobs.id ORDER BY r.created_at DESC LIMIT 1) AS retried_by FROM jobs';
const FINAL_SQL = FINAL_JOB_STATUSES.map((s) => `'${s}'`).join(', ');

function errorOf(kind: string | null, message: string | null, detail: string | null = null): ErrorInfo | null {
  if (!kind) return null;
  const extra = detail ? (JSON.parse(detail) as Pick<ErrorInfo, 'net'>) : {};
  return { kind: kind as ErrorKind, message: message ?? '', ...(extra.net ? { net: extra.net } : {}) };
}

function toOutput(row: OutputRow): JobOutput {
  return {
    id: row.id,
    index: row.idx,
    subTaskId: row.sub_task_id,
    status: row.status as OutputStatus,
    progress: row.progress,
    kind: row.kind as MediaKind | null,
    url: row.url,
    expiresAt: row.expires_at,
    error: errorOf(row.error_kind, row.error_message),
    // A `claim:` marker is a hand-over in progress, not a download yet.
    downloadId: row.download_id?.startsWith(HANDOFF_CLAIM) ? null : row.download_id,
  };
}

function toJob(row: JobRow, outputs: OutputRow[], expectedMs: ExpectedDuration): Job {
  const operation = row.operation as OperationId;
  const vendor = row.vendor as VendorId;
  return {
    id: row.id,
    operation,
    vendor,
    status: row.status as JobStatus,
    params: JSON.parse(row.params) as Record<string, unknown>,
    inputFile: row.input_file,
    outputDir: row.output_dir,
    parentItemId: row.parent_item_id,
    requestId: row.request_id,
    taskId: row.task_id,
    progress: row.progress,
    error: errorOf(row.error_kind, row.error_message, row.error_detail),
    attention: row.attention,
    waiting: row.waiting ? (JSON.parse(row.waiting) as WaitReason) : null,
    notBefore: row.not_before,
    attempts: row.attempts,
    retryOf: row.retry_of,
    retriedBy: row.retried_by,
    discarded: row.discarded_at !== null,
    expectedMs: expectedMs({ operation, vendor }),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    submittedAt: row.submitted_at,
    finishedAt: row.finished_at,
    outputs: outputs.sort((a, b) => a.idx - b.idx).map(toOutput),
    groupId: row.group_id ?? null,
    groupIndex: row.group_index ?? null,
  };
}

/** Text that may quote a vendor: a key or API-User-ID it echoed is masked before it reaches the database (and the events read from it). */
const VENDOR_TEXT_COLUMNS: ReadonlySet<string> = new Set(['error_message', 'attention']);
function storedText<T extends SQLInputValue>(column: string, value: T): T | string {
  return VENDOR_TEXT_COLUMNS.has(column) && typeof value === 'string' ? redact(value) : value;
}

function errorPatch(error: ErrorInfo | null): Patch {
  return { error_kind: error?.kind ?? null, error_message: error?.message ?? null, error_detail: error?.net ? JSON.stringify({ net: error.net }) : null };
}

/**
 * Rows ↔ `Job`. Every transition is one committed write guarded by the state it starts from (and by the
 * owning engine, when one is given), so a write that lost a race — a user's cancel from another window,
 * another process that took the job over — changes nothing and reports `false`.
 */
export class JobStore {
  private readonly stmt: (sql: string) => StatementSync;
  private readonly leases: LeaseTable;

  constructor(
    private readonly db: Database,
    private readonly expectedMs: ExpectedDuration = () => null,
  ) {
    this.stmt = statementCache(db);
    this.leases = new LeaseTable(db, 'jobs', `status NOT IN (${FINAL_SQL})`);
  }

  private outputsOf(jobIds: string[]): Map<string, OutputRow[]> {
    const byJob = new Map<string, OutputRow[]>(jobIds.map((id) => [id, []]));
    for (let i = 0; i < jobIds.length; i += 500) {
      const chunk = jobIds.slice(i, i + 500);
      const rows = this.stmt(`SELECT * FROM outputs WHERE job_id IN (${chunk.map(() => '?').join(',')})`).all(...chunk) as unknown as OutputRow[];
      for (const row of rows) byJob.get(row.job_id)?.push(row);
    }
    return byJob;
  }

  private withOutputs(rows: JobRow[]): Job[] {
    const outputs = this.outputsOf(rows.map((r) => r.id));
    return rows.map((row) => toJob(row, outputs.get(row.id) ?? [], this.expectedMs));
  }

  /**
   * The guarded write every transition goes through: `UPDATE … WHERE id AND status IN from [AND owner]`.
   */
  private transition(id: string, from: readonly JobStatus[], owner: string | null, patch: Patch, now: number): boolean {
    const columns = Object.keys(patch) as (keyof JobRow)[];
    const sql =
      `UPDATE jobs SET ${[...columns, 'updated_at'].map((c) => `${c} = ?`).join(', ')} ` +
      `WHERE id = ? AND status IN (${from.map(() => '?').join(',')})${owner === null ? '' : ' AND owner = ?'}`;
    const values: SQLInputValue[] = [...columns.map((c) => storedText(c, patch[c] ?? null)), now, id, ...from];
    if (owner !== null) values.push(owner);
    return Number(this.stmt(sql).run(...values).changes) === 1;
  }

  create(input: NewJob, owner: string, leaseUntil: number, now: number): Job {
    const id = randomUUID();
    this.stmt(
      `INSERT INTO jobs (id, operation, vendor, status, params, input_file, output_dir, parent_item_id, request_id,
         retry_of, owner, lease_until, created_at, updated_at, group_id, group_index)
       VALUES (?, ?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      id,
      input.operation,
      input.vendor,
      JSON.stringify(input.params),
      input.inputFile,
      input.outputDir,
      input.parentItemId,
      input.requestId ?? randomUUID(),
      input.retryOf ?? null,
      owner,
      leaseUntil,
      now,
      now,
      input.group?.id ?? null,
      input.group?.index ?? null,
    );
    return this.require(id);
  }

  get(id: string): Job | undefined {
    const row = this.stmt(`${JOB_SELECT} WHERE id = ?`).get(id) as JobRow | undefined;
    return row ? toJob(row, this.outputsOf([id]).get(id) ?? [], this.expectedMs) : undefined;
  }

  require(id: string): Job {
    const job = this.get(id);
    if (!job) throw new Error(`job ${id} vanished`);
    return job;
  }

  /** Newest first. */
  list(filter: { status?: readonly JobStatus[]; offset: number; limit: number }): JobPage {
    const statuses = filter.status ?? [];
    const where = statuses.length ? `WHERE status IN (${statuses.map(() => '?').join(',')})` : '';
    const total = (this.stmt(`SELECT COUNT(*) AS n FROM jobs ${where}`).get(...statuses) as { n: number }).n;
    const rows = this.stmt(`${JOB_SELECT} ${where} ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`).all(
      ...statuses,
      filter.limit,
      filter.offset,
    ) as unknown as JobRow[];
    return { jobs: this.withOutputs(rows), total };
  }

  /** Unfinished jobs, oldest first, with their current owner: candidates for `claim`. */
  unfinished(): { id: string; owner: string | null; leaseUntil: number | null }[] {
    return this.leases.holders('created_at, id');
  }

  /**
   * Takes an unfinished job for `owner` if nobody holds it: no owner, an expired lease, or an owner the
   * caller knows is dead (a crashed process on this machine). Returns the job when taken.
   */
  claim(id: string, owner: string, leaseUntil: number, now: number, isDead: (owner: string) => boolean): Job | undefined {
    const taken = transaction(this.db, () => this.leases.claim(id, owner, leaseUntil, now, isDead));
    return taken ? this.get(id) : undefined;
  }

  /** Extends `owner`'s leases; returns the ids it still holds (a job taken over by another is gone). */
  renewLeases(owner: string, leaseUntil: number): Set<string> {
    return this.leases.renew(owner, leaseUntil);
  }

  /** Lets other engines take `owner`'s jobs at once (on a clean shutdown). */
  releaseLeases(owner: string): void {
    this.leases.release(owner);
  }

  /**
   * queued → submitting, committed before the request leaves. `gate` runs inside the same IMMEDIATE
   * transaction, so what it reads (other processes' slots and submissions) cannot change before the
   * write: two processes on one database never both take the last slot. A reason from it leaves the job
   * queued. Returns true when the job is now submitting.
   */
  beginSubmit(id: string, owner: string, now: number, gate?: () => WaitReason | null): { ok: true } | { ok: false; waiting: WaitReason | null } {
    return transaction(this.db, () => {
      const row = this.stmt('SELECT attempts FROM jobs WHERE id = ?').get(id) as { attempts: number } | undefined;
      if (!row) return { ok: false, waiting: null };
      const waiting = gate?.() ?? null;
      if (waiting) return { ok: false, waiting };
      const ok = this.transition(id, ['queued'], owner, { status: 'submitting', attempts: row.attempts + 1, not_before: null, attention: null, waiting: null, ...errorPatch(null) }, now);
      return ok ? { ok: true } : { ok: false, waiting: null };
    });
  }

  /** Marks (or, with `null`, unmarks) a queued job as waiting for its turn, with the words for the CLI. */
  setWaiting(id: string, owner: string, waiting: WaitReason | null, words: string | null, now: number): boolean {
    return this.transition(id, ['queued'], owner, { waiting: waiting ? JSON.stringify(waiting) : null, attention: words }, now);
  }

  /** Unfinished submissions and tasks of `vendor` held by other live engines (their lease runs). */
  slotsHeldByOthers(vendor: VendorId, owner: string, now: number): number {
    // Two ranges of the (vendor, owner) index around `owner`: this process's own rows are never read.
    const count = this.stmt(
      `SELECT (SELECT COUNT(*) FROM jobs WHERE status IN ('submitting', 'running') AND vendor = ? AND owner < ? AND lease_until > ?)
            + (SELECT COUNT(*) FROM jobs WHERE status IN ('submitting', 'running') AND vendor = ? AND owner > ? AND lease_until > ?) AS n`,
    );
    return (count.get(vendor, owner, now, vendor, owner, now) as { n: number }).n;
  }

  /** Submissions of `vendor` by other engines that the vendor counts in a window starting at `since`. */
  submissionsByOthers(vendor: VendorId, owner: string, since: number): { id: string; operation: OperationId; params: Record<string, unknown> }[] {
    // Index ranges on either side of `owner`, so this process's own rows are never read. A row in
    // `submitting` has no submitted_at yet, so the parts cannot overlap.
    const rows = this.stmt(
      `SELECT id, operation, params FROM jobs WHERE vendor = ? AND owner < ? AND submitted_at >= ?
       UNION ALL SELECT id, operation, params FROM jobs WHERE vendor = ? AND owner > ? AND submitted_at >= ?
       UNION ALL SELECT id, operation, params FROM jobs WHERE vendor = ? AND owner IS NULL AND submitted_at >= ?
       UNION ALL SELECT id, operation, params FROM jobs WHERE status IN ('submitting', 'running') AND status = 'submitting' AND vendor = ? AND owner < ?
       UNION ALL SELECT id, operation, params FROM jobs WHERE status IN ('submitting', 'running') AND status = 'submitting' AND vendor = ? AND owner > ?`,
    ).all(vendor, owner, since, vendor, owner, since, vendor, since, vendor, owner, vendor, owner) as unknown as { id: string; operation: string; params: string }[];
    return rows.map((r) => ({ id: r.id, operation: r.operation as OperationId, params: JSON.parse(r.params) as Record<string, unknown> }));
  }

  /**
   * submitting → running with the vendor's task id and one pending output per expected result: each
   * sub-task the vendor named, or `expected` of them (e.g. `img_count`) when it named none.
   */
  accept(id: string, owner: string, submission: Submission, kind: MediaKind, now: number, expected = 1): boolean {
    return transaction(this.db, () => {
      const ok = this.transition(id, ['submitting'], owner, { status: 'running', task_id: submission.taskId, submitted_at: now, progress: 0 }, now);
      if (ok) this.insertOutputs(id, submission, kind, expected);
      return ok;
    });
  }

  private insertOutputs(id: string, submission: Submission, kind: MediaKind, expected: number): void {
    const count = Math.max(submission.subTaskIds.length, expected, 1);
    const insert = this.stmt(`INSERT INTO outputs (id, job_id, idx, sub_task_id, status, kind) VALUES (?, ?, ?, ?, 'pending', ?)`);
    for (let idx = 0; idx < count; idx++) insert.run(randomUUID(), id, idx, submission.subTaskIds[idx] ?? null, kind);
  }

  /**
   * The job was canceled while its submission was in flight and the vendor accepted it anyway: keep the
   * task id (the work exists and occupies a vendor slot) without reviving the job.
   */
  recordLateTask(id: string, taskId: string, now: number): void {
    this.stmt('UPDATE jobs SET task_id = ?, submitted_at = ? WHERE id = ? AND task_id IS NULL').run(taskId, now, id);
  }

  /** submitting → queued: the vendor did not take it (rate limit, connection never made). */
  requeue(id: string, owner: string, patch: { notBefore: number | null; error: ErrorInfo | null; attention: string | null }, now: number): boolean {
    return this.transition(id, ['submitting'], owner, { status: 'queued', not_before: patch.notBefore, attention: patch.attention, waiting: null, ...errorPatch(patch.error) }, now);
  }

  /** Marks (or, with `null`, unmarks) a queued or running job as waiting for a new key. */
  setPaused(id: string, owner: string, reason: ErrorInfo | null, now: number): boolean {
    return this.transition(id, ['queued', 'running'], owner, { attention: reason?.message ?? null, waiting: null, ...errorPatch(reason) }, now);
  }

  toNeedsAttention(id: string, owner: string | null, from: readonly JobStatus[], message: string, error: ErrorInfo | null, now: number): boolean {
    return this.transition(id, from, owner, { status: 'needs_attention', attention: message, ...errorPatch(error) }, now);
  }

  /** A vendor answer for a running job: progress and per-output state, in one write. */
  update(id: string, owner: string, progress: number, outputs: RemoteOutput[], now: number): boolean {
    return transaction(this.db, () => {
      const ok = this.transition(id, ['running'], owner, { progress, attention: null, ...errorPatch(null) }, now);
      if (ok) this.writeOutputs(id, outputs);
      return ok;
    });
  }

  private writeOutputs(id: string, outputs: RemoteOutput[]): void {
    const columns = 'status = ?, progress = ?, kind = ?, url = ?, expires_at = ?, error_kind = ?, error_message = ?';
    // Matched by sub-task where the vendor has them (HiDream); a sub-task the submission did not name
    // takes the first output still without one (and keeps it); else by position (Haiper's one output).
    const bySubTask = this.stmt(`UPDATE outputs SET ${columns} WHERE job_id = ? AND sub_task_id = ?`);
    const unnamed = this.stmt(
      `UPDATE outputs SET ${columns}, sub_task_id = ? WHERE id = (SELECT id FROM outputs WHERE job_id = ? AND sub_task_id IS NULL ORDER BY idx LIMIT 1)`,
    );
    const byIndex = this.stmt(`UPDATE outputs SET ${columns} WHERE job_id = ? AND idx = ?`);
    outputs.forEach((remote, position) => {
      const values = [remote.state, remote.progress, remote.kind, remote.url, remote.expiresAt, remote.error?.kind ?? null, storedText('error_message', remote.error?.message ?? null)] as const;
      if (remote.subTaskId !== null) {
        if (Number(bySubTask.run(...values, id, remote.subTaskId).changes)) return;
        if (Number(unnamed.run(...values, remote.subTaskId, id).changes)) return;
      }
      byIndex.run(...values, id, position);
    });
  }

  /**
   * running → succeeded | partial | failed, with the final per-output state. `missing` fails every
   * output the vendor never reported (it stopped listing them).
   */
  finish(id: string, owner: string, status: 'succeeded' | 'partial' | 'failed', error: ErrorInfo | null, outputs: RemoteOutput[], now: number, missing?: ErrorInfo): boolean {
    return transaction(this.db, () => {
      const patch: Patch = { status, finished_at: now, attention: null, ...errorPatch(error) };
      if (status !== 'failed') patch.progress = 1;
      const ok = this.transition(id, ['running'], owner, patch, now);
      if (ok) this.writeOutputs(id, outputs);
      if (ok && missing) {
        this.stmt(`UPDATE outputs SET status = 'failed', error_kind = ?, error_message = ? WHERE job_id = ? AND status IN ('pending', 'running')`).run(
          missing.kind,
          missing.message,
          id,
        );
      }
      return ok;
    });
  }

  /**
   * An output's file settled in the downloader: `lost` marks a result the vendor delivered as not
   * saved; `null` (the file is on disk after all, e.g. a retried download) takes that back. Returns the
   * job id when the output changed.
   */
  markSaved(outputId: string, lost: ErrorInfo | null): string | null {
    const changed = lost
      ? this.stmt(`UPDATE outputs SET status = 'failed', error_kind = ?, error_message = ? WHERE id = ? AND status = 'succeeded'`).run(lost.kind, lost.message, outputId)
      : this.stmt(
          `UPDATE outputs SET status = 'succeeded', error_kind = NULL, error_message = NULL WHERE id = ? AND status = 'failed' AND url IS NOT NULL AND download_id IS NOT NULL AND download_id NOT LIKE '${HANDOFF_CLAIM}%'`,
        ).run(outputId);
    if (!Number(changed.changes)) return null;
    const row = this.stmt('SELECT job_id FROM outputs WHERE id = ?').get(outputId) as { job_id: string } | undefined;
    return row?.job_id ?? null;
  }

  /** A finished job's outcome changed because an output's file was (or was not) saved. Any owner. */
  setOutcome(id: string, from: JobStatus, status: 'succeeded' | 'partial' | 'failed', error: ErrorInfo | null, now: number): boolean {
    return this.transition(id, [from], null, { status, ...errorPatch(error) }, now);
  }

  /** A job that cannot go on (the vendor refused it for good, or it kept failing before reaching it). */
  fail(id: string, owner: string, from: readonly JobStatus[], error: ErrorInfo, now: number): boolean {
    return this.transition(id, from, owner, { status: 'failed', finished_at: now, attention: null, ...errorPatch(error) }, now);
  }

  /**
   * The user's word wins over any engine: no owner check. Returns the status the job had. `discarded`:
   * the user chose Discard on a job that needed a decision, which the job then says instead of a failure.
   */
  cancel(id: string, now: number, discarded = false): JobStatus | undefined {
    return transaction(this.db, () => {
      const row = this.stmt('SELECT status FROM jobs WHERE id = ?').get(id) as { status: JobStatus } | undefined;
      if (!row || FINAL_JOB_STATUSES.includes(row.status)) return row?.status;
      const patch: Patch = { status: 'canceled', finished_at: now, attention: null, waiting: null, owner: null, lease_until: null };
      if (discarded) patch.discarded_at = now;
      this.transition(id, [row.status], null, patch, now);
      return row.status;
    });
  }

  /**
   * Deletes finished jobs and their outputs (downloads and library items keep their files; their link
   * to the job is let go). Only final jobs whose results are no longer being saved: the library takes a
   * result's prompt from its job when the file lands. Returns the ids deleted; with no `ids`, every such job.
   */
  deleteFinished(ids?: readonly string[]): string[] {
    return transaction(this.db, () => {
      const deletable = `status IN (${FINAL_SQL}) AND NOT EXISTS (${STILL_SAVING})`;
      const rows = ids
        ? ids.flatMap((id) => (this.stmt(`SELECT id FROM jobs WHERE id = ? AND ${deletable}`).get(id) as { id: string } | undefined) ?? [])
        : (this.stmt(`SELECT id FROM jobs WHERE ${deletable}`).all() as unknown as { id: string }[]);
      const outputs = this.stmt('DELETE FROM outputs WHERE job_id = ?');
      const job = this.stmt('DELETE FROM jobs WHERE id = ?');
      for (const { id } of rows) {
        outputs.run(id);
        job.run(id);
      }
      return rows.map((r) => r.id);
    });
  }

  /** needs_attention → queued for `owner` (the user chose to submit again). */
  resubmit(id: string, owner: string, leaseUntil: number, now: number): boolean {
    return this.transition(id, ['needs_attention'], null, { status: 'queued', owner, lease_until: leaseUntil, attention: null, not_before: null, ...errorPatch(null) }, now);
  }

  /**
   * Marks an output as being handed to the downloader by `owner`, unless another engine already did (or
   * is doing it). A marker left by a crashed engine is taken over.
   */
  claimHandOff(outputId: string, owner: string, isDead: (owner: string) => boolean): boolean {
    return transaction(this.db, () => {
      const row = this.stmt('SELECT download_id FROM outputs WHERE id = ?').get(outputId) as { download_id: string | null } | undefined;
      if (!row) return false;
      const current = row.download_id;
      if (current !== null && !(current.startsWith(HANDOFF_CLAIM) && isDead(current.slice(HANDOFF_CLAIM.length)))) return false;
      this.stmt('UPDATE outputs SET download_id = ? WHERE id = ?').run(HANDOFF_CLAIM + owner, outputId);
      return true;
    });
  }

  /** Records the downloader's id for an output (or `null`: the hand-over failed and may be tried again). */
  setDownloadId(outputId: string, downloadId: string | null): void {
    this.stmt('UPDATE outputs SET download_id = ? WHERE id = ?').run(downloadId, outputId);
  }

  /** Succeeded jobs with a result that never reached the downloader (a crash in between). */
  awaitingHandOff(): Job[] {
    const rows = this.stmt(
      `${JOB_SELECT} WHERE status IN ('succeeded', 'partial') AND id IN (
         SELECT job_id FROM outputs WHERE status = 'succeeded' AND url IS NOT NULL AND (download_id IS NULL OR download_id LIKE '${HANDOFF_CLAIM}%'))`,
    ).all() as unknown as JobRow[];
    return this.withOutputs(rows);
  }

  /** Submissions the vendor may still count in a window starting at `since`, for the limiter. */
  submissionsSince(since: number): SubmissionRecord[] {
    const rows = this.stmt(
      `SELECT id, operation, params, status, COALESCE(submitted_at, updated_at) AS at FROM jobs
       WHERE (submitted_at IS NOT NULL AND submitted_at >= ?) OR (status IN ('submitting', 'needs_attention') AND updated_at >= ?)`,
    ).all(since, since) as unknown as { id: string; operation: string; params: string; status: string; at: number }[];
    return rows.map((r) => ({
      id: r.id,
      operation: r.operation as OperationId,
      params: JSON.parse(r.params) as Record<string, unknown>,
      status: r.status as JobStatus,
      at: r.at,
    }));
  }

  /** Jobs canceled after the vendor took them, since `since`: their task may still occupy a vendor slot. */
  canceledWithTaskSince(since: number): { id: string; operation: OperationId; finishedAt: number }[] {
    const rows = this.stmt(
      `SELECT id, operation, finished_at FROM jobs WHERE status = 'canceled' AND task_id IS NOT NULL AND finished_at >= ?`,
    ).all(since) as unknown as { id: string; operation: string; finished_at: number }[];
    return rows.map((r) => ({ id: r.id, operation: r.operation as OperationId, finishedAt: r.finished_at }));
  }
}
