// @vitest-environment jsdom
import { act, cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Download } from '@shared/downloads';
import type { Envelope } from '@shared/ipc';
import type { DownloadHostCapabilities } from '@shared/ipc/downloads';
import { DownloadsPanel } from '@renderer/features/downloads/DownloadsPanel';
import { DOWNLOADS_NAMESPACE, locales } from '@renderer/features/downloads/locales';
import { jobsLocales } from '@renderer/features/jobs/locales';
import { initialDownloadsData, useDownloadsStore } from '@renderer/features/downloads/store';

beforeAll(async () => {
  // The UI helper owns the app's i18next setup; this is the minimum the panel needs in a test.
  await i18next.use(initReactI18next).init({
    lng: 'en',
    fallbackLng: 'en',
    resources: {
      en: { [DOWNLOADS_NAMESPACE]: locales.en, jobs: jobsLocales.en },
      'zh-CN': { [DOWNLOADS_NAMESPACE]: locales['zh-CN'], jobs: jobsLocales['zh-CN'] },
    },
    interpolation: { escapeValue: false },
  });
});

function record(overrides: Partial<Download>): Download {
  return {
    id: 'd1',
    outputId: null,
    jobId: null,
    url: 'https://cdn.example/results/abc?sig=1',
    status: 'active',
    path: '/library/2024-05-06_hidream-txt2video_a-cat_1.part',
    bytesTotal: 30_000_000,
    bytesDone: 3_000_000,
    sha256: null,
    contentType: 'video/mp4',
    expiresAt: null,
    error: null,
    createdAt: 1,
    updatedAt: 1,
    finishedAt: null,
    ...overrides,
  };
}

interface FakeMain {
  calls: { name: string; input: unknown }[];
  emit(name: string, payload: unknown): void;
  failNext(message: string): void;
}

/** Main as the panel sees it: `window.api` with a few downloads behind it. */
function fakeMain(initial: Download[], host: DownloadHostCapabilities = { reveal: true, open: true, drag: true }): FakeMain {
  const records = new Map(initial.map((d) => [d.id, d]));
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const calls: { name: string; input: unknown }[] = [];
  let failure: string | undefined;
  const change = (id: string, patch: Partial<Download>): Download => {
    const current = records.get(id);
    if (!current) throw new Error(`no ${id}`);
    const next = { ...current, ...patch, updatedAt: current.updatedAt + 1 };
    records.set(id, next);
    return next;
  };
  const answer = (name: string, input: { id?: string; url?: string }): unknown => {
    const id = input.id ?? '';
    switch (name) {
      case 'downloads.list':
        return { downloads: [...records.values()], total: records.size, host };
      case 'downloads.pause':
        return change(id, { status: 'paused' });
      case 'downloads.resume':
      case 'downloads.retry':
        return change(id, { status: 'queued', error: null });
      case 'downloads.cancel':
        return change(id, { status: 'canceled' });
      case 'downloads.enqueueUrl': {
        const created = record({ id: 'new', url: input.url ?? '', status: 'queued', path: '/library/clip.part', bytesDone: 0, bytesTotal: null, createdAt: 99, updatedAt: 99 });
        records.set(created.id, created);
        return created;
      }
      case 'downloads.pauseAll':
      case 'downloads.resumeAll':
        return { count: 0 };
      default:
        return { ok: true };
    }
  };
  const api = {
    invoke: (name: string, input: unknown): Promise<Envelope<unknown>> => {
      calls.push({ name, input });
      if (failure) {
        const message = failure;
        failure = undefined;
        return Promise.resolve({ ok: false, error: { kind: 'forbidden', message } });
      }
      return Promise.resolve({ ok: true, value: answer(name, input as { id?: string; url?: string }) });
    },
    on: (name: string, listener: (payload: unknown) => void) => {
      const set = listeners.get(name) ?? new Set();
      set.add(listener);
      listeners.set(name, set);
      return () => set.delete(listener);
    },
  };
  Object.defineProperty(window, 'api', { value: api, configurable: true });
  return {
    calls,
    emit: (name, payload) => {
      act(() => {
        for (const listener of listeners.get(name) ?? []) listener(payload);
      });
    },
    failNext: (message) => (failure = message),
  };
}

beforeEach(() => {
  useDownloadsStore.setState(initialDownloadsData);
});
afterEach(async () => {
  cleanup();
  await i18next.changeLanguage('en');
});

const row = (name: string): HTMLElement => screen.getByRole('listitem', { name });

