// @vitest-environment jsdom
import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { AHEAD_COUNTED, type Job } from '@shared/jobs';
import { useNavigation } from '@renderer/lib/navigation';
import { JobsView } from '@renderer/features/jobs/JobsView';
import { STALE_PROGRESS_MS } from '@renderer/features/jobs/JobList';
import { startJobsSync, useJobs } from '@renderer/features/jobs/store';
import { installApi, makeJob, setLanguage, type FakeApi } from './harness';

/*
 * What the jobs screen says about progress, waits, retries, discards and housekeeping. The window's
 * clock is faked (Date and intervals only), so a countdown is checked without waiting for it.
 */
const T0 = 1_800_000_000_000;
const original = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'clientHeight');

beforeAll(() => {
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', {
    configurable: true,
    get(this: HTMLElement) {
      return this.classList.contains('job-scroller') ? 600 : 0;
    },
  });
});
afterAll(() => {
  if (original) Object.defineProperty(HTMLElement.prototype, 'clientHeight', original);
});
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'], now: T0 });
  useJobs.setState({ jobs: new Map(), ids: [], status: 'idle', error: undefined, selectedId: undefined });
  useNavigation.setState({ section: 'jobs' });
});
afterEach(async () => {
  vi.useRealTimers();
  await setLanguage('en');
});

function serve(jobs: Job[], extra: Parameters<typeof installApi>[0] = {}): FakeApi {
  return installApi({
    'jobs.list': ({ offset = 0, limit = 100 }: { offset?: number; limit?: number }) => ({ jobs: jobs.slice(offset, offset + limit), total: jobs.length }),
    ...extra,
  });
}

/** Renders the view over `jobs` and lets the first page arrive. */
async function show(jobs: Job[], extra: Parameters<typeof installApi>[0] = {}): Promise<{ api: FakeApi; stop: () => void }> {
  const api = serve(jobs, extra);
  const stop = startJobsSync();
  render(<JobsView />);
  await act(async () => {
    await Promise.resolve();
  });
  await screen.findAllByRole('listitem');
  return { api, stop };
}

const tick = (ms: number): void =>
  act(() => {
    vi.advanceTimersByTime(ms);
  });

const rowOf = (text: string): HTMLElement => {
  const row = screen.getAllByRole('listitem').find((r) => r.textContent.includes(text));
  if (!row) throw new Error(`no row with ${text}`);
  return row;
};

describe('waiting jobs say why and for how long, counting down on the window’s own clock', () => {
  it.each([
    ['en', 'Waiting: HiDream video limit, 10 per minute — about 40 s', 'Waiting: HiDream video limit, 10 per minute — about 20 s'],
    ['zh-CN', '等待中：HiDream 视频限额，每分钟 10 个——约 40 秒', '等待中：HiDream 视频限额，每分钟 10 个——约 20 秒'],
  ] as const)('per-minute limit (%s)', async (language, first, later) => {
    await setLanguage(language);
    const queued = makeJob({ status: 'queued', progress: 0, waiting: { kind: 'per_minute', vendor: 'hidream', category: 'video', limit: 10, until: T0 + 40_000 } });
    const { api, stop } = await show([queued]);
    expect(rowOf('clip').textContent).toContain(first);
    act(() => useJobs.getState().select(queued.id));
    expect(screen.getByRole('status').textContent).toBe(first);
    const calls = api.calls.length;
    tick(20_000);
    expect(rowOf('clip').textContent).toContain(later);
    expect(screen.getByRole('status').textContent).toBe(later);
    // Counted down here: main was not asked again.
    expect(api.calls.length).toBe(calls);
    tick(21_000);
    expect(screen.getByRole('status').textContent).toContain(language === 'en' ? 'any moment now' : '马上开始');
    stop();
  });

  it('a free slot, jobs ahead in line, a refused key and a job’s own retry each have their words', async () => {
    const jobs = [
      makeJob({ status: 'queued', params: { prompt: 'slot' }, waiting: { kind: 'concurrency', vendor: 'hidream', limit: 1, tier: null, until: null } }),
      makeJob({ status: 'queued', params: { prompt: 'in line' }, waiting: { kind: 'per_minute', vendor: 'hidream', category: 'video', limit: 10, until: T0 + 30_000, ahead: 2 } }),
      makeJob({ status: 'queued', params: { prompt: 'far back' }, waiting: { kind: 'per_minute', vendor: 'hidream', category: 'video', limit: 10, until: null, ahead: AHEAD_COUNTED + 1 } }),
      makeJob({ status: 'queued', params: { prompt: 'key' }, error: { kind: 'auth', message: 'HiDream token expired or invalid' }, attention: 'HiDream token expired or invalid' }),
      makeJob({
        status: 'queued',
        params: { prompt: 'offline' },
        notBefore: T0 + 12_000,
        error: { kind: 'network', message: 'Could not connect to Haiper. The server api.example.com was not found.', net: { reason: 'not_found', host: 'api.example.com' } },
      }),
    ];
    const { stop } = await show(jobs);
    expect(rowOf('slot').textContent).toContain('Waiting for a free HiDream slot (1 at a time)');
    expect(rowOf('in line').textContent).toContain('Waiting: HiDream video limit, 10 per minute — 2 ahead, at least 30 s');
    expect(rowOf('far back').textContent).toContain(`Waiting: HiDream video limit, 10 per minute — more than ${AHEAD_COUNTED} ahead`);
    expect(rowOf('key').textContent).toContain('Paused: the HiDream key was refused — continues when you update it in Settings');
    act(() => useJobs.getState().select(jobs[3]?.id));
    expect(within(screen.getByRole('status')).getByRole('button', { name: 'Open Settings' })).toBeTruthy();
    expect(rowOf('offline').textContent).toContain('Retrying: The server api.example.com was not found. Check the address and your internet connection. — about 12 s');
    stop();
  });
});

