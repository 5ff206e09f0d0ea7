import i18next from 'i18next';
import type { Job } from '@shared/jobs';
import { getOperation, type OperationId } from '@shared/catalog';
import { toast } from '../../lib/toasts';
import { pathForSource, sourceName } from '../../lib/files';
import { call } from '../../lib/ipc';
import { jobTitle } from '../jobs/format';
import { useJobs } from '../jobs/store';
import { rememberInputName, rememberLocalInput } from '../preview/media';
import type { Submission } from './OperationForm';
import { promptField } from './PromptHistory';
import { useCompose } from './store';

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
