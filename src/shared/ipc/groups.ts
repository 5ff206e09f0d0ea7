import { z } from 'zod';
import { MAX_SET_SIZE } from '../batch';
import { OPERATION_IDS } from '../catalog/spec';
import type { JobGroup } from '../groups';
import type { Job } from '../jobs';
import { request } from './define';

/** What a set varies; expanded in main by the same `expandSet` the form previews with. */
export const setSpecSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('seeds'), count: z.number().int().min(1).max(MAX_SET_SIZE) }).strict(),
  z.object({ kind: z.literal('values'), field: z.string().min(1).max(100), values: z.array(z.union([z.string().max(200), z.number()])).min(1).max(MAX_SET_SIZE) }).strict(),
  z.object({ kind: z.literal('prompts'), text: z.string().max(200_000) }).strict(),
  z.object({ kind: z.literal('csv'), text: z.string().max(1_000_000) }).strict(),
]);

export interface GroupRecord {
  group: JobGroup;
  /** Members in the set's order. */
  jobs: Job[];
}

export const groupsRequests = {
  /**
   * One submit that makes a set: the form's parameters and what varies. Every member is validated (issues
   * come back placed on their row: `rows.3.settings.seed`) and the group and all its jobs are stored in one
   * transaction, or nothing is.
   */
  'jobs.submitGroup': request(
    z
      .object({
        operation: z.enum(OPERATION_IDS),
        params: z.record(z.string().max(100), z.unknown()),
        set: setSpecSchema,
        /** One local file every member takes (a video stylized in several styles). */
        file: z.string().min(1).max(4096).optional(),
        parentItemId: z.string().min(1).max(100).optional(),
      })
      .strict(),
  ).returns<GroupRecord>(),
  'jobs.group': request(z.object({ id: z.string().min(1).max(100) }).strict()).returns<GroupRecord>(),
} as const;
