import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import { getOperation } from '@shared/catalog';
import { currentMembers, summarizeGroup, type GroupSummary } from '@shared/groups';
import type { Job } from '@shared/jobs';
import { useLocale } from '../../i18n';
import { describeError } from '../../lib/errors';
import { useNow } from '../../lib/useNow';
import { jobTitle } from './format';
import { useJobs } from './store';
import './groups.css';

export const GROUP_ROW_HEIGHT = 148;

/** One line of the jobs list: a job alone, or a set's members (in the set's order) shown as one row. */
export type ListRow = { kind: 'job'; key: string; id: string } | { kind: 'group'; key: string; groupId: string; ids: string[] };

/**
 * The list's rows from its job ids (newest first): a set folds into one row where its newest shown
 * member is, and the row always holds the whole set (a filter that matches one member shows the set it
 * belongs to, not a "set of 1"). A job's group never changes, so the records of the moment are enough.
 */
export function listRows(ids: readonly string[], jobs: ReadonlyMap<string, Job>): ListRow[] {
  const members = new Map<string, string[]>();
  for (const job of jobs.values()) {
    if (!job.groupId) continue;
    const list = members.get(job.groupId);
    if (list) list.push(job.id);
    else members.set(job.groupId, [job.id]);
  }
  const order = (id: string): number => jobs.get(id)?.groupIndex ?? 0;
  for (const list of members.values()) list.sort((a, b) => order(a) - order(b));
  const rows: ListRow[] = [];
  const placed = new Set<string>();
  for (const id of ids) {
    const groupId = jobs.get(id)?.groupId;
    if (!groupId) rows.push({ kind: 'job', key: id, id });
    else if (!placed.has(groupId)) {
      placed.add(groupId);
      rows.push({ kind: 'group', key: `group:${groupId}`, groupId, ids: members.get(groupId) ?? [id] });
    }
  }
  return rows;
}

/** "3 of 4 done, 1 running", in the user's language. */
export function groupStatusText(summary: GroupSummary, t: (key: string, options?: Record<string, unknown>) => string): string {
  const parts = [t('group.done', { done: summary.succeeded + summary.partial, total: summary.total })];
  if (summary.running > 0) parts.push(t('group.running', { count: summary.running }));
  if (summary.queued > 0) parts.push(t('group.queued', { count: summary.queued }));
  if (summary.failed > 0) parts.push(t('group.failed', { count: summary.failed }));
  if (summary.canceled > 0) parts.push(t('group.canceled', { count: summary.canceled }));
  if (summary.needsAttention > 0) parts.push(t('group.needsAttention', { count: summary.needsAttention }));
  return parts.join(t('partial.separator'));
}

function Tile({ job, n, selected, onSelect }: { job: Job; n: number; selected: boolean; onSelect: (id: string) => void }): React.JSX.Element {
  const { t } = useTranslation('jobs');
  const locale = useLocale();
  // Links expire; a minute's resolution is plenty to stop showing a dead one.
  const now = useNow(60_000);
  const output = job.outputs.find((o) => o.status === 'succeeded' && o.url);
  // A vendor link stops working at its expiry; after that the tile shows its number, not a broken image.
  const image = output?.kind === 'image' && output.url && (output.expiresAt === null || output.expiresAt > now) ? output.url : undefined;
  const label = t('group.member', { n, status: t(`status.${job.status}`) });
  return (
    <button
      type="button"
      role="listitem"
      className={`group-tile status-${job.status}${selected ? ' selected' : ''}`}
      aria-label={label}
      aria-current={selected ? 'true' : undefined}
      title={`${label} · ${jobTitle(job, locale)}`}
      onClick={(e) => {
        e.stopPropagation();
        onSelect(job.id);
      }}
    >
      {image ? <img src={image} alt="" loading="lazy" /> : <span aria-hidden="true">{n}</span>}
    </button>
  );
}

interface GroupRowProps {
  ids: readonly string[];
  index: number;
  total: number;
  start: number;
  selectedId: string | undefined;
  onSelect: (id: string) => void;
}

/**
 * A set as one row: its title, its combined status ("3 of 4 done, 1 running"), the words of a refusal
 * if a member failed, and a grid of its members' results; a tile opens that member's details.
 */
export const GroupRow = memo(function GroupRow({ ids, index, total, start, selectedId, onSelect }: GroupRowProps): React.JSX.Element | null {
  const { t } = useTranslation('jobs');
  const locale = useLocale();
  const all = useJobs(useShallow((s) => ids.map((id) => s.jobs.get(id)).filter((job): job is Job => job !== undefined)));
  const members = currentMembers(all);
  const first = members[0];
  if (!first) return null;
  const summary = summarizeGroup(members);
  const failed = members.find((job) => job.status === 'failed' && job.error);
  const refusal = failed?.error ? describeError(failed.error, t, { spec: getOperation(failed.operation), locale }).text : undefined;
  const selected = selectedId !== undefined && ids.includes(selectedId);
  const title = t('group.title', { count: summary.total, title: jobTitle(first, locale) });
  const badge = summary.state === 'active' ? 'running' : summary.state;
  return (
    <div
      role="listitem"
      aria-setsize={total}
      aria-posinset={index + 1}
      className={selected ? 'job-row group-row selected' : 'job-row group-row'}
      style={{ height: GROUP_ROW_HEIGHT, transform: `translateY(${start}px)` }}
      onClick={() => onSelect(first.id)}
    >
      <div className="job-row-top">
        <button type="button" className="job-title" aria-current={selected && selectedId === first.id ? 'true' : undefined} title={title}>
          {title}
        </button>
        <span className={`badge status-${badge}`}>{t(`group.state.${summary.state}`)}</span>
      </div>
      <div className="job-row-bottom">
        <span className="muted job-op">{getOperation(first.operation).title[locale]}</span>
        <span className="group-status">{groupStatusText(summary, t)}</span>
        {refusal && (
          <span className="row-error" title={refusal}>
            {refusal}
          </span>
        )}
      </div>
      <div className="group-grid" role="list" aria-label={t('group.results')}>
        {members.map((job, i) => (
          <Tile key={job.id} job={job} n={(job.groupIndex ?? i) + 1} selected={job.id === selectedId} onSelect={onSelect} />
        ))}
      </div>
    </div>
  );
});