describe('progress tells the truth', () => {
  it('shows percent and an estimate, moves while the vendor reports nothing new, and never goes back', async () => {
    const job = makeJob({ status: 'running', progress: 0.13, submittedAt: T0 - 13_000, updatedAt: T0, expectedMs: 120_000, params: { prompt: 'a slow river' } });
    const { api, stop } = await show([job]);
    const bar = (): HTMLElement => within(rowOf('a slow river')).getByRole('progressbar');
    expect(bar().getAttribute('aria-valuenow')).toBe('13');
    // 13 s for 13 %: about 87 s more.
    expect(rowOf('a slow river').textContent).toContain('13 % · about 2 min left');
    expect(bar().dataset['moving']).toBeUndefined();

    tick(STALE_PROGRESS_MS + 1_000);
    expect(bar().dataset['moving']).toBe('true');

    api.emit('jobs.progress', { id: job.id, progress: 0.5, status: 'running' });
    expect(bar().getAttribute('aria-valuenow')).toBe('50');
    expect(bar().dataset['moving']).toBeUndefined();
    api.emit('jobs.progress', { id: job.id, progress: 0.3, status: 'running' });
    expect(bar().getAttribute('aria-valuenow')).toBe('50');
    stop();
  });

  it('before any progress, the estimate comes from the typical duration and the bar moves', async () => {
    const job = makeJob({ status: 'running', progress: 0, submittedAt: T0 - 20_000, expectedMs: 120_000, params: { prompt: 'a new clip' } });
    const { stop } = await show([job]);
    expect(rowOf('a new clip').textContent).toContain('about 2 min left (typical)');
    expect(within(rowOf('a new clip')).getByRole('progressbar').dataset['moving']).toBe('true');
    tick(101_000);
    expect(rowOf('a new clip').textContent).toContain('taking longer than usual');
    stop();
  });

  it('no interval ticks for finished jobs; one shared tick for many running ones, stopped when they finish', async () => {
    const setIntervalSpy = vi.spyOn(globalThis, 'setInterval');
    const finished = [makeJob({ status: 'succeeded', progress: 1, finishedAt: T0 }), makeJob({ status: 'canceled', finishedAt: T0 }), makeJob({ status: 'failed', finishedAt: T0, error: { kind: 'server', message: 'x' } })];
    const { api, stop } = await show(finished);
    const ticking = (): number => setIntervalSpy.mock.calls.filter(([, ms]) => ms === 1000).length;
    expect(ticking()).toBe(0);
    expect(vi.getTimerCount()).toBe(0);

    const running = [makeJob({ status: 'running', params: { prompt: 'one' } }), makeJob({ status: 'running', params: { prompt: 'two' } })];
    for (const job of running) api.emit('jobs.updated', job);
    expect(ticking()).toBe(1);
    for (const job of running) api.emit('jobs.updated', { ...job, status: 'succeeded', progress: 1, finishedAt: Date.now(), updatedAt: job.updatedAt + 1 });
    expect(vi.getTimerCount()).toBe(0);
    const elapsed = rowOf('one').querySelector('.elapsed')?.textContent;
    tick(5_000);
    expect(rowOf('one').querySelector('.elapsed')?.textContent).toBe(elapsed);
    stop();
  });
});

