// @vitest-environment jsdom
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { LibraryView, libraryLocales } from '@renderer/features/library';
import { useLibraryStore } from '@renderer/features/library/store';
import type { Api } from '@shared/ipc';
import type { LibraryQuery } from '@shared/library';

/** test/support/library-runtime.ts, whose Node imports stay out of the renderer's type program. */
interface LibraryRuntime {
  api: Api;
  trashed: string[];
  importable: string;
  titles(query: LibraryQuery): string[];
  close(): Promise<void>;
}

// jsdom decodes no media, so posters are not captured here.
vi.mock('@renderer/features/library/posters', () => ({ requestPoster: () => undefined }));

let runtime: LibraryRuntime;

beforeAll(async () => {
  // jsdom lays nothing out; give the grid's scroll box a size so the virtualizer renders rows.
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 1000 });
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 800 });
  await i18next.use(initReactI18next).init({ lng: 'en', resources: { en: { library: libraryLocales.en } }, interpolation: { escapeValue: false } });
  // The real runtime (Node code, kept out of the renderer's type program) behind window.api.
  const support = '../support/library-runtime';
  const { startLibraryRuntime } = (await import(/* @vite-ignore */ support)) as { startLibraryRuntime: () => LibraryRuntime };
  runtime = startLibraryRuntime();
  Object.assign(window, { api: runtime.api });
});
afterEach(() => {
  cleanup();
  useLibraryStore.setState({ criteria: { sort: 'newest' }, items: [], selectedId: null, selected: null });
});
afterAll(() => runtime.close());