describe('DownloadsPanel', () => {
  it('lists downloads with their status and shows live progress from events, without polling', async () => {
    const main = fakeMain([
      record({ id: 'a', createdAt: 3 }),
      record({ id: 'b', status: 'completed', path: '/library/done.mp4', bytesDone: 5_000_000, bytesTotal: 5_000_000, createdAt: 2 }),
      record({ id: 'c', status: 'expired', path: '/library/old.part', error: { kind: 'expired', message: 'The link expired (HTTP 403).' }, createdAt: 1 }),
    ]);
    render(<DownloadsPanel />);
    const active = await screen.findByRole('listitem', { name: '2024-05-06_hidream-txt2video_a-cat_1' });
    expect(within(active).getByText('Downloading')).toBeTruthy();
    expect(within(row('done.mp4')).getByText('Done')).toBeTruthy();
    expect(within(row('old')).getByText('Link expired')).toBeTruthy();
    expect(within(row('old')).getByText('The link expired (HTTP 403).')).toBeTruthy();
    expect(screen.getAllByRole('listitem').map((li) => li.getAttribute('aria-label'))).toEqual(['2024-05-06_hidream-txt2video_a-cat_1', 'done.mp4', 'old']);

    // Sizes count in binary units, as every limit the app states does (src/shared/format.ts).
    const MiB = 1024 * 1024;
    main.emit('downloads.progress', { id: 'a', bytesDone: 12 * MiB, bytesTotal: 30 * MiB, speedBps: 4 * MiB, etaSeconds: 5 });
    const bar = within(active).getByRole('progressbar', { name: 'Progress' });
    expect(bar.getAttribute('value')).toBe(String(12 * MiB));
    expect(within(active).getByText('12 MB of 30 MB · 4 MB/s · 0:05 left')).toBeTruthy();
    expect(main.calls.map((c) => c.name)).toEqual(['downloads.list']);
  });

  it('pauses, resumes, cancels and retries one item', async () => {
    const main = fakeMain([record({ id: 'a' }), record({ id: 'f', status: 'failed', path: '/library/broken.part', error: { kind: 'server', message: 'HTTP 502' }, createdAt: 0 })]);
    const user = userEvent.setup();
    render(<DownloadsPanel />);
    const active = await screen.findByRole('listitem', { name: '2024-05-06_hidream-txt2video_a-cat_1' });
    await user.click(within(active).getByRole('button', { name: 'Pause' }));
    expect(within(active).getByText('Paused')).toBeTruthy();
    await user.click(within(active).getByRole('button', { name: 'Resume' }));
    expect(within(active).getByText('Queued')).toBeTruthy();
    await user.click(within(active).getByRole('button', { name: 'Cancel' }));
    expect(within(active).getByText('Canceled')).toBeTruthy();
    await user.click(within(row('broken')).getByRole('button', { name: 'Retry' }));
    expect(main.calls.filter((c) => c.name !== 'downloads.list')).toEqual([
      { name: 'downloads.pause', input: { id: 'a' } },
      { name: 'downloads.resume', input: { id: 'a' } },
      { name: 'downloads.cancel', input: { id: 'a' } },
      { name: 'downloads.retry', input: { id: 'f' } },
    ]);
  });

  it('pauses and resumes everything from the toolbar', async () => {
    const main = fakeMain([record({})]);
    const user = userEvent.setup();
    render(<DownloadsPanel />);
    const toolbar = await screen.findByRole('toolbar', { name: 'Download queue' });
    await user.click(within(toolbar).getByRole('button', { name: 'Pause all' }));
    await user.click(within(toolbar).getByRole('button', { name: 'Resume all' }));
    expect(main.calls.map((c) => c.name)).toEqual(['downloads.list', 'downloads.pauseAll', 'downloads.resumeAll']);
  });

  it('opens, reveals and drags out a finished file in the desktop app', async () => {
    const main = fakeMain([record({ id: 'b', status: 'completed', path: '/library/done.mp4' })]);
    const user = userEvent.setup();
    render(<DownloadsPanel />);
    const done = await screen.findByRole('listitem', { name: 'done.mp4' });
    await user.click(within(done).getByRole('button', { name: 'Open' }));
    await user.click(within(done).getByRole('button', { name: 'Show in folder' }));
    expect(done.getAttribute('draggable')).toBe('true');
    const drag = new Event('dragstart', { bubbles: true, cancelable: true });
    act(() => {
      done.dispatchEvent(drag);
    });
    expect(drag.defaultPrevented).toBe(true);
    await screen.findByRole('listitem', { name: 'done.mp4' });
    expect(main.calls.filter((c) => c.name !== 'downloads.list')).toEqual([
      { name: 'downloads.open', input: { id: 'b' } },
      { name: 'downloads.reveal', input: { id: 'b' } },
      { name: 'downloads.startDrag', input: { id: 'b' } },
    ]);
  });

  it('disables host actions where the host has none (the browser shell)', async () => {
    fakeMain([record({ id: 'b', status: 'completed', path: '/library/done.mp4' })], { reveal: false, open: false, drag: false });
    render(<DownloadsPanel />);
    const done = await screen.findByRole('listitem', { name: 'done.mp4' });
    expect(within(done).getByRole<HTMLButtonElement>('button', { name: 'Open' }).disabled).toBe(true);
    expect(within(done).getByRole<HTMLButtonElement>('button', { name: 'Show in folder' }).disabled).toBe(true);
    expect(done.getAttribute('draggable')).toBe('false');
  });

  it('downloads a pasted link and shows a new download announced by main', async () => {
    const main = fakeMain([]);
    const user = userEvent.setup();
    render(<DownloadsPanel />);
    expect(await screen.findByText(/Nothing downloaded yet/)).toBeTruthy();
    await user.type(screen.getByRole('textbox', { name: 'Link to download' }), 'https://cdn.example/clip.mp4');
    await user.click(screen.getByRole('button', { name: 'Download' }));
    expect(main.calls.at(-1)).toEqual({ name: 'downloads.enqueueUrl', input: { url: 'https://cdn.example/clip.mp4' } });
    expect(await screen.findByRole('listitem', { name: 'clip' })).toBeTruthy();
    expect(screen.getByRole<HTMLInputElement>('textbox', { name: 'Link to download' }).value).toBe('');

    main.emit('downloads.updated', record({ id: 'job-result', path: '/library/from-a-job.part', createdAt: 200, updatedAt: 200 }));
    expect(screen.getAllByRole('listitem').map((li) => li.getAttribute('aria-label'))).toEqual(['from-a-job', 'clip']);
  });

  it('shows why an action failed', async () => {
    const main = fakeMain([record({ id: 'b', status: 'completed', path: '/library/done.mp4' })]);
    const user = userEvent.setup();
    render(<DownloadsPanel />);
    const done = await screen.findByRole('listitem', { name: 'done.mp4' });
    main.failNext('The file is no longer at /library/done.mp4.');
    await user.click(within(done).getByRole('button', { name: 'Open' }));
    expect((await screen.findByRole('alert')).textContent).toBe('The file is no longer at /library/done.mp4.');
  });

  it('speaks Chinese when the app does', async () => {
    fakeMain([record({})]);
    await i18next.changeLanguage('zh-CN');
    render(<DownloadsPanel />);
    const active = await screen.findByRole('listitem', { name: '2024-05-06_hidream-txt2video_a-cat_1' });
    expect(within(active).getByText('下载中')).toBeTruthy();
    expect(within(active).getByRole('button', { name: '暂停' })).toBeTruthy();
    expect(screen.getByRole('toolbar', { name: '下载队列' })).toBeTruthy();
  });

  it('words a failed download in Chinese, with main\'s specific sentence as the detail', async () => {
    await i18next.changeLanguage('zh-CN');
    const message = 'The server example.com was not found. Check the address and your internet connection. Gave up after 5 attempts.';
    fakeMain([record({ id: 'f', status: 'failed', path: '/library/broken.part', error: { kind: 'network', message }, createdAt: 0 })]);
    render(<DownloadsPanel />);
    const failed = await screen.findByRole('listitem', { name: 'broken' });
    expect(within(failed).getByText('网络出错，下载未完成。')).toBeTruthy();
    expect(within(failed).getByText(message).getAttribute('lang')).toBe('en');
  });

  it('words a connection that failed for a known reason in Chinese too, naming the host', async () => {
    await i18next.changeLanguage('zh-CN');
    const message = '127.0.0.1:9 refused the connection. The service may be down, or the address or port is wrong. Gave up after 4 attempts.';
    const error = { kind: 'network' as const, message, net: { reason: 'refused' as const, host: '127.0.0.1:9' } };
    fakeMain([record({ id: 'f', status: 'failed', path: '/library/broken.part', error, createdAt: 0 })]);
    render(<DownloadsPanel />);
    const failed = await screen.findByRole('listitem', { name: 'broken' });
    const detail = within(failed).getByText('127.0.0.1:9 拒绝了连接。服务可能已停止，或地址、端口有误。');
    expect(detail.getAttribute('lang')).toBeNull();
    expect(within(failed).queryByText(message)).toBeNull();
  });
});
