// @vitest-environment jsdom
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Job } from '@shared/jobs';
import { useNavigation } from '@renderer/lib/navigation';
import { useCompose } from '@renderer/features/compose/store';
import { JobsView } from '@renderer/features/jobs/JobsView';
import { ROW_HEIGHT } from '@renderer/features/jobs/JobList';
import { startJobsSync, useJobs } from '@renderer/features/jobs/store';
import { installApi, makeJob, makeOutput, setLanguage, type FakeApi } from './harness';

const VIEWPORT = 600;
const original = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'clientHeight');

beforeAll(() => {
  // jsdom lays nothing out; give the list's scroller a real height so the virtualizer has a window.
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', {
    configurable: true,
    get(this: HTMLElement) {
      return this.classList.contains('job-scroller') ? VIEWPORT : 0;
    },
  });
});
afterAll(() => {
  if (original) Object.defineProperty(HTMLElement.prototype, 'clientHeight', original);
});
beforeEach(() => {
  useJobs.setState({ jobs: new Map(), ids: [], status: 'idle', error: undefined, selectedId: undefined });
  useNavigation.setState({ section: 'jobs' });
});

/** Serves `jobs.list` pages from an array, as main would. */
function serve(jobs: Job[], extra: Parameters<typeof installApi>[0] = {}): FakeApi {
  return installApi({
    'jobs.list': ({ offset = 0, limit = 100 }: { offset?: number; limit?: number }) => ({ jobs: jobs.slice(offset, offset + limit), total: jobs.length }),
    ...extra,
  });
}

