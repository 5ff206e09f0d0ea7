import i18next from 'i18next';
import { isFinalStatus, type Job } from '@shared/jobs';
import { call, subscribe } from '../lib/ipc';
import { useNavigation } from '../lib/navigation';
import { toast } from '../lib/toasts';
import { jobTitle } from '../features/jobs/format';
import { useJobs } from '../features/jobs/store';

/** Shows the job's result: the Jobs section with it selected. */
export function openJob(id: string): void {
  useJobs.getState().select(id);
  useNavigation.getState().go('jobs');
}

/**
 * Tells the user a job settled while they were not looking at it: a toast when a section without jobs is open
 * (one click opens the job), and a desktop notification when the window is in the background. That goes
 * through main (`app.notify`), because Electron's permission handler denies the page's own Notification
 * API; where the host shows none (the browser shell) the page's API is used if the user allowed it in
 * Settings.
 */
export function notifySettled(job: Job): void {
  if (!(isFinalStatus(job.status) || job.status === 'needs_attention')) return;
  const title = i18next.t(`notify.${job.status}`, { ns: 'jobs' });
  const body = jobTitle(job, i18next.language === 'zh-CN' ? 'zh-CN' : 'en').slice(0, 1_000);
  // The studio's feed and the Jobs list show the job settle in place; a toast there would repeat it.
  const section = useNavigation.getState().section;
  if (section !== 'jobs' && section !== 'compose') {
    const tone = job.status === 'succeeded' ? 'success' : job.status === 'canceled' || job.status === 'partial' ? 'info' : 'error';
    toast(tone, `${title}: ${body}`, { label: i18next.t('notify.open', { ns: 'jobs' }), run: () => openJob(job.id) });
  }
  if (document.hasFocus()) return;
  void call('app.notify', { title, body, jobId: job.id })
    .then(({ shown }) => {
      if (shown || typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
      const notification = new Notification(title, { body, tag: `job-${job.id}` });
      notification.onclick = () => {
        window.focus();
        openJob(job.id);
        notification.close();
      };
    })
    .catch(() => undefined);
}

/** Opens the job of a desktop notification the user clicked (main reports the click); returns the unsubscribe. */
export function followNotificationClicks(): () => void {
  return subscribe('app.notificationClicked', ({ jobId }) => openJob(jobId));
}
