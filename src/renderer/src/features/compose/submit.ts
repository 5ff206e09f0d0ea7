import i18next from 'i18next';
import type { Job } from '@shared/jobs';
import type { SetSpec } from '@shared/batch';
import { getOperation, promptOf, type OperationId } from '@shared/catalog';
import type { GroupRecord } from '@shared/ipc/groups';
import { toast } from '../../lib/toasts';
import { pathForSource, sourceName } from '../../lib/files';
import { call } from '../../lib/ipc';
import { jobTitle } from '../jobs/format';
import { useJobs } from '../jobs/store';
import { rememberInputName, rememberLocalInput } from '../preview/media';
import type { Submission } from './OperationForm';
import { promptField } from './PromptHistory';
import { useCompose } from './store';
import { setSpecOf, useSets } from './sets';
import { draftToParams } from './model';

/**
 * Sends a composed job: a local video goes to main first (by path, or staged in frames), then
 * `jobs.submit`. The user stays where they are: the new job heads the studio's feed (and the Jobs list).
 */
export async function submitJob(operation: OperationId, { params, draft }: Submission, onProgress: (fraction: number) => void): Promise<Job> {
  const file = draft.source ? await pathForSource(draft.source, onProgress) : undefined;
  const job = await call('jobs.submit', {
    operation,
    params,
    ...(file ? { file } : {}),
    ...(draft.parentItemId ? { parentItemId: draft.parentItemId } : {}),
  });
  if (draft.source?.kind === 'file') rememberLocalInput(job.id, draft.source.file);
  if (draft.source) rememberInputName(job.id, sourceName(draft.source));
  const prompt = promptField(getOperation(operation));
  const typed = prompt ? draft.values[prompt.key] : undefined;
  if (typeof typed === 'string') useCompose.getState().remember(operation, typed);
  useJobs.getState().upsert(job);
  const locale = i18next.language === 'zh-CN' ? 'zh-CN' : 'en';
  toast('success', i18next.t('queued', { ns: 'compose', title: jobTitle(job, locale) }));
  return job;
}

/** Sends a set: the form's parameters and what varies; main expands, checks and stores it as one group. */
export async function submitSet(operation: OperationId, set: SetSpec, { draft }: Submission, onProgress: (fraction: number) => void): Promise<GroupRecord> {
  const spec = getOperation(operation);
  const file = draft.source ? await pathForSource(draft.source, onProgress) : undefined;
  const record = await call('jobs.submitGroup', {
    operation,
    params: draftToParams(spec, draft),
    set,
    ...(file ? { file } : {}),
    ...(draft.parentItemId ? { parentItemId: draft.parentItemId } : {}),
  });
  const jobs = useJobs.getState();
  jobs.merge(record.jobs);
  const { source } = draft;
  if (source) {
    for (const job of record.jobs) {
      if (source.kind === 'file') rememberLocalInput(job.id, source.file);
      rememberInputName(job.id, sourceName(source));
    }
  }
  if (set.kind === 'prompts') for (const job of record.jobs) useCompose.getState().remember(operation, promptOf(job.params));
  // As for one job, the user stays in the studio: the set's jobs head its feed.
  toast('success', i18next.t('sets.queued', { ns: 'compose', count: record.jobs.length }));
  return record;
}

/** The compose form's submit: a set when the set panel is on, else one job. */
export function submitComposed(operation: OperationId, submission: Submission, onProgress: (fraction: number) => void): Promise<unknown> {
  const set = setSpecOf(useSets.getState().drafts[operation]);
  return set ? submitSet(operation, set, submission, onProgress) : submitJob(operation, submission, onProgress);
}
