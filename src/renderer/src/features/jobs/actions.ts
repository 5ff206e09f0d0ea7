import i18next from 'i18next';
import type { Job } from '@shared/jobs';
import { getOperation } from '@shared/catalog';
import { toast } from '../../lib/toasts';
import { useNavigation } from '../../lib/navigation';
import { call, IpcError } from '../../lib/ipc';
import { paramsToDraft } from '../compose/model';
import { useCompose } from '../compose/store';
import { isLocale } from '../../i18n';
import { describeError } from '../../lib/errors';
import { useJobs } from './store';

async function act(run: () => Promise<Job>, done: string, select = false, about?: Job): Promise<void> {
  try {
    const job = await run();
    useJobs.getState().upsert(job);
    if (select) useJobs.getState().select(job.id);
    toast('success', i18next.t(done, { ns: 'jobs' }));
  } catch (error) {
    const info = error instanceof IpcError ? error.info : { kind: 'internal' as const, message: String(error) };
    const locale = isLocale(i18next.language) ? i18next.language : 'en';
    toast('error', describeError(info, i18next.getFixedT(null, 'jobs'), about && { spec: getOperation(about.operation), locale }).text);
  }
}

export const cancelJob = (id: string): Promise<void> => act(() => call('jobs.cancel', { id }), 'toast.canceled');

/** A retry is a new job; it becomes the selected one. */
export const retryJob = (id: string): Promise<void> => act(() => call('jobs.retry', { id }), 'toast.retried', true, useJobs.getState().jobs.get(id));

export const resolveJob = (id: string, action: 'resubmit' | 'discard'): Promise<void> =>
  act(() => call('jobs.resolve', { id, action }), action === 'resubmit' ? 'toast.resubmitted' : 'toast.discarded', action === 'resubmit');

/** Deletes a finished job from the list; its results stay in the library. */
export async function deleteJob(id: string): Promise<void> {
  await removeWith(() => call('jobs.delete', { id }), (ids) => i18next.t('toast.deleted', { ns: 'jobs', count: ids.length }));
}

/** Deletes every finished job whose results are saved. */
export async function clearFinishedJobs(): Promise<void> {
  await removeWith(() => call('jobs.clearFinished', {}), (ids) => i18next.t('toast.cleared', { ns: 'jobs', count: ids.length }));
}

async function removeWith(run: () => Promise<{ ids: string[] }>, done: (ids: string[]) => string): Promise<void> {
  try {
    const { ids } = await run();
    useJobs.getState().remove(ids);
    toast('success', done(ids));
  } catch (error) {
    const info = error instanceof IpcError ? error.info : { kind: 'internal' as const, message: String(error) };
    toast('error', describeError(info, i18next.getFixedT(null, 'jobs')).text);
  }
}

/** Opens Compose with the job's operation and parameters, ready to edit and submit as a new job. */
export function duplicateJob(job: Job): void {
  const draft = paramsToDraft(getOperation(job.operation), job.params, job.inputFile);
  useCompose.getState().load(job.operation, { ...draft, parentItemId: job.parentItemId ?? undefined });
  useNavigation.getState().go('compose');
}
