import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useMemo, useRef, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { isFinalStatus, type Job, type JobStatus } from '@shared/jobs';
import { getOperation } from '@shared/catalog';
import { useLocale } from '../../i18n';
import { useNow } from '../../lib/useNow';
import { describeError } from '../../lib/errors';
import { elapsedMs, formatElapsed, jobTitle, percent } from './format';
import { etaText, partialText, waitingText } from './outcome';
import { progressSeenAt, useJobs } from './store';
import { GROUP_ROW_HEIGHT, GroupRow, listRows } from './GroupRow';

export const ROW_HEIGHT = 76;

/** A job's state; a discarded job (the user's choice, nothing failed) has its own neutral word. */
export function StatusBadge({ status, discarded = false }: { status: JobStatus; discarded?: boolean }): React.JSX.Element {
  const { t } = useTranslation('jobs');
  const shown = discarded && status === 'canceled' ? 'discarded' : status;
  return <span className={`badge status-${shown}`}>{t(`status.${shown}`)}</span>;
}

/**
 * The bar itself. `moving`: the vendor reports nothing new (or nothing yet), so the bar animates over
 * its fill to show the job is alive rather than stuck; `valueText` says the percent and estimate aloud.
 */
export function ProgressBar({ progress, label, moving = false, valueText }: { progress: number; label: string; moving?: boolean; valueText?: string }): React.JSX.Element {
  const value = percent(progress);
  return (
    <div
      className={moving ? 'progress moving' : 'progress'}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={value}
      aria-valuetext={valueText}
      aria-busy={moving || undefined}
      data-moving={moving ? 'true' : undefined}
    >
      <div className="progress-fill" style={{ width: `${value}%` }} />
    </div>
  );
}

/** After this long without new progress from the vendor, the bar shows it is still moving. */
export const STALE_PROGRESS_MS = 3_000;

/**
 * A job's progress as the user should read it: the vendor's percent (never backwards), an estimate of
 * the rest, and a moving bar while the vendor reports nothing new. `now` comes from the caller's clock.
 */
export function JobProgress({ job, now }: { job: Job; now: number }): React.JSX.Element {
  const { t } = useTranslation('jobs');
  const live = job.status === 'running' || job.status === 'submitting';
  const seen = progressSeenAt(job.id) ?? job.updatedAt;
  const moving = live && (job.progress <= 0 || now - seen >= STALE_PROGRESS_MS);
  const progress = job.status === 'succeeded' ? 1 : job.progress;
  const eta = etaText(job, t, now);
  const text = job.status === 'running' ? [`${percent(progress)} %`, eta].filter(Boolean).join(' · ') : eta;
  return (
    <div className="job-progress">
      <ProgressBar progress={progress} label={t('progress')} moving={moving} {...(text ? { valueText: text } : {})} />
      {text && <span className="muted job-eta">{text}</span>}
    </div>
  );
}

function isActive(status: JobStatus): boolean {
  return !isFinalStatus(status) && status !== 'needs_attention';
}

interface RowProps {
  id: string;
  index: number;
  total: number;
  start: number;
  selected: boolean;
  onSelect: (id: string) => void;
}

