import { useTranslation } from 'react-i18next';
import { isFinalStatus, type Job } from '@shared/jobs';
import { getOperation, getParam, type Field } from '@shared/catalog';
import type { Locale } from '@shared/i18n-text';
import { useNavigation } from '../../lib/navigation';
import { useLocale } from '../../i18n';
import { useNow } from '../../lib/useNow';
import { JobPreview } from '../preview/JobPreview';
import { cancelJob, deleteJob, duplicateJob, resolveJob, retryJob } from './actions';
import { describeError, type FixAction } from '../../lib/errors';
import { elapsedMs, formatElapsed, jobTitle } from './format';
import { partialText, waitingText } from './outcome';
import { JobProgress, StatusBadge } from './JobList';
import { useJobs } from './store';

/** A parameter as the form showed it: a choice by its label, anything else as it is. */
function shownValue(field: Field, value: unknown, locale: Locale): string {
  if (field.type === 'choice') {
    const option = field.options.find((o) => o.value === value);
    if (option) return option.label[locale];
  }
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
}

function FixButton({ fix, job }: { fix: FixAction; job: Job }): React.JSX.Element {
  const { t } = useTranslation('jobs');
  const go = useNavigation((s) => s.go);
  switch (fix) {
    case 'settings':
      return (
        <button type="button" onClick={() => go('settings')}>
          {t('actions.settings')}
        </button>
      );
    case 'retry':
      return (
        <button type="button" onClick={() => void retryJob(job.id)}>
          {t('actions.retry')}
        </button>
      );
    case 'edit':
      return (
        <button type="button" onClick={() => duplicateJob(job)}>
          {t('actions.edit')}
        </button>
      );
  }
}

export function JobDetail({ job }: { job: Job }): React.JSX.Element {
  const { t } = useTranslation('jobs');
  const locale = useLocale();
  const spec = getOperation(job.operation);
  const final = isFinalStatus(job.status);
  const active = !final && job.status !== 'needs_attention';
  const now = useNow(1000, active);
  // A discarded job failed at nothing: it says what the user chose, not an error with a Retry.
  const error = job.error && !job.discarded ? describeError(job.error, t, { spec, locale }) : undefined;
  const partial = partialText(job, t);
  const waiting = waitingText(job, t, now, locale);
  // Retry belongs to failures the user cannot fix by editing; the error's own action covers the rest.
  const canRetry = !job.discarded && (job.status === 'failed' || job.status === 'canceled' || job.status === 'partial');
  const original = useJobs((s) => (job.retryOf ? s.jobs.has(job.retryOf) : false));
  const select = useJobs((s) => s.select);

  return (
    <section className="job-detail" aria-label={t('details')}>
      <header className="job-detail-header">
        <h2 title={jobTitle(job, locale)}>{jobTitle(job, locale)}</h2>
        <div className="job-detail-meta">
          <StatusBadge status={job.status} discarded={job.discarded} />
          <span className="muted">{spec.title[locale]}</span>
          <span className="elapsed" aria-label={t('elapsed')}>
            {formatElapsed(elapsedMs(job, now))}
          </span>
        </div>
        {active && <JobProgress job={job} now={now} />}
      </header>

      {(job.retryOf || job.retriedBy) && (
        <div className="job-links">
          {job.retryOf && (
            <p className="muted">
              {original ? t('retry.of') : t('retry.ofGone')}{' '}
              {original && job.retryOf && (
                <button type="button" className="link" onClick={() => select(job.retryOf ?? undefined)}>
                  {t('retry.openOriginal')}
                </button>
              )}
            </p>
          )}
          {job.retriedBy && (
            <p className="muted">
              {t('retry.by')}{' '}
              <button type="button" className="link" onClick={() => select(job.retriedBy ?? undefined)}>
                {t('retry.openRetry')}
              </button>
            </p>
          )}
        </div>
      )}

      {job.discarded && (
        <div className="callout" role="status">
          <p>{t('discarded')}</p>
        </div>
      )}

      {job.status === 'needs_attention' && (
        <div className="callout attention" role="group" aria-label={t('attention.title')}>
          <h3>{t('attention.title')}</h3>
          <p>{t('attention.explain')}</p>
          {job.attention && <p className="muted">{t('attention.reason', { reason: job.attention })}</p>}
          <div className="actions">
            <button type="button" className="primary" onClick={() => void resolveJob(job.id, 'resubmit')}>
              {t('actions.resubmit')}
            </button>
            <button type="button" className="danger" onClick={() => void resolveJob(job.id, 'discard')}>
              {t('actions.discard')}
            </button>
          </div>
        </div>
      )}

      {waiting && (
        <div className="callout" role="status">
          <p>{waiting}</p>
          {/* Paused for a refused key: the way to the fix stays one click away. */}
          {job.error?.kind === 'auth' && <FixButton fix="settings" job={job} />}
        </div>
      )}

      {error && job.status !== 'succeeded' && !waiting && (
        <div className="callout error" role="alert">
          <p>{partial ?? error.text}</p>
          {error.fix && (error.fix !== 'retry' || canRetry) && <FixButton fix={error.fix} job={job} />}
        </div>
      )}

      <div className="actions">
        {active && (
          <button type="button" className="danger" onClick={() => void cancelJob(job.id)}>
            {t('actions.cancel')}
          </button>
        )}
        {canRetry && error?.fix !== 'retry' && (
          <button type="button" onClick={() => void retryJob(job.id)}>
            {t('actions.retry')}
          </button>
        )}
        <button type="button" className="secondary" onClick={() => duplicateJob(job)}>
          {t('actions.duplicate')}
        </button>
        {final && (
          <button type="button" className="secondary" onClick={() => void deleteJob(job.id)}>
            {t('actions.delete')}
          </button>
        )}
      </div>

      <JobPreview job={job} />

      <h3>{t('parameters')}</h3>
      <dl className="facts">
        {spec.fields.map((field) => {
          const value = getParam(job.params, field.key);
          if (value === undefined || value === '') return null;
          return (
            <div key={field.key} className="fact">
              <dt>{field.label[locale]}</dt>
              <dd>{shownValue(field, value, locale)}</dd>
            </div>
          );
        })}
        {job.inputFile && (
          <div className="fact">
            <dt>{t('inputFile')}</dt>
            <dd>{job.inputFile.split(/[\\/]/).at(-1)}</dd>
          </div>
        )}
        <div className="fact">
          <dt>{t('created')}</dt>
          <dd>{new Date(job.createdAt).toLocaleString(locale)}</dd>
        </div>
        <div className="fact">
          <dt>{t('attempts')}</dt>
          <dd>{job.attempts}</dd>
        </div>
      </dl>
    </section>
  );
}
