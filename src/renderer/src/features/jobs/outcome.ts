import type { TFunction } from 'i18next';
import { AHEAD_COUNTED, expectedEnd, type Job } from '@shared/jobs';
import { getOperation, VENDORS } from '@shared/catalog';
import type { Locale } from '@shared/i18n-text';
import { describeError } from '../../lib/errors';
import { formatWait } from './format';

/** The wait and how long it should last, from the engine's `until` counted down on this window's clock. */
function withTime(what: string, until: number | null | undefined, ahead: number, t: TFunction<'jobs'>, now: number): string {
  if (ahead > AHEAD_COUNTED) return t('waiting.aheadMany', { what, count: AHEAD_COUNTED });
  if (until === null || until === undefined) return ahead > 0 ? t('waiting.aheadOnly', { what, count: ahead }) : what;
  const left = until - now;
  if (left <= 0) return t('waiting.now', { what });
  const time = formatWait(left, t);
  return ahead > 0 ? t('waiting.atLeast', { what, count: ahead, time }) : t('waiting.about', { what, time });
}

/**
 * Why a job has not been sent (or is paused), and for about how long, in the UI's language; undefined
 * when it is not waiting. `now` is the window's clock: the wait counts down without asking main.
 */
export function waitingText(job: Job, t: TFunction<'jobs'>, now: number = Date.now(), locale: Locale = 'en'): string | undefined {
  if (job.status !== 'queued' && job.status !== 'running') return undefined;
  const vendor = VENDORS[job.vendor].name[locale];
  // A refused key pauses queued and running jobs alike until the key changes.
  if (job.error?.kind === 'auth' && job.attention) return t('waiting.paused', { vendor });
  if (job.status !== 'queued') return undefined;
  const reason = job.waiting;
  if (reason) {
    const ahead = reason.ahead ?? 0;
    switch (reason.kind) {
      case 'concurrency': {
        const what = reason.tier ? t('waiting.concurrency', { vendor, tier: reason.tier, limit: reason.limit }) : t('waiting.concurrencyNoTier', { vendor, limit: reason.limit });
        return withTime(what, reason.until, ahead, t, now);
      }
      case 'per_minute':
        return withTime(t('waiting.per_minute', { vendor, limit: reason.limit, category: t(`waiting.category.${reason.category}`) }), reason.until, ahead, t, now);
      case 'rate_limited':
        return withTime(t('waiting.rate_limited', { vendor }), reason.until, ahead, t, now);
      case 'behind':
        return withTime(t('waiting.behind', { vendor }), reason.until, ahead, t, now);
    }
  }
  // Its own backoff after a refusal or a connection that failed: the engine sends it again by itself.
  if (job.notBefore !== null && job.error) {
    const what =
      job.error.kind === 'rate_limit' ? t('waiting.rate_limited', { vendor }) : t('waiting.retrying', { reason: describeError(job.error, t, { spec: getOperation(job.operation), locale }).text });
    return withTime(what, job.notBefore, 0, t, now);
  }
  return undefined;
}

/** Below this reported progress the elapsed time says too little about the rest (as the engine's estimate). */
const TRUSTED_PROGRESS = 0.05;

/** How long a running job still needs, in words: from the vendor's progress, else its kind's typical duration. */
export function etaText(job: Job, t: TFunction<'jobs'>, now: number): string | undefined {
  if (job.status === 'submitting') return t('eta.starting');
  if (job.status !== 'running') return undefined;
  const since = job.submittedAt ?? job.createdAt;
  const elapsed = Math.max(0, now - since);
  if (job.progress >= TRUSTED_PROGRESS && job.progress < 1) {
    const end = expectedEnd(since, job.progress, job.expectedMs, now) ?? now;
    return t('eta.left', { time: formatWait(Math.max(1_000, end - now), t) });
  }
  if (job.expectedMs === null) return undefined;
  if (elapsed >= job.expectedMs) return t('eta.longer');
  return t('eta.typical', { time: formatWait(job.expectedMs - elapsed, t) });
}

const LOST_KEYS = ['moderation', 'expired', 'generation_failed'] as const;

/**
 * What a partly done job saved and what happened to the rest, counted from its outputs in the UI's
 * language: "2 of 3 images saved; 1 rejected by moderation."
 */
export function partialText(job: Job, t: TFunction<'jobs'>): string | undefined {
  if (job.status !== 'partial') return undefined;
  const saved = job.outputs.filter((o) => o.status === 'succeeded').length;
  const counts = new Map<string, number>();
  for (const output of job.outputs) {
    if (output.status === 'succeeded') continue;
    const kind = output.error?.kind;
    const key = LOST_KEYS.find((k) => k === kind) ?? 'other';
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const lost = [...counts].map(([key, count]) => t(`partial.lost.${key}`, { count })).join(t('partial.separator'));
  const kind = t(`partial.kind.${getOperation(job.operation).output}`);
  return t('partial.summary', { saved, total: job.outputs.length, kind, lost });
}
