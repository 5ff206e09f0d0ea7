import type { TFunction } from 'i18next';
import type { Job } from '@shared/jobs';
import { getOperation, promptOf } from '@shared/catalog';
import type { Locale } from '@shared/i18n-text';

/** h:mm:ss, or m:ss under an hour. */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

export function elapsedMs(job: Job, now: number): number {
  return (job.finishedAt ?? now) - (job.submittedAt ?? job.createdAt);
}

/** A job's title: its prompt, else the operation's name. */
export function jobTitle(job: Job, locale: Locale): string {
  return promptOf(job.params).trim() || getOperation(job.operation).title[locale];
}

/**
 * Progress as a percentage. UNCERTAIN: vendors report 0–1 (HiDream's task_completion, Haiper's
 * progress); the job model keeps that scale, and a value above 1 is read as already a percentage.
 */
export function percent(progress: number): number {
  const value = progress > 1 ? progress : progress * 100;
  return Math.round(Math.min(100, Math.max(0, value)));
}

/**
 * A wait or remaining time in round words: seconds (to the next 5 past 15 s) under a minute (counting down reads
 * calmly), whole minutes under an hour, else hours and minutes. Rounded up: "about 40 s" is not less.
 */
export function formatWait(ms: number, t: TFunction<'jobs'>): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  if (seconds < 60) return t('time.seconds', { count: seconds <= 15 ? seconds : Math.ceil(seconds / 5) * 5 });
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 60) return t('time.minutes', { count: minutes });
  return t('time.hours', { count: Math.floor(minutes / 60), minutes: minutes % 60 });
}
