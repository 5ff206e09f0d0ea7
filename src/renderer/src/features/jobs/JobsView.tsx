import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isFinalStatus, type Job } from '@shared/jobs';
import { describeError } from '../../lib/errors';
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
} as const;
type Filter = keyof typeof FILTERS;

export function JobsView(): React.JSX.Element {
  const { t } = useTranslation('jobs');
  const [filter, setFilter] = useState<Filter>('all');
  const ids = useJobs((s) => s.ids);
  // Only a filter needs every record; unfiltered, a job's update re-renders its own row and nothing else.
  const jobs = useJobs((s) => (filter === 'all' ? undefined : s.jobs));
  const status = useJobs((s) => s.status);
  const loadError = useJobs((s) => s.error);
  const selectedId = useJobs((s) => s.selectedId);
  const selected = useJobs((s) => (s.selectedId ? s.jobs.get(s.selectedId) : undefined));
  const select = useJobs((s) => s.select);

  const shown = useMemo(() => {
    if (filter === 'all' || !jobs) return ids;
    const keep = FILTERS[filter];
    return ids.filter((id) => {
      const job = jobs.get(id);
      return job ? keep(job) : false;
    });
  }, [filter, ids, jobs]);

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
        <span className="muted">{t('count', { count: shown.length })}</span>
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
