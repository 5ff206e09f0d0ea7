import type { TFunction } from 'i18next';
import type { Job } from '@shared/jobs';
import { getOperation } from '@shared/catalog';

const VENDOR_NAMES = { hidream: 'HiDream', haiper: 'Haiper' } as const;

/** Why a queued job has not been sent, in the UI's language; undefined when it is not waiting. */
export function waitingText(job: Job, t: TFunction<'jobs'>): string | undefined {
  const reason = job.status === 'queued' ? job.waiting : null;
  if (!reason) return undefined;
  const vendor = VENDOR_NAMES[reason.vendor];
  if (reason.kind === 'concurrency') {
    return reason.tier ? t('waiting.concurrency', { vendor, tier: reason.tier, limit: reason.limit }) : t('waiting.concurrencyNoTier', { vendor, limit: reason.limit });
  }
  return t('waiting.per_minute', { vendor, limit: reason.limit, category: t(`waiting.category.${reason.category}`) });
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
