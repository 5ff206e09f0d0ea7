// @vitest-environment jsdom
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Job } from '@shared/jobs';
import { ComposeView } from '@renderer/features/compose/ComposeView';
import { COMPOSE_STORAGE_KEY, HISTORY_LIMIT, useCompose } from '@renderer/features/compose/store';
import { useNavigation } from '@renderer/lib/navigation';
import { installApi, makeJob } from './harness';

const stored = (): { state: Record<string, unknown>; version: number } => JSON.parse(localStorage.getItem(COMPOSE_STORAGE_KEY) ?? 'null') as { state: Record<string, unknown>; version: number };

/** What a reload does: the in-memory state is gone and the store reads localStorage again. */
async function reload(): Promise<void> {
  const saved = localStorage.getItem(COMPOSE_STORAGE_KEY);
  // Setting the state writes it through; the page's storage is what a reload reads, so put it back.
  useCompose.setState({ operation: 'hidream.txt2img', drafts: {}, history: {}, revision: 0 });
  if (saved === null) localStorage.removeItem(COMPOSE_STORAGE_KEY);
  else localStorage.setItem(COMPOSE_STORAGE_KEY, saved);
  await useCompose.persist.rehydrate();
}

beforeEach(async () => {
  localStorage.clear();
  await reload();
  useNavigation.setState({ section: 'compose' });
});

describe('the compose draft', () => {
  it('survives a reload: operation and typed values come back', async () => {
    installApi();
    const first = render(<ComposeView />);
    await userEvent.click(screen.getByRole('tab', { name: 'HiDream · Text to video' }));
    await userEvent.type(screen.getByLabelText('Prompt'), 'a paper boat on a puddle');
    expect(stored().version).toBe(1);
    first.unmount();

    await reload();
    render(<ComposeView />);
    expect(screen.getByRole('tab', { name: 'HiDream · Text to video' }).getAttribute('aria-selected')).toBe('true');
    expect(screen.getByLabelText<HTMLTextAreaElement>('Prompt').value).toBe('a paper boat on a puddle');
  });

  it('never stores a local file, a library item or a link, only what was typed or chosen', () => {
    const file = new File(['x'], 'holiday.mp4', { type: 'video/mp4' });
    useCompose.getState().save('hidream.video_stylize', { values: { video_name: 'https://cdn.example/v.mp4?sig=secret', prompt: 'ink wash' }, source: { kind: 'file', file }, parentItemId: 'item-1' });
    useCompose.getState().save('haiper.upscale', { values: { 'config.sourceVideo': 'https://cdn.example/out.mp4?token=abc' } });
    const text = localStorage.getItem(COMPOSE_STORAGE_KEY) ?? '';
    expect(text).toContain('ink wash');
    for (const leaked of ['holiday.mp4', 'item-1', 'sig=secret', 'token=abc']) expect(text).not.toContain(leaked);
  });

  it('starts empty from a document of another version instead of guessing', async () => {
    localStorage.setItem(COMPOSE_STORAGE_KEY, JSON.stringify({ version: 99, state: { operation: 'haiper.generate', drafts: { 'haiper.generate': { values: { prompt: 'from the future' } } } } }));
    await useCompose.persist.rehydrate();
    expect(useCompose.getState().drafts).toEqual({});
  });
});

describe('prompt history', () => {
  it('keeps submitted prompts per operation, finds them by search and reuses one with a click', async () => {
    installApi({ 'jobs.submit': ({ operation, params }: { operation: Job['operation']; params: Job['params'] }) => makeJob({ operation, params, status: 'queued' }) });
    const user = userEvent.setup();
    const view = render(<ComposeView />);
    await user.click(screen.getByRole('tab', { name: 'HiDream · Text to video' }));
    for (const prompt of ['a lighthouse at dusk', 'a red kite over hills']) {
      useNavigation.setState({ section: 'compose' });
      const field = screen.getByLabelText<HTMLTextAreaElement>('Prompt');
      await user.clear(field);
      await user.type(field, prompt);
      await waitFor(() => expect(screen.getByRole('button', { name: 'Submit' }).hasAttribute('disabled')).toBe(false));
      await user.click(screen.getByRole('button', { name: 'Submit' }));
      await waitFor(() => expect(useCompose.getState().history['hidream.txt2video']?.[0]).toBe(prompt));
    }
    view.unmount();
    await reload();
    render(<ComposeView />);
    await user.click(screen.getByRole('tab', { name: 'HiDream · Text to video' }));
    await user.clear(screen.getByLabelText('Prompt'));
    await user.click(screen.getByRole('button', { name: 'Recent prompts (2)' }));
    const list = screen.getByRole('group', { name: 'Recent prompts' });
    expect(within(list).getAllByRole('button').map((b) => b.textContent)).toEqual(['a red kite over hills', 'a lighthouse at dusk']);
    fireEvent.change(within(list).getByRole('searchbox', { name: 'Search recent prompts' }), { target: { value: 'LIGHT' } });
    await user.click(within(list).getByRole('button', { name: 'a lighthouse at dusk' }));
    expect(screen.getByLabelText<HTMLTextAreaElement>('Prompt').value).toBe('a lighthouse at dusk');
    expect(screen.queryByRole('group', { name: 'Recent prompts' })).toBeNull();
    // Other operations have their own history.
    await user.click(screen.getByRole('tab', { name: 'Haiper · Generate video' }));
    expect(screen.queryByRole('button', { name: /^Recent prompts/ })).toBeNull();
  });

  it('keeps the last 50, newest first, without repeats', () => {
    const { remember } = useCompose.getState();
    for (let i = 0; i < 60; i++) remember('hidream.txt2img', `prompt ${i}`);
    remember('hidream.txt2img', 'prompt 30');
    remember('hidream.txt2img', '   ');
    const history = useCompose.getState().history['hidream.txt2img'] ?? [];
    expect(history).toHaveLength(HISTORY_LIMIT);
    expect(history.slice(0, 3)).toEqual(['prompt 30', 'prompt 59', 'prompt 58']);
    expect(new Set(history).size).toBe(history.length);
  });
});
