import { AppError } from '@shared/errors';
import type { JobStatus } from '@shared/jobs';
import type { PathGrants } from '../../platform/paths-policy';
import type { Database } from '../db/database';
import type { HandlersFor } from '../ipc/dispatcher';
import type { JobEngine } from '../jobs/engine';
import type { GroupsRequest } from '../jobs/group-handlers';
import type { JobsRequest } from '../jobs/handlers';
import type { Logger } from '../log';
import type { Staging } from './staging';

/**
 * A job's local input file: which ones the renderer may name, and when a staged copy is deleted.
 *
 * The renderer may name (1) a file staged this run or before (`files.stage*`, the browser shell),
 * (2) a file the host granted this run (dropped on the window or chosen in the dialog: Electron), or
 * (3) a file an existing job already used (a job duplicated or retried). Nothing else: no path typed
 * or made up by a page reaches the vendor upload.
 *
 * A staged copy is deleted as soon as no job needs it: once the vendor has it (the job runs) or the
 * job ends, unless another job still waiting to be sent names the same copy. A job that needs the
 * user (`needs_attention`) keeps it, since resubmitting sends it again. Staged files left by a
 * crash are swept at start.
 */

/** A job in these states will (or may, on the user's word) send its input file again. */
const NEEDS_INPUT: readonly JobStatus[] = ['queued', 'submitting', 'needs_attention'];

/** Staged files no job names are kept this long at start, in case a page is about to submit one. */
export const ORPHAN_STAGED_AGE_MS = 24 * 60 * 60_000;

export type InputUse = 'needed' | 'done' | 'unknown';

/** What the jobs say about one input file: some job still needs it, all are past it, or none names it. */
export function inputUse(db: Database): (path: string) => InputUse {
  const statement = db.prepare('SELECT status FROM jobs WHERE input_file = ?');
  return (path) => {
    const rows = statement.all(path) as { status: JobStatus }[];
    if (rows.length === 0) return 'unknown';
    return rows.some((row) => NEEDS_INPUT.includes(row.status)) ? 'needed' : 'done';
  };
}

export interface JobInputOptions {
  staging: Staging;
  grants: PathGrants;
  engine: JobEngine;
  db: Database;
  log: Logger;
  orphanAgeMs?: number;
}

/**
 * Deletes staged inputs when their jobs are past them, after a sweep of what a previous run left.
 * Returns the unsubscribe function.
 */
export function releaseStagedInputs({ staging, engine, db, log, orphanAgeMs = ORPHAN_STAGED_AGE_MS }: JobInputOptions): { stop: () => void; swept: Promise<number> } {
  const use = inputUse(db);
  const swept = staging.sweep(use, orphanAgeMs).catch((error: unknown) => {
    log.warn('staging: the sweep of old staged files failed', { error });
    return 0;
  });
  const stop = engine.subscribe((event) => {
    if (event.type !== 'updated') return;
    const path = event.job.inputFile;
    if (!path || !staging.owns(path) || NEEDS_INPUT.includes(event.job.status)) return;
    if (use(path) === 'needed') return;
    void staging.release(path);
  });
  return { stop, swept };
}

const GONE =
  'This video was a copy made for the upload and was deleted once the vendor had it; choose or drop the video again.';

/** Throws unless the renderer may name this local file for a job (see above). */
function inputFileCheck({ staging, grants, db }: Pick<JobInputOptions, 'staging' | 'grants' | 'db'>): (path: string) => void {
  const usedBefore = db.prepare('SELECT 1 FROM jobs WHERE input_file = ? LIMIT 1');
  // A library item's own file is one the user already gave the app (a result it saved, or a folder
  // they imported): chaining it into a stylize job ("use as input") needs no dialog or drop.
  const inLibrary = db.prepare('SELECT 1 FROM items WHERE path = ? AND missing = 0 LIMIT 1');
  return (path: string): void => {
    if (staging.owns(path)) {
      if (!staging.isStaged(path)) throw new AppError('not_found', `file: ${GONE}`, { issues: [{ path: 'file', message: GONE }] });
      return;
    }
    if (grants.has(path) || usedBefore.get(path) !== undefined || inLibrary.get(path) !== undefined) return;
    const message = 'A local video must be dropped on the window or chosen in the dialog; Promptreel does not upload a file named only by its path.';
    throw new AppError('forbidden', `file: ${message}`, { issues: [{ path: 'file', message }] });
  };
}

/** A set's one input file is checked as a single job's is. */
export function guardGroupInputs(handlers: HandlersFor<GroupsRequest>, options: Pick<JobInputOptions, 'staging' | 'grants' | 'db'>): HandlersFor<GroupsRequest> {
  const check = inputFileCheck(options);
  return {
    ...handlers,
    'jobs.submitGroup': (input, ctx) => {
      if (input.file !== undefined) check(input.file);
      return handlers['jobs.submitGroup'](input, ctx);
    },
  };
}

/** The `jobs.submit` and `jobs.retry` handlers with the input file checked first (see above). */
export function guardJobInputs(handlers: HandlersFor<JobsRequest>, { staging, grants, engine, db }: Omit<JobInputOptions, 'log'>): HandlersFor<JobsRequest> {
  const check = inputFileCheck({ staging, grants, db });
  return {
    ...handlers,
    'jobs.submit': (input, ctx) => {
      if (input.file !== undefined) check(input.file);
      return handlers['jobs.submit'](input, ctx);
    },
    'jobs.retry': (input, ctx) => {
      const file = engine.get(input.id).inputFile;
      if (file && staging.owns(file) && !staging.isStaged(file)) throw new AppError('not_found', GONE);
      return handlers['jobs.retry'](input, ctx);
    },
  };
}
