// @vitest-environment jsdom
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Job } from '@shared/jobs';
import { followNotificationClicks, notifySettled } from '@renderer/app/notifications';
import { Toasts } from '@renderer/app/Toasts';
import { startJobsSync, useJobs } from '@renderer/features/jobs/store';
import { NotificationsSection } from '@renderer/features/settings/NotificationsSection';
import { useNavigation } from '@renderer/lib/navigation';
import { useToasts } from '@renderer/lib/toasts';
import { installApi, makeJob, setLanguage, type FakeApi } from './harness';

/** The page's Notification API as a browser offers it, recording what the app shows. */
class FakeNotification {
  static permission: NotificationPermission = 'granted';
  static shown: FakeNotification[] = [];
  static requestPermission = vi.fn(() => {
    FakeNotification.permission = 'granted';
    return Promise.resolve<NotificationPermission>('granted');
  });
  onclick: (() => void) | null = null;
  closed = false;
  constructor(
    readonly title: string,
    readonly options: NotificationOptions,
  ) {
    FakeNotification.shown.push(this);
  }
  close(): void {
    this.closed = true;
  }
}

let api: FakeApi;
let stop: () => void;
let focused = true;

function start(shown: boolean): void {
  api = installApi({ 'jobs.list': () => ({ jobs: [], total: 0 }), 'app.notify': () => ({ shown }) });
  const stopJobs = startJobsSync({ onSettled: notifySettled });
  const stopClicks = followNotificationClicks();
  stop = () => {
    stopJobs();
    stopClicks();
  };
}

/** A job seen running, then settling, as main reports it by `jobs.updated`. */
function settle(job: Job, status: Job['status']): void {
  api.emit('jobs.updated', job);
  api.emit('jobs.updated', { ...job, status, progress: 1, finishedAt: job.createdAt + 60_000 });
}

const flush = (): Promise<void> => act(async () => new Promise((resolve) => setTimeout(resolve, 0)));

beforeEach(() => {
  focused = true;
  vi.spyOn(document, 'hasFocus').mockImplementation(() => focused);
  vi.stubGlobal('Notification', FakeNotification);
  FakeNotification.permission = 'granted';
  FakeNotification.shown = [];
  useToasts.setState({ toasts: [] });
  useJobs.setState({ selectedId: undefined });
  useNavigation.setState({ section: 'library' });
});

afterEach(() => {
  stop();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe('a job that settles while the user looks elsewhere', () => {
  it('shows a toast in Library; one click opens the job in Jobs', () => {
    start(false);
    useNavigation.setState({ section: 'library' });
    render(<Toasts />);
    const job = makeJob({ params: { prompt: 'a fox in the snow' } });
    settle(job, 'succeeded');
    const toast = screen.getByText(/^Job finished: /).closest('.toast') as HTMLElement;
    expect(toast.className).toContain('toast-success');
    expect(toast.textContent).toContain('a fox in the snow');
    fireEvent.click(within(toast).getByRole('button', { name: 'Open' }));
    expect(useNavigation.getState().section).toBe('jobs');
    expect(useJobs.getState().selectedId).toBe(job.id);
    expect(screen.queryByText(/^Job finished: /)).toBeNull();
  });

  it('says a failure as a failure, in Chinese too', async () => {
    start(false);
    useNavigation.setState({ section: 'settings' });
    await setLanguage('zh-CN');
    render(<Toasts />);
    settle(makeJob(), 'failed');
    const toast = screen.getByText(/^任务失败: /).closest('.toast') as HTMLElement;
    expect(toast.className).toContain('toast-error');
    expect(within(toast).getByRole('button', { name: '打开' })).toBeTruthy();
    await setLanguage('en');
  });

  it('stays quiet in the studio, whose feed shows the job settle', async () => {
    start(false);
    useNavigation.setState({ section: 'compose' });
    render(<Toasts />);
    settle(makeJob(), 'succeeded');
    await flush();
    expect(useToasts.getState().toasts).toEqual([]);
  });

  it('stays quiet while the user watches the Jobs section in a focused window', async () => {
    start(false);
    useNavigation.setState({ section: 'jobs' });
    render(<Toasts />);
    settle(makeJob(), 'succeeded');
    await flush();
    expect(useToasts.getState().toasts).toEqual([]);
    expect(api.calls.filter((c) => c.name === 'app.notify')).toEqual([]);
  });

  it('goes away by itself after a while', () => {
    vi.useFakeTimers();
    start(false);
    render(<Toasts />);
    settle(makeJob(), 'succeeded');
    expect(screen.getByText(/^Job finished: /)).toBeTruthy();
    act(() => {
      vi.advanceTimersByTime(5_000);
    });
    expect(screen.queryByText(/^Job finished: /)).toBeNull();
  });
});

describe('a job that settles while the window is in the background', () => {
  it('asks the host for a system notification about that job; a click on it opens the job', () => {
    start(true);
    focused = false;
    const job = makeJob({ params: { prompt: 'waves at night' } });
    settle(job, 'succeeded');
    expect(api.calls.filter((c) => c.name === 'app.notify').map((c) => c.input)).toEqual([{ title: 'Job finished', body: expect.stringContaining('waves at night') as unknown, jobId: job.id }]);
    // The desktop host showed it; the page's own API is not used as well.
    expect(FakeNotification.shown).toEqual([]);
    api.emit('app.notificationClicked', { jobId: job.id });
    expect(useNavigation.getState().section).toBe('jobs');
    expect(useJobs.getState().selectedId).toBe(job.id);
  });

  it('in the browser shell uses the page\'s Notification API, and a click opens the job', async () => {
    start(false);
    focused = false;
    const focus = vi.spyOn(window, 'focus').mockImplementation(() => undefined);
    const job = makeJob();
    settle(job, 'failed');
    await flush();
    expect(FakeNotification.shown.map((n) => n.title)).toEqual(['Job failed']);
    FakeNotification.shown[0]?.onclick?.();
    expect(focus).toHaveBeenCalled();
    expect(useJobs.getState().selectedId).toBe(job.id);
    expect(useNavigation.getState().section).toBe('jobs');
  });

  it('shows nothing from the page without the user\'s permission', async () => {
    start(false);
    focused = false;
    FakeNotification.permission = 'default';
    settle(makeJob(), 'succeeded');
    await flush();
    expect(FakeNotification.shown).toEqual([]);
  });
});

describe('Settings: notifications in the browser shell', () => {
  it('asks for the permission only when the user presses the button', async () => {
    start(false);
    FakeNotification.permission = 'default';
    FakeNotification.requestPermission.mockClear();
    render(<NotificationsSection />);
    expect(FakeNotification.requestPermission).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole('button', { name: 'Allow notifications' }));
    expect(FakeNotification.requestPermission).toHaveBeenCalledTimes(1);
    expect((await screen.findByRole('status')).textContent).toMatch(/^Notifications are on/);
  });

  it('says how to undo a refusal', () => {
    start(false);
    FakeNotification.permission = 'denied';
    render(<NotificationsSection />);
    expect(screen.queryByRole('button')).toBeNull();
    expect(screen.getByRole('status').textContent).toMatch(/blocks notifications/);
  });
});
