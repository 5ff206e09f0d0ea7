// @vitest-environment jsdom
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Job } from '@shared/jobs';
import { JobsView } from '@renderer/features/jobs/JobsView';
import { startJobsSync, useJobs } from '@renderer/features/jobs/store';
import { useNavigation } from '@renderer/lib/navigation';
import { installApi, makeJob, makeOutput, setLanguage } from './harness';

const original = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'clientHeight');
beforeAll(() => {
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', {
    configurable: true,
    get(this: HTMLElement) {
      return this.classList.contains('job-scroller') ? 800 : 0;
    },
  });
});
afterAll(() => {
  if (original) Object.defineProperty(HTMLElement.prototype, 'clientHeight', original);
});
beforeEach(async () => {
  useJobs.setState({ jobs: new Map(), ids: [], status: 'idle', error: undefined, selectedId: undefined });
  useNavigation.setState({ section: 'jobs' });
  await setLanguage('en');
});

/** Four members of one set (created together) and an ordinary job made before them. */
function set(statuses: Job['status'][], extra: (i: number) => Partial<Job> = () => ({})): Job[] {
  const at = 1_800_000_000_000;
  return statuses.map((status, i) =>
    makeJob({
      id: `m${String(i)}`,
      operation: 'hidream.txt2img',
      status,
      createdAt: at,
      updatedAt: at,
      groupId: 'g1',
      groupIndex: i,
      params: { prompt: 'a lighthouse' },
      outputs: status === 'succeeded' ? [makeOutput({ kind: 'image', url: `https://cdn.example/m${String(i)}.png` })] : [],
      ...extra(i),
    }),
  );
}

function show(jobs: Job[]): () => void {
  installApi({ 'jobs.list': () => ({ jobs, total: jobs.length }) });
  const stop = startJobsSync();
  render(<JobsView />);
  return stop;
}

describe('a set in the jobs list', () => {
  it('shows as one row with its combined status and a grid of results; a tile opens that member', async () => {
    const alone = makeJob({ params: { prompt: 'a single kite' }, createdAt: 1_700_000_000_000 });
    const stop = show([...set(['succeeded', 'succeeded', 'running', 'succeeded']), alone]);
    const list = await screen.findByRole('list', { name: 'Jobs' });
    await waitFor(() => expect(within(list).getByText('Set of 4: a lighthouse')).toBeTruthy());
    const rows = within(list).getAllByRole('listitem').filter((row) => row.classList.contains('job-row'));
    expect(rows).toHaveLength(2);
    const group = rows[0] as HTMLElement;
    expect(group.getAttribute('aria-setsize')).toBe('2');
    expect(within(group).getByText('3 of 4 done, 1 running')).toBeTruthy();
    expect(within(group).getByText('In progress')).toBeTruthy();
    const grid = within(group).getByRole('list', { name: 'Results of the set' });
    const tiles = within(grid).getAllByRole('listitem');
    expect(tiles.map((tile) => tile.getAttribute('aria-label'))).toEqual([
      'Job 1 of the set: Done',
      'Job 2 of the set: Done',
      'Job 3 of the set: Running',
      'Job 4 of the set: Done',
    ]);
    expect(tiles[0]?.querySelector('img')?.getAttribute('src')).toBe('https://cdn.example/m0.png');
    await userEvent.click(tiles[2] as HTMLElement);
    expect(useJobs.getState().selectedId).toBe('m2');
    expect(rows[1]?.textContent).toContain('a single kite');
    stop();
  });

  it('says when the vendor refused a member, in the vendor’s words', async () => {
    const refused = { kind: 'vendor' as const, message: 'HiDream answered with code 2031: 模型已下线 (this model version has been retired)' };
    const stop = show(set(['succeeded', 'succeeded', 'failed', 'succeeded'], (i) => (i === 2 ? { error: refused } : {})));
    const list = await screen.findByRole('list', { name: 'Jobs' });
    await waitFor(() => expect(within(list).getByText('3 of 4 done, 1 failed')).toBeTruthy());
    expect(within(list).getByText('Partly done')).toBeTruthy();
    expect(list.textContent).toContain('模型已下线');
    stop();
  });

  it('speaks Chinese in zh-CN', async () => {
    await setLanguage('zh-CN');
    const stop = show(set(['succeeded', 'queued', 'queued', 'running']));
    const list = await screen.findByRole('list', { name: '任务' });
    await waitFor(() => expect(within(list).getByText('4 个中已完成 1 个，1 个运行中，2 个等待中')).toBeTruthy());
    stop();
  });
});

describe('a set under a filter', () => {
  it('shows the whole set when one member matches, not a set of one', async () => {
    const stop = show(set(['succeeded', 'failed', 'succeeded', 'succeeded'], (i) => (i === 1 ? { error: { kind: 'vendor', message: 'refused' } } : {})));
    const list = await screen.findByRole('list', { name: 'Jobs' });
    await waitFor(() => expect(within(list).getByText('Set of 4: a lighthouse')).toBeTruthy());
    await userEvent.selectOptions(screen.getByLabelText('Show'), 'Failed');
    await waitFor(() => expect(within(screen.getByRole('list', { name: 'Jobs' })).getByText('3 of 4 done, 1 failed')).toBeTruthy());
    expect(within(screen.getByRole('list', { name: 'Jobs' })).getByText('Set of 4: a lighthouse')).toBeTruthy();
    stop();
  });
});
