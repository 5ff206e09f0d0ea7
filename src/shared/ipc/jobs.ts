import { z } from 'zod';
import { OPERATION_IDS, type VendorId } from '../catalog/spec';
import { JOB_STATUSES, type Job } from '../jobs';
import { event, request } from './define';

const jobId = z.string().min(1).max(100);

export interface JobPage {
  jobs: Job[];
  /** Total matching jobs, for the list's scroll height. */
  total: number;
}

/** `live`: the user's key; `sandbox`: the built-in offline demo vendor (no key configured). */
export type VendorMode = 'live' | 'sandbox';

export interface VendorState {
  mode: VendorMode;
  /** The key was refused (expired or invalid): the vendor's jobs wait until it changes. */
  paused: boolean;
}

export type VendorStates = Record<VendorId, VendorState>;

export interface JobProgress {
  id: string;
  progress: number;
  status: Job['status'];
}

export interface JobsRemoved {
  ids: string[];
}

export const jobsRequests = {
  /**
   * Validates (coded issues come back on an `invalid_input` error, worded by the catalog), stores and queues a job.
   * Nothing reaches a vendor when validation fails.
   */
  'jobs.submit': request(
    z
      .object({
        operation: z.enum(OPERATION_IDS),
        params: z.record(z.string().max(100), z.unknown()),
        /** A local file for an operation with a `fileField`, streamed as base64 into that field. */
        file: z.string().min(1).max(4096).optional(),
        /** The library item used as input, for lineage. */
        parentItemId: z.string().min(1).max(100).optional(),
      })
      .strict(),
  ).returns<Job>(),
  'jobs.list': request(
    z
      .object({
        status: z.array(z.enum(JOB_STATUSES)).max(JOB_STATUSES.length).optional(),
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(500).default(100),
      })
      .strict(),
  ).returns<JobPage>(),
  'jobs.get': request(z.object({ id: jobId }).strict()).returns<Job>(),
  'jobs.cancel': request(z.object({ id: jobId }).strict()).returns<Job>(),
  /** A failed or canceled job runs again as a new job with the same parameters. */
  'jobs.retry': request(z.object({ id: jobId }).strict()).returns<Job>(),
  /** The user's decision on a `needs_attention` job that may already have been billed. */
  'jobs.resolve': request(z.object({ id: jobId, action: z.enum(['resubmit', 'discard']) }).strict()).returns<Job>(),
  /**
   * Deletes one finished job (succeeded, partly done, failed or canceled); its files and library items
   * stay. A job still running, or whose results are still being saved, is refused (`conflict`).
   */
  'jobs.delete': request(z.object({ id: jobId }).strict()).returns<JobsRemoved>(),
  /** Deletes every finished job whose results are saved; library items stay. */
  'jobs.clearFinished': request(z.object({}).strict()).returns<JobsRemoved>(),
  /** Whether each vendor runs live or in the sandbox (the UI's "offline demo" banner), and whether it is paused. */
  'jobs.vendors': request(z.object({}).strict()).returns<VendorStates>(),
} as const;

export const jobsEvents = {
  /** A job's record changed (status, outputs, error). */
  'jobs.updated': event<Job>(),
  /** Progress only; coalesced to at most ~10 per second per job. */
  'jobs.progress': event<JobProgress>(),
  /** A vendor switched between live and sandbox, or was paused or resumed. */
  'jobs.vendors': event<VendorStates>(),
  /** Jobs were deleted (by this window, another one, or the CLI). */
  'jobs.removed': event<JobsRemoved>(),
} as const;