/** One job: subscribes to its own record only, so an update elsewhere does not re-render it. */
const JobRow = memo(function JobRow({ id, index, total, start, selected, onSelect }: RowProps): React.JSX.Element | null {
  const { t } = useTranslation('jobs');
  const locale = useLocale();
  const job = useJobs((s) => s.jobs.get(id));
  const active = job ? isActive(job.status) : false;
  const now = useNow(1000, active);
  if (!job) return null;
  const title = jobTitle(job, locale);
  // A waiting job says why it waits; a partly done one what it saved; a retried one that it was
  // retried (not its old failure again); otherwise the error, if any. A stopped job shows no error.
  const waiting = waitingText(job, t, now, locale);
  const stopped = job.status === 'canceled';
  const retried = job.retriedBy ? t('retry.by') : undefined;
  const note = waiting ?? retried;
  const error =
    note ?? partialText(job, t) ?? (job.error && !stopped ? describeError(job.error, t, { spec: getOperation(job.operation), locale }).text : undefined);
  return (
    <div
      role="listitem"
      aria-setsize={total}
      aria-posinset={index + 1}
      className={selected ? 'job-row selected' : 'job-row'}
      style={{ height: ROW_HEIGHT, transform: `translateY(${start}px)` }}
      // The whole row selects; its button is the keyboard and screen-reader way to do the same.
      onClick={() => onSelect(id)}
    >
      <div className="job-row-top">
        <button type="button" className="job-title" aria-current={selected ? 'true' : undefined} title={title}>
          {title}
        </button>
        {job.retryOf && (
          <span className="badge retry-mark" title={t('retry.of')}>
            {t('retry.mark')}
          </span>
        )}
        <StatusBadge status={job.status} discarded={job.discarded} />
      </div>
      <div className="job-row-bottom">
        <span className="muted job-op">{getOperation(job.operation).title[locale]}</span>
        <span className="elapsed" title={t('elapsed')}>
          {formatElapsed(elapsedMs(job, now))}
        </span>
        {error && job.status !== 'succeeded' ? (
          <span className={note ? 'row-note muted' : 'row-error'} title={error}>
            {error}
          </span>
        ) : stopped ? null : (
          <JobProgress job={job} now={now} />
        )}
      </div>
    </div>
  );
});

export interface JobListProps {
  ids: readonly string[];
  selectedId: string | undefined;
  onSelect: (id: string) => void;
}

/**
 * The jobs, newest first, virtualized: only the rows in view (plus a few) exist in the DOM, so the list
 * stays smooth with thousands of jobs. Up/Down move the selection.
 */
export function JobList({ ids, selectedId, onSelect }: JobListProps): React.JSX.Element {
  const { t } = useTranslation('jobs');
  const scroller = useRef<HTMLDivElement>(null);
  // A set's members fold into one row; ids change whenever a job is added, and a job's group never does.
  const rows = useMemo(() => listRows(ids, useJobs.getState().jobs), [ids]);
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is read during render by design
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: (index) => (rows[index]?.kind === 'group' ? GROUP_ROW_HEIGHT : ROW_HEIGHT),
    overscan: 6,
    getItemKey: (index) => rows[index]?.key ?? index,
  });

  const onKeyDown = (e: KeyboardEvent): void => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    e.preventDefault();
    const at = selectedId ? rows.findIndex((row) => (row.kind === 'job' ? row.id === selectedId : row.ids.includes(selectedId))) : -1;
    const next = Math.min(rows.length - 1, Math.max(0, at + (e.key === 'ArrowDown' ? 1 : -1)));
    const row = rows[next];
    const id = row?.kind === 'group' ? row.ids[0] : row?.id;
    if (id === undefined) return;
    onSelect(id);
    virtualizer.scrollToIndex(next);
    // Keep focus on the selected row's button once it is rendered.
    requestAnimationFrame(() => scroller.current?.querySelector<HTMLButtonElement>('[aria-current="true"]')?.focus());
  };

  return (
    <div ref={scroller} className="job-scroller" onKeyDown={onKeyDown}>
      <div role="list" aria-label={t('listLabel')} className="job-list" style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((item) => {
          const row = rows[item.index];
          if (row?.kind === 'group') {
            return <GroupRow key={row.key} ids={row.ids} index={item.index} total={rows.length} start={item.start} selectedId={selectedId} onSelect={onSelect} />;
          }
          return row === undefined ? null : (
            <JobRow key={row.id} id={row.id} index={item.index} total={rows.length} start={item.start} selected={row.id === selectedId} onSelect={onSelect} />
          );
        })}
      </div>
    </div>
  );
}