describe('retries, discards and housekeeping', () => {
  it('a retry is marked and linked to its original, which says it was retried instead of showing its failure again', async () => {
    const first = makeJob({ status: 'failed', params: { prompt: 'a red kite' }, error: { kind: 'server', message: 'boom' }, finishedAt: T0 });
    const retry = makeJob({ status: 'running', params: { prompt: 'a red kite' }, retryOf: first.id });
    const { stop } = await show([retry, { ...first, retriedBy: retry.id }]);
    const [newer, older] = screen.getAllByRole('listitem');
    expect(within(newer as HTMLElement).getByTitle('Retry of an earlier job').textContent).toBe('Retry');
    expect(older?.textContent).toContain('Retried as a new job');
    expect(older?.querySelector('.row-error')).toBeNull();

    act(() => useJobs.getState().select(retry.id));
    await userEvent.click(screen.getByRole('button', { name: 'Show the original' }));
    expect(useJobs.getState().selectedId).toBe(first.id);
    await userEvent.click(screen.getByRole('button', { name: 'Show the retry' }));
    expect(useJobs.getState().selectedId).toBe(retry.id);
    stop();
  });

  it.each([
    ['en', 'Discarded'],
    ['zh-CN', '已放弃'],
  ] as const)('a discarded job is neither a red failure nor offered a Retry (%s)', async (language, word) => {
    await setLanguage(language);
    const job = makeJob({ status: 'canceled', discarded: true, finishedAt: T0, error: { kind: 'canceled', message: 'Promptreel stopped while sending this job.' } });
    const { stop } = await show([job]);
    expect(within(rowOf('clip')).getByText(word).className).toContain('status-discarded');
    expect(rowOf('clip').querySelector('.row-error')).toBeNull();
    act(() => useJobs.getState().select(job.id));
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.queryByRole('button', { name: language === 'en' ? 'Retry' : '重试' })).toBeNull();
    stop();
  });

  it('deletes one finished job, clears the rest, and drops jobs another window deleted', async () => {
    const done = makeJob({ status: 'succeeded', progress: 1, finishedAt: T0, params: { prompt: 'done one' } });
    const failed = makeJob({ status: 'failed', finishedAt: T0, params: { prompt: 'failed one' }, error: { kind: 'server', message: 'x' } });
    const running = makeJob({ status: 'running', params: { prompt: 'still going' } });
    const other = makeJob({ status: 'succeeded', progress: 1, finishedAt: T0, params: { prompt: 'elsewhere' } });
    const { api, stop } = await show([other, running, failed, done], {
      'jobs.delete': ({ id }: { id: string }) => ({ ids: [id] }),
      'jobs.clearFinished': () => ({ ids: [failed.id] }),
    });
    act(() => useJobs.getState().select(done.id));
    await userEvent.click(screen.getByRole('button', { name: 'Delete from list' }));
    expect(api.calls.find((c) => c.name === 'jobs.delete')?.input).toEqual({ id: done.id });
    expect(screen.queryAllByRole('listitem').some((r) => r.textContent.includes('done one'))).toBe(false);
    expect(useJobs.getState().selectedId).toBeUndefined();

    await userEvent.click(screen.getByRole('button', { name: 'Clear finished' }));
    expect(api.calls.some((c) => c.name === 'jobs.clearFinished')).toBe(true);
    expect(screen.queryAllByRole('listitem').some((r) => r.textContent.includes('failed one'))).toBe(false);

    api.emit('jobs.removed', { ids: [other.id] });
    expect(screen.getAllByRole('listitem').map((r) => r.textContent.includes('still going'))).toEqual([true]);
    stop();
  });

  it('searches prompts and filters by operation and status', async () => {
    const jobs = [
      makeJob({ params: { prompt: 'A red fox at dusk' } }),
      makeJob({ operation: 'haiper.generate', vendor: 'haiper', params: { prompt: 'a red kite' } }),
      makeJob({ status: 'canceled', finishedAt: T0, params: { prompt: 'blue sea' } }),
    ];
    const { stop } = await show(jobs);
    const titles = (): string[] => screen.queryAllByRole('listitem').map((r) => r.querySelector('.job-title')?.textContent ?? '');
    await userEvent.type(screen.getByRole('searchbox', { name: 'Search prompts' }), 'RED');
    expect(titles().sort()).toEqual(['A red fox at dusk', 'a red kite']);
    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'Operation' }), 'haiper.generate');
    expect(titles()).toEqual(['a red kite']);
    await userEvent.clear(screen.getByRole('searchbox', { name: 'Search prompts' }));
    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'Operation' }), '');
    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'Show' }), 'stopped');
    expect(titles()).toEqual(['blue sea']);
    stop();
  });
});

describe('a failed connection in the user’s language', () => {
  it.each([
    ['en', 'The server api.example.com was not found. Check the address and your internet connection.'],
    ['zh-CN', '找不到服务器 api.example.com。请检查地址和网络连接。'],
  ] as const)('%s', async (language, words) => {
    await setLanguage(language);
    const job = makeJob({
      status: 'failed',
      finishedAt: T0,
      error: { kind: 'network', message: 'HiDream could not be reached after 10 attempts: Could not connect to HiDream. The server api.example.com was not found.', net: { reason: 'not_found', host: 'api.example.com' } },
    });
    const { stop } = await show([job]);
    expect(rowOf('clip').textContent).toContain(words);
    act(() => useJobs.getState().select(job.id));
    expect(screen.getByRole('alert').textContent).toContain(words);
    stop();
  });
});