describe('LibraryView', () => {
  it('lists items, searches them, and narrows by filters', async () => {
    const user = userEvent.setup();
    render(<LibraryView />);
    // The grid is replaced by a message while nothing matches, so it is looked up afresh each time.
    const grid = (): HTMLElement => screen.getByRole('grid', { name: 'Library items' });
    await screen.findByRole('button', { name: /Fox in neon rain/ });
    expect(within(grid()).getByRole('button', { name: /Cat in a teacup/ })).toBeTruthy();
    expect(screen.getByText('2 items')).toBeTruthy();

    await user.type(screen.getByRole('searchbox', { name: 'Search the library' }), 'teacup');
    await waitFor(() => expect(within(grid()).queryByRole('button', { name: /Fox in neon rain/ })).toBeNull(), { timeout: 5_000 });
    expect(within(grid()).getByRole('button', { name: /Cat in a teacup/ })).toBeTruthy();

    await user.clear(screen.getByRole('searchbox', { name: 'Search the library' }));
    await user.selectOptions(screen.getByRole('combobox', { name: 'Kind' }), 'video');
    await waitFor(() => {
      expect(within(grid()).queryByRole('button', { name: /Cat in a teacup/ })).toBeNull();
      expect(within(grid()).getByRole('button', { name: /Fox in neon rain/ })).toBeTruthy();
    }, { timeout: 5_000 });
  });

  it('edits an item, offers remix and chains, and explains an expired URL', async () => {
    const user = userEvent.setup();
    const onRemix = vi.fn();
    const onChain = vi.fn();
    render(<LibraryView onRemix={onRemix} onChain={onChain} />);
    await user.click(await screen.findByRole('button', { name: /Fox in neon rain/ }));
    const details = await screen.findByRole('region', { name: 'Item details' });

    await user.click(within(details).getByRole('button', { name: /Add to favourites/ }));
    await waitFor(() => expect(within(details).getByRole('button', { name: /Remove from favourites/ }).getAttribute('aria-pressed')).toBe('true'));
    await user.type(within(details).getByRole('textbox', { name: 'Add a tag' }), 'keeper{Enter}');
    expect(await within(details).findByRole('button', { name: 'Remove tag keeper' })).toBeTruthy();
    expect(runtime.titles({ tag: 'keeper', favourite: true })).toEqual(['Fox in neon rain']);

    await user.click(within(details).getByRole('button', { name: 'Remix' }));
    expect(onRemix).toHaveBeenCalledWith('haiper.generate', { prompt: 'a red fox in neon rain', settings: { duration: 4 } });
    const extend = await within(details).findByRole('button', { name: 'Extend' });
    await user.click(extend);
    expect(onChain).toHaveBeenCalledWith('haiper.extend', { config: { sourceVideo: 'https://haiper.example/fox.mp4' } }, expect.any(String), undefined);

    await user.click(screen.getByRole('button', { name: /Cat in a teacup/ }));
    const cat = await screen.findByRole('region', { name: 'Item details' });
    const toVideo = await within(cat).findByRole('button', { name: 'Haiper image to video' });
    expect((toVideo as HTMLButtonElement).disabled).toBe(true);
    expect(within(cat).getByText(/Download-only item: its remote URL expired at .+; Haiper needs a public URL\./)).toBeTruthy();
  });

  it('moves a deleted item to the trash after confirmation', async () => {
    const user = userEvent.setup();
    render(<LibraryView />);
    await user.click(await screen.findByRole('button', { name: /Cat in a teacup/ }));
    const details = await screen.findByRole('region', { name: 'Item details' });
    await user.click(within(details).getByRole('button', { name: 'Move to trash' }));
    expect(runtime.trashed).toEqual([]);
    await user.click(within(within(details).getByRole('group', { name: 'Move to trash' })).getByRole('button', { name: 'Move to trash' }));
    await waitFor(() => expect(screen.queryByRole('button', { name: /Cat in a teacup/ })).toBeNull());
    expect(runtime.trashed).toHaveLength(1);
    expect(runtime.trashed[0]).toMatch(/cat\.png$/);
    expect(screen.queryByRole('region', { name: 'Item details' })).toBeNull();
  });

  it('imports a folder chosen in the system dialog where the host has one, and offers none elsewhere', async () => {
    const user = userEvent.setup();
    const { unmount } = render(<LibraryView />);
    await screen.findByRole('button', { name: /Fox in neon rain/ });
    expect(screen.queryByRole('button', { name: 'Choose a folder…' })).toBeNull();
    unmount();

    const asked: string[] = [];
    const pickPath = (kind: 'folder' | 'file', title: string): Promise<string | null> => {
      asked.push(`${kind}: ${title}`);
      return Promise.resolve(runtime.importable);
    };
    render(<LibraryView pickPath={pickPath} />);
    await user.click(await screen.findByRole('button', { name: 'Choose a folder…' }));
    expect(asked).toEqual(['folder: Import a folder into the library']);
    expect(await screen.findByRole('status')).toHaveProperty('textContent', 'Added 1, skipped 0 already in the library, 0 not media, 0 unreadable.');
    expect(screen.getByRole<HTMLInputElement>('textbox', { name: 'Folder to import' }).value).toBe(runtime.importable);
    await screen.findByRole('button', { name: /beach/ });
    expect(runtime.titles({ text: 'beach' })).toEqual(['beach']);
  });
});

describe('LibraryView and reels', () => {
  it('starts a reel from the picked videos only, leaving the images out', async () => {
    const user = userEvent.setup();
    const onNewReel = vi.fn();
    render(<LibraryView onNewReel={onNewReel} />);
    await user.click(await screen.findByRole('button', { name: /Fox in neon rain/ }));
    await user.keyboard('{Control>}');
    // The earlier tests moved the cat to the trash and imported a beach still.
    await user.click(screen.getByRole('button', { name: /beach/ }));
    await user.keyboard('{/Control}');
    const bar = await screen.findByRole('toolbar', { name: 'Actions on the selected items' });
    const button = within(bar).getByRole('button', { name: 'New reel from selection' });
    expect(button.getAttribute('title')).toBe('1 video becomes a shot; images are left out.');
    await user.click(button);
    expect(onNewReel).toHaveBeenCalledTimes(1);
    const [ids] = onNewReel.mock.calls[0] as [string[]];
    expect(ids).toHaveLength(1);
    const shot = await runtime.api.invoke('library.get', { id: ids[0] ?? '' });
    expect(shot.ok && shot.value.title).toBe('Fox in neon rain');
  });
});
