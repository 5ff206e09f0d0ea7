import type { SetKind } from './batch';
import type { OperationId } from './catalog/spec';
import { isFinalStatus, type Job, type JobStatus } from './jobs';

/** A set made by one submit, as main stores it; its members are the jobs whose `groupId` is its id. */
export interface JobGroup {
  id: string;
  operation: OperationId;
  kind: SetKind;
  /** The choice field a `values` set varies (style, aspect ratio…). */
  field: string | null;
  size: number;
  createdAt: number;
}

/** What a group's members add up to. */
export type GroupState = 'active' | 'succeeded' | 'partial' | 'failed' | 'canceled' | 'needs_attention';

export interface GroupSummary {
  total: number;
  /** Members with every result saved. */
  succeeded: number;
  /** Members with some results saved and some lost. */
  partial: number;
  failed: number;
  canceled: number;
  needsAttention: number;
  /** Sent to the vendor and not finished (submitting or running). */
  running: number;
  queued: number;
  state: GroupState;
}

/**
 * A set's members as they stand: where a member was retried, the newest attempt at each place in the
 * set stands for it (the retry takes the failed job's place), in the set's order.
 */
export function currentMembers<J extends Pick<Job, 'id' | 'createdAt' | 'groupIndex'>>(jobs: readonly J[]): J[] {
  const byPlace = new Map<number, J>();
  for (const job of jobs) {
    const place = job.groupIndex ?? 0;
    const held = byPlace.get(place);
    if (!held || job.createdAt > held.createdAt || (job.createdAt === held.createdAt && job.id > held.id)) byPlace.set(place, job);
  }
  return [...byPlace.entries()].sort(([a], [b]) => a - b).map(([, job]) => job);
}

const COUNTED: Record<JobStatus, keyof Omit<GroupSummary, 'total' | 'state'>> = {
  queued: 'queued',
  submitting: 'running',
  running: 'running',
  succeeded: 'succeeded',
  partial: 'partial',
  failed: 'failed',
  canceled: 'canceled',
  needs_attention: 'needsAttention',
};

/**
 * A group's combined status, from its members' own: active while any member is still on its way;
 * then waiting for the user if any member needs a decision; else succeeded only if every member did,
 * failed or canceled only if every member was, and partial for any mix (some results saved, some not).
 */
export function summarizeGroup(members: readonly Pick<Job, 'status'>[]): GroupSummary {
  const summary: GroupSummary = { total: members.length, succeeded: 0, partial: 0, failed: 0, canceled: 0, needsAttention: 0, running: 0, queued: 0, state: 'active' };
  for (const member of members) summary[COUNTED[member.status]]++;
  const all = (n: number): boolean => n === members.length;
  if (members.some((m) => !isFinalStatus(m.status) && m.status !== 'needs_attention')) summary.state = 'active';
  else if (summary.needsAttention > 0) summary.state = 'needs_attention';
  else if (all(summary.succeeded)) summary.state = 'succeeded';
  else if (all(summary.canceled)) summary.state = 'canceled';
  else if (all(summary.failed + summary.canceled)) summary.state = 'failed';
  else summary.state = 'partial';
  return summary;
}
