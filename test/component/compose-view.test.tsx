// @vitest-environment jsdom
import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Job } from '@shared/jobs';
import { OPERATIONS } from '@shared/catalog';
import { useNavigation } from '@renderer/lib/navigation';
import { notifySettled } from '@renderer/app/notifications';
import { useToasts } from '@renderer/lib/toasts';
import { ComposeView } from '@renderer/features/compose/ComposeView';
import { useCompose } from '@renderer/features/compose/store';
import { startJobsSync, useJobs } from '@renderer/features/jobs/store';
import { installApi, makeJob, makeOutput } from './harness';

/** The head of an MP4 (`ftyp` box) and some payload, several staging frames long. */
function mp4(bytes: number): File {
  const data = new Uint8Array(bytes);
  data.set([0, 0, 0, 0x20, ...new TextEncoder().encode('ftypisom')]);
  return new File([data], 'clip.mp4', { type: 'video/mp4' });
}

beforeEach(() => {
  useJobs.setState({ jobs: new Map(), ids: [], status: 'idle', error: undefined, selectedId: undefined });
  useCompose.setState({ operation: 'hidream.txt2video', drafts: {}, revision: 0 });
  useNavigation.setState({ section: 'compose' });
  useToasts.setState({ toasts: [] });
});

describe('compose', () => {
  it('lists the six operations as tabs and keeps each one’s draft', async () => {
    installApi();
    render(<ComposeView />);
    const tabs = within(screen.getByRole('tablist', { name: 'Operation' })).getAllByRole('tab');
    // Short labels under each vendor's name; the full title is the tab's accessible name.
    expect(tabs.map((tab) => tab.textContent)).toEqual(Object.values(OPERATIONS).map((spec) => spec.tabTitle.en));
    expect(tabs.map((tab) => tab.getAttribute('aria-label'))).toEqual(Object.values(OPERATIONS).map((spec) => spec.title.en));
    await userEvent.type(screen.getByLabelText('Prompt'), 'a kite');
    await userEvent.click(screen.getByRole('tab', { name: 'Haiper · Generate video' }));
    expect(screen.getByRole('form', { name: 'Haiper · Generate video' })).toBeTruthy();
    await userEvent.click(screen.getByRole('tab', { name: 'HiDream · Text to video' }));
    expect(screen.getByLabelText<HTMLTextAreaElement>('Prompt').value).toBe('a kite');
  });

  it('submits through jobs.submit and stays in the studio, the job on top and the prompt focused', async () => {
    const api = installApi({
      'jobs.submit': ({ operation, params }: { operation: Job['operation']; params: Job['params'] }) => makeJob({ id: 'new-job', operation, params, status: 'queued' }),
    });
    render(<ComposeView />);
    await userEvent.type(screen.getByLabelText('Prompt'), 'a lighthouse');
    await waitFor(() => expect(screen.getByRole('button', { name: 'Submit' }).hasAttribute('disabled')).toBe(false));
    await userEvent.click(screen.getByRole('button', { name: 'Submit' }));
    await waitFor(() => expect(useJobs.getState().ids[0]).toBe('new-job'));
    expect(api.calls.find((c) => c.name === 'jobs.submit')?.input).toMatchObject({ operation: 'hidream.txt2video', params: { prompt: 'a lighthouse', motion_strength: 9 } });
    expect(useNavigation.getState().section).toBe('compose');
    await waitFor(() => expect(document.activeElement).toBe(screen.getByLabelText('Prompt')));
    expect(useToasts.getState().toasts.map((t) => t.text)).toEqual(['Job queued: a lighthouse']);
  });

  it('stages a chosen video in bounded frames when the host cannot name its path, and submits the staged path', async () => {
    const frames: { offset: number; bytes: number }[] = [];
    const api = installApi({
      'files.stage': () => ({ uploadId: 'u1', chunkBytes: 1024 }),
      'files.stageChunk': ({ offset, data }: { offset: number; data: string }) => {
        frames.push({ offset, bytes: atob(data).length });
        return { received: offset + atob(data).length };
      },
      'files.stageCommit': () => ({ path: '/data/staging/u1.mp4', size: 2500, mime: 'video/mp4' }),
      'jobs.submit': ({ operation, params }: { operation: Job['operation']; params: Job['params'] }) => makeJob({ operation, params, status: 'queued' }),
    });
    useCompose.setState({ operation: 'hidream.video_stylize' });
    render(<ComposeView />);
    await userEvent.upload(screen.getByLabelText('Choose file…'), mp4(2500));
    expect(await screen.findByText('clip.mp4')).toBeTruthy();
    await userEvent.click(within(screen.getByRole('group', { name: 'Style' })).getByRole('radio', { name: /Anime/ }));
    await waitFor(() => expect(screen.getByRole('button', { name: 'Submit' }).hasAttribute('disabled')).toBe(false));
    await userEvent.click(screen.getByRole('button', { name: 'Submit' }));
    await waitFor(() => expect(api.calls.some((c) => c.name === 'jobs.submit')).toBe(true));
    expect(frames).toEqual([
      { offset: 0, bytes: 1024 },
      { offset: 1024, bytes: 1024 },
      { offset: 2048, bytes: 452 },
    ]);
    expect(api.calls.find((c) => c.name === 'files.stage')?.input).toEqual({ name: 'clip.mp4', size: 2500 });
    expect(api.calls.find((c) => c.name === 'jobs.submit')?.input).toEqual({
      operation: 'hidream.video_stylize',
      params: { style: 'anime' },
      file: '/data/staging/u1.mp4',
    });
  });

  it('refuses a chosen file that is not a video, under the field', async () => {
    installApi();
    useCompose.setState({ operation: 'hidream.video_stylize' });
    render(<ComposeView />);
    await userEvent.upload(screen.getByLabelText('Choose file…'), new File(['plain text'], 'notes.mov'), { applyAccept: false });
    expect((await screen.findByRole('alert')).textContent).toBe('“notes.mov” is not a video. Drop an MP4, MOV, WebM, MKV or AVI file.');
  });

  it('fills a URL source from a recent result with a still-valid link', async () => {
    installApi();
    const clip = makeJob({
      operation: 'haiper.generate',
      vendor: 'haiper',
      status: 'succeeded',
      params: { prompt: 'fog over hills' },
      outputs: [makeOutput({ url: 'https://cdn.example/fog.mp4' })],
    });
    const expired = makeJob({
      operation: 'haiper.generate',
      vendor: 'haiper',
      status: 'succeeded',
      params: { prompt: 'old clip' },
      outputs: [makeOutput({ url: 'https://cdn.example/old.mp4', expiresAt: 1 })],
    });
    useJobs.getState().merge([clip, expired]);
    useCompose.setState({ operation: 'haiper.upscale' });
    render(<ComposeView />);
    await userEvent.click(screen.getByRole('button', { name: 'From library…' }));
    const picker = await screen.findByRole('dialog', { name: 'Use a recent result' });
    expect(within(picker).queryByText('old clip')).toBeNull();
    await userEvent.click(within(picker).getByRole('button', { name: 'Use: fog over hills' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(screen.getByLabelText<HTMLInputElement>('Source video').value).toBe('https://cdn.example/fog.mp4');
  });

  it('offers library items with working links first, and a picked item becomes the job’s parent', async () => {
    const sessionClip = makeJob({
      operation: 'haiper.generate',
      vendor: 'haiper',
      status: 'succeeded',
      params: { prompt: 'fog over hills' },
      outputs: [makeOutput({ url: 'https://cdn.example/fog.mp4' })],
    });
    useJobs.getState().merge([sessionClip]);
    const api = installApi({
      'library.linkable': () => [
        { id: '41', title: 'harbour at dawn', kind: 'video', url: 'https://cdn.example/harbour.mp4', expiresAt: null, posterUrl: null },
        // The session's result is in the library too: listed once, as the library item.
        { id: '40', title: '2026-11-21_fog', kind: 'video', url: 'https://cdn.example/fog.mp4', expiresAt: null, posterUrl: null },
      ],
      'jobs.submit': ({ operation, params }: { operation: Job['operation']; params: Job['params'] }) => makeJob({ operation, params, status: 'queued' }),
    });
    useCompose.setState({ operation: 'haiper.upscale' });
    render(<ComposeView />);
    await userEvent.click(screen.getByRole('button', { name: 'From library…' }));
    const picker = await screen.findByRole('dialog', { name: 'Use a recent result' });
    await within(picker).findByText('harbour at dawn');
    expect(within(picker).getAllByRole('button', { name: /^Use: / }).map((b) => b.getAttribute('aria-label'))).toEqual(['Use: harbour at dawn', 'Use: 2026-11-21_fog']);
    expect(api.calls.find((c) => c.name === 'library.linkable')?.input).toEqual({ kind: 'video', limit: 50 });
    await userEvent.click(within(picker).getByRole('button', { name: 'Use: harbour at dawn' }));
    expect(screen.getByLabelText<HTMLInputElement>('Source video').value).toBe('https://cdn.example/harbour.mp4');

    await userEvent.click(screen.getByRole('button', { name: 'Submit' }));
    await waitFor(() => expect(api.calls.find((c) => c.name === 'jobs.submit')?.input).toMatchObject({ parentItemId: '41', params: { config: { sourceVideo: 'https://cdn.example/harbour.mp4' } } }));
  });

  it('drops the lineage when the picked link is replaced by a typed one', async () => {
    const api = installApi({
      'library.linkable': () => [{ id: '41', title: 'harbour at dawn', kind: 'video', url: 'https://cdn.example/harbour.mp4', expiresAt: null, posterUrl: null }],
      'jobs.submit': ({ operation, params }: { operation: Job['operation']; params: Job['params'] }) => makeJob({ operation, params, status: 'queued' }),
    });
    useCompose.setState({ operation: 'haiper.upscale' });
    render(<ComposeView />);
    await userEvent.click(screen.getByRole('button', { name: 'From library…' }));
    await userEvent.click(await screen.findByRole('button', { name: 'Use: harbour at dawn' }));
    const source = screen.getByLabelText<HTMLInputElement>('Source video');
    await userEvent.clear(source);
    await userEvent.type(source, 'https://elsewhere.example/clip.mp4');
    await userEvent.click(screen.getByRole('button', { name: 'Submit' }));
    await waitFor(() => expect(api.calls.some((c) => c.name === 'jobs.submit')).toBe(true));
    expect(api.calls.find((c) => c.name === 'jobs.submit')?.input).not.toHaveProperty('parentItemId');
  });
});

describe('desktop notifications', () => {
  it('ask main to notify when a job this window saw running finishes in the background', async () => {
    const running = makeJob({ status: 'running', params: { prompt: 'night market' } });
    const api = installApi({
      'jobs.list': () => ({ jobs: [running], total: 1 }),
      'app.notify': () => ({ shown: true }),
    });
    const focus = vi.spyOn(document, 'hasFocus');
    const stop = startJobsSync({ onSettled: notifySettled });
    await waitFor(() => expect(useJobs.getState().status).toBe('ready'));

    focus.mockReturnValue(true);
    api.emit('jobs.updated', { ...running, status: 'succeeded', updatedAt: running.updatedAt + 1 });
    focus.mockReturnValue(false);
    const other = makeJob({ status: 'running', params: { prompt: 'rainy street' } });
    api.emit('jobs.updated', other);
    api.emit('jobs.updated', { ...other, status: 'failed', updatedAt: other.updatedAt + 1, error: { kind: 'network', message: 'x' } });
    await act(() => Promise.resolve());
    expect(api.calls.filter((c) => c.name === 'app.notify').map((c) => c.input)).toEqual([{ title: 'Job failed', body: 'rainy street', jobId: other.id }]);
    focus.mockRestore();
    stop();
  });
});
