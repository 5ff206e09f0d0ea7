import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isFinalStatus, type Job } from '@shared/jobs';
import { OPERATION_LIST, promptOf, type OperationId } from '@shared/catalog';
import { describeError } from '../../lib/errors';
import { useLocale } from '../../i18n';
import { clearFinishedJobs } from './actions';
import { JobDetail } from './JobDetail';
import { JobList } from './JobList';
import { useJobs } from './store';

const FILTERS = {
  all: () => true,
  active: (job: Job) => !isFinalStatus(job.status) && job.status !== 'needs_attention',
  attention: (job: Job) => job.status === 'needs_attention',
  // A partly done job has results (done) and losses (failed): it shows under both.
  failed: (job: Job) => job.status === 'failed' || job.status === 'partial',
  done: (job: Job) => job.status === 'succeeded' || job.status === 'partial',
  stopped: (job: Job) => job.status === 'canceled',
} as const;
type Filter = keyof typeof FILTERS;

export function JobsView(): React.JSX.Element {
  const { t } = useTranslation('jobs');
  const locale = useLocale();
  const [filter, setFilter] = useState<Filter>('all');
  const [operation, setOperation] = useState<OperationId | ''>('');
  const [text, setText] = useState('');
  const words = text.trim().toLocaleLowerCase();
  const filtering = filter !== 'all' || operation !== '' || words !== '';
  const ids = useJobs((s) => s.ids);
  // Only a filter needs every record; unfiltered, a job's update re-renders its own row and nothing else.
  const jobs = useJobs((s) => (filtering ? s.jobs : undefined));
  const anyFinished = useJobs((s) => s.ids.some((id) => { const job = s.jobs.get(id); return job ? isFinalStatus(job.status) : false; }));
  const status = useJobs((s) => s.status);
  const loadError = useJobs((s) => s.error);
  const selectedId = useJobs((s) => s.selectedId);
  const selected = useJobs((s) => (s.selectedId ? s.jobs.get(s.selectedId) : undefined));
  const select = useJobs((s) => s.select);

  const shown = useMemo(() => {
    if (!filtering || !jobs) return ids;
    const keep = FILTERS[filter];
    return ids.filter((id) => {
      const job = jobs.get(id);
      if (!job || !keep(job) || (operation !== '' && job.operation !== operation)) return false;
      return words === '' || promptOf(job.params).toLocaleLowerCase().includes(words);
    });
  }, [filtering, filter, operation, words, ids, jobs]);

  return (
    <section className="jobs-view" aria-labelledby="jobs-title">
      <header className="view-header">
        <h1 id="jobs-title">{t('title')}</h1>
        <label className="inline">
          {t('filter')}
          <select value={filter} onChange={(e) => setFilter(e.target.value as Filter)}>
            {(Object.keys(FILTERS) as Filter[]).map((f) => (
              <option key={f} value={f}>
                {t(`filters.${f}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="inline">
          {t('operationFilter')}
          <select value={operation} onChange={(e) => setOperation(e.target.value as OperationId | '')}>
            <option value="">{t('allOperations')}</option>
            {OPERATION_LIST.map((spec) => (
              <option key={spec.id} value={spec.id}>
                {spec.title[locale]}
              </option>
            ))}
          </select>
        </label>
        <input type="search" className="jobs-search" aria-label={t('search')} placeholder={t('search')} value={text} onChange={(e) => setText(e.target.value)} />
        <span className="muted">{t('count', { count: shown.length })}</span>
        <button type="button" className="secondary" disabled={!anyFinished} onClick={() => void clearFinishedJobs()}>
          {t('clearFinished')}
        </button>
      </header>
      {status === 'error' && loadError && (
        <div className="banner error" role="alert">
          {t('unavailable', { message: describeError(loadError, t).text })}
        </div>
      )}
      <div className="jobs-panes">
        <div className="jobs-list-pane">
          {status === 'loading' && ids.length === 0 ? (
            <p className="muted pad">{t('loading')}</p>
          ) : shown.length === 0 ? (
            <p className="muted pad">{ids.length === 0 ? t('empty') : t('emptyFilter')}</p>
          ) : (
            <JobList ids={shown} selectedId={selectedId} onSelect={select} />
          )}
        </div>
        <div className="jobs-detail-pane">{selected ? <JobDetail job={selected} /> : <p className="muted pad">{t('noSelection')}</p>}</div>
      </div>
    </section>
  );
}
