import i18next from 'i18next';
import { isFinalStatus, type Job } from '@shared/jobs';
import { call } from '../lib/ipc';
import { jobTitle } from '../features/jobs/format';

/**
 * A desktop notification when a job settles while the window is in the background. It goes through
 * main (`app.notify`), because Electron's permission handler denies the page's own Notification API;
 * where the host shows none (the browser shell) the page's API is used if the user allowed it.
 */
export function notifySettled(job: Job): void {
  if (document.hasFocus() || !(isFinalStatus(job.status) || job.status === 'needs_attention')) return;
  const title = i18next.t(`notify.${job.status}`, { ns: 'jobs' });
  const body = jobTitle(job, i18next.language === 'zh-CN' ? 'zh-CN' : 'en').slice(0, 1_000);
  void call('app.notify', { title, body })
    .then(({ shown }) => {
      if (!shown && typeof Notification !== 'undefined' && Notification.permission === 'granted') new Notification(title, { body });
    })
    .catch(() => undefined);
}