describe('the jobs list', () => {
  it('keeps only a window of rows in the DOM with 5,000 jobs', async () => {
    const jobs = Array.from({ length: 5_000 }, () => makeJob()).reverse();
    const api = serve(jobs);
    const stop = startJobsSync();
    render(<JobsView />);
    await waitFor(() => expect(useJobs.getState().status).toBe('ready'));
    // Pages of at most 500, the IPC schema's limit.
    expect(api.calls.filter((c) => c.name === 'jobs.list')).toHaveLength(10);

    const list = await screen.findByRole('list', { name: 'Jobs' });
    const rows = within(list).getAllByRole('listitem');
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.length).toBeLessThan(40);
    expect(rows[0]?.getAttribute('aria-setsize')).toBe('5000');
    // Newest first.
    expect(rows[0]?.textContent).toContain('clip number 5000');
    expect(list.style.height).toBe(`${5_000 * ROW_HEIGHT}px`);
    expect(screen.getByText('5000 jobs')).toBeTruthy();

    // Scrolled to the middle, the window moves with it and stays small.
    const scroller = list.parentElement as HTMLElement;
    act(() => {
      scroller.scrollTop = 2_500 * ROW_HEIGHT;
      fireEvent.scroll(scroller);
    });
    await waitFor(() => expect(within(list).getAllByRole('listitem')[0]?.getAttribute('aria-posinset')).not.toBe('1'));
    const moved = within(list).getAllByRole('listitem');
    expect(moved.length).toBeLessThan(40);
    expect(moved.some((row) => row.getAttribute('aria-posinset') === '2501')).toBe(true);
    stop();
  });

  it('follows job events live: progress, then the finished state', async () => {
    const running = makeJob({ progress: 0.2, params: { prompt: 'a red kite' } });
    const api = serve([running]);
    const stop = startJobsSync();
    render(<JobsView />);
    const bar = await screen.findByRole('progressbar', { name: 'Progress' });
    expect(bar.getAttribute('aria-valuenow')).toBe('20');

    api.emit('jobs.progress', { id: running.id, progress: 0.65, status: 'running' });
    expect(screen.getByRole('progressbar', { name: 'Progress' }).getAttribute('aria-valuenow')).toBe('65');

    api.emit('jobs.updated', { ...running, status: 'succeeded', progress: 1, updatedAt: running.updatedAt + 1, finishedAt: running.createdAt + 83_000 });
    expect(within(screen.getByRole('list', { name: 'Jobs' })).getByText('Done')).toBeTruthy();
    expect(screen.getByText('1:23')).toBeTruthy();
    stop();
  });

  it('says what went wrong in plain words, with the action that fixes it', async () => {
    const expired = makeJob({ status: 'failed', error: { kind: 'auth', message: 'HTTP 401 token expired' } });
    serve([expired]);
    const stop = startJobsSync();
    render(<JobsView />);
    await userEvent.click(await screen.findByRole('button', { name: 'clip number ' + expired.id.slice(4) }));
    const details = screen.getByRole('region', { name: 'Job details' });
    expect(within(details).getByRole('alert').textContent).toContain('Token expired or invalid — update it in Settings.');
    await userEvent.click(within(details).getByRole('button', { name: 'Open Settings' }));
    expect(useNavigation.getState().section).toBe('settings');
    stop();
  });

  it('shows a moderation failure with the vendor’s reason', async () => {
    const rejected = makeJob({ status: 'failed', error: { kind: 'moderation', message: 'The prompt contains restricted content.' } });
    serve([rejected]);
    const stop = startJobsSync();
    render(<JobsView />);
    act(() => useJobs.getState().select(rejected.id));
    expect((await screen.findByRole('alert')).textContent).toBe('Rejected by the vendor’s content check: The prompt contains restricted content.Edit and resubmit');
    stop();
  });

  it.each([
    ['en', 'Partly done', '2 of 3 images saved; 1 rejected by moderation.'],
    ['zh-CN', '部分完成', '3 个图片中已保存 2 个；1 个未通过内容审核。'],
  ] as const)('shows a partly done job as such, with what it saved and what it lost (%s)', async (language, badge, summary) => {
    await setLanguage(language);
    const outputs = [
      makeOutput({ index: 0, kind: 'image' }),
      makeOutput({ index: 1, kind: 'image' }),
      makeOutput({ index: 2, kind: 'image', status: 'failed', url: null, error: { kind: 'moderation', message: 'rejected (task_status 4)' } }),
    ];
    const partial = makeJob({ operation: 'hidream.txt2img', status: 'partial', progress: 1, outputs, error: { kind: 'moderation', message: '2 of 3 images; 1 rejected by moderation' } });
    serve([partial]);
    const stop = startJobsSync();
    render(<JobsView />);
    const row = await screen.findByRole('listitem');
    expect(row.textContent).toContain(badge);
    expect(row.textContent).toContain(summary);
    act(() => useJobs.getState().select(partial.id));
    expect((await screen.findByRole('alert')).textContent).toContain(summary);
    stop();
    await setLanguage('en');
  });

  it.each([
    ['en', 'Waiting for a free HiDream slot (membership: free, 1 at a time)'],
    ['zh-CN', '正在等待空闲的 HiDream 任务位（会员等级：free，同时最多 1 个）'],
  ] as const)('says why a queued job waits for its turn (%s)', async (language, text) => {
    await setLanguage(language);
    const queued = makeJob({ status: 'queued', progress: 0, waiting: { kind: 'concurrency', vendor: 'hidream', limit: 1, tier: 'free' }, attention: 'Waiting for a free HiDream slot (membership: free, 1 at a time).' });
    serve([queued]);
    const stop = startJobsSync();
    render(<JobsView />);
    expect((await screen.findByRole('listitem')).textContent).toContain(text);
    act(() => useJobs.getState().select(queued.id));
    expect((await screen.findByRole('status')).textContent).toBe(text);
    stop();
    await setLanguage('en');
  });

  it('a job whose link expired before its file was saved is a failure that says so', async () => {
    const lost = makeJob({
      status: 'failed',
      outputs: [makeOutput({ status: 'failed', error: { kind: 'expired', message: 'Not saved: the link answered 403.' } })],
      error: { kind: 'expired', message: 'Not saved: the link answered 403.' },
    });
    serve([lost]);
    const stop = startJobsSync();
    render(<JobsView />);
    act(() => useJobs.getState().select(lost.id));
    expect((await screen.findByRole('alert')).textContent).toContain('The result’s link expired before it was saved.');
    expect((await screen.findByRole('listitem')).textContent).toContain('Failed');
    stop();
  });

  it('explains a needs_attention job and resolves it with the user’s choice', async () => {
    const unsure = makeJob({ status: 'needs_attention', attention: 'The app closed while the job was being submitted.' });
    const api = serve([unsure], {
      'jobs.resolve': ({ id, action }: { id: string; action: string }) => ({ ...unsure, id, status: action === 'discard' ? 'canceled' : 'needs_attention', updatedAt: unsure.updatedAt + 1 }),
    });
    const stop = startJobsSync();
    render(<JobsView />);
    act(() => useJobs.getState().select(unsure.id));
    const box = await screen.findByRole('group', { name: 'This job needs your decision' });
    expect(box.textContent).toContain('been billed');
    expect(box.textContent).toContain('The app closed while the job was being submitted.');
    await userEvent.click(within(box).getByRole('button', { name: 'Discard' }));
    expect(api.calls.find((c) => c.name === 'jobs.resolve')?.input).toEqual({ id: unsure.id, action: 'discard' });
    await waitFor(() => expect(useJobs.getState().jobs.get(unsure.id)?.status).toBe('canceled'));
    stop();
  });

  it('cancels a running job and duplicates a job into Compose for editing', async () => {
    const job = makeJob({ operation: 'haiper.generate', vendor: 'haiper', params: { prompt: 'fog over hills', settings: { seed: 7, duration: 4 } } });
    const api = serve([job], { 'jobs.cancel': ({ id }: { id: string }) => ({ ...job, id, status: 'canceled', updatedAt: job.updatedAt + 1 }) });
    const stop = startJobsSync();
    render(<JobsView />);
    act(() => useJobs.getState().select(job.id));
    await userEvent.click(await screen.findByRole('button', { name: 'Cancel job' }));
    expect(api.calls.find((c) => c.name === 'jobs.cancel')?.input).toEqual({ id: job.id });
    await waitFor(() => expect(useJobs.getState().jobs.get(job.id)?.status).toBe('canceled'));

    await userEvent.click(screen.getByRole('button', { name: 'Duplicate and edit' }));
    expect(useNavigation.getState().section).toBe('compose');
    const compose = useCompose.getState();
    expect(compose.operation).toBe('haiper.generate');
    expect(compose.drafts['haiper.generate']?.values).toMatchObject({ prompt: 'fog over hills', 'settings.seed': '7', 'settings.duration': 4 });
    stop();
  });
});
