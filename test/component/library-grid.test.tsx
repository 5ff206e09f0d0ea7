// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { LibraryView, libraryLocales } from '@renderer/features/library';
import { useLibraryStore } from '@renderer/features/library/store';
import { useToasts } from '@renderer/lib/toasts';
import type { Api } from '@shared/ipc';
import type { LibraryQuery } from '@shared/library';

/** test/support/library-runtime.ts, whose Node imports stay out of the renderer's type program. */
interface LibraryRuntime {
  api: Api;
  trashed: string[];
  titles(query: LibraryQuery): string[];
  close(): Promise<void>;
}

// jsdom decodes no media, so posters are not captured here.
vi.mock('@renderer/features/library/posters', () => ({ requestPoster: () => undefined }));

const STILLS = 10;
let runtime: LibraryRuntime;

beforeAll(async () => {
  // jsdom lays nothing out: a 1000 px wide grid holds five 190 px cards a row (LibraryGrid's layout).
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 1000 });
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 800 });
  await i18next.use(initReactI18next).init({
    lng: 'en',
    resources: { en: { library: libraryLocales.en }, 'zh-CN': { library: libraryLocales['zh-CN'] } },
    interpolation: { escapeValue: false },
  });
  const support = '../support/library-runtime';
  const { startLibraryRuntime } = (await import(/* @vite-ignore */ support)) as { startLibraryRuntime: (o: { stills: number }) => LibraryRuntime };
  runtime = startLibraryRuntime({ stills: STILLS });
  Object.assign(window, { api: runtime.api });
});
afterEach(async () => {
  cleanup();
  useLibraryStore.setState({ criteria: { sort: 'newest' }, items: [], selectedId: null, selected: null, loaded: false, refreshing: false });
  useToasts.setState({ toasts: [] });
  await act(() => i18next.changeLanguage('en'));
});
afterAll(() => runtime.close());

const grid = (): HTMLElement => screen.getByRole('grid');
/** The cards in grid order (the accessible name starts with the title). */
const cards = (): HTMLButtonElement[] => within(grid()).getAllByRole<HTMLButtonElement>('button');
const titleOf = (card: Element): string => (card.getAttribute('aria-label') ?? '').split(',')[0] ?? '';
const focusedTitle = (): string => titleOf(document.activeElement ?? document.body);

describe('Library grid: keyboard', () => {
  it('is one Tab stop; arrows move, Enter opens the details with focus, Esc returns to the card', async () => {
    const user = userEvent.setup();
    render(
      <>
        <input aria-label="before" />
        <LibraryView />
      </>,
    );
    await waitFor(() => expect(cards()).toHaveLength(STILLS + 2));
    const order = cards().map(titleOf);
    // Roving tabindex: exactly one card can be reached with Tab.
    expect(cards().filter((card) => card.tabIndex === 0)).toHaveLength(1);

    screen.getByRole('textbox', { name: 'before' }).focus();
    // Everything in the toolbar, then the grid: count the Tab presses to get past it.
    let presses = 0;
    while (!grid().contains(document.activeElement) && presses < 40) {
      await user.tab();
      presses++;
    }
    expect(focusedTitle()).toBe(order[0]);
    await user.keyboard('{ArrowRight}');
    expect(focusedTitle()).toBe(order[1]);
    await user.keyboard('{ArrowDown}');
    expect(focusedTitle()).toBe(order[6]);
    await user.keyboard('{ArrowLeft}{ArrowUp}');
    expect(focusedTitle()).toBe(order[0]);
    await user.keyboard('{End}');
    expect(focusedTitle()).toBe(order[STILLS + 1]);
    await user.keyboard('{Home}{ArrowRight}');

    await user.keyboard('{Enter}');
    const details = await screen.findByRole('region', { name: 'Item details' });
    expect(within(details).getByRole('textbox', { name: 'Title' })).toHaveProperty('value', order[1]);
    await waitFor(() => expect(details.contains(document.activeElement)).toBe(true));

    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('region', { name: 'Item details' })).toBeNull());
    expect(focusedTitle()).toBe(order[1]);

    // From the grid one Tab reaches the panel, and one Shift+Tab comes back.
    await user.keyboard('{Enter}');
    await screen.findByRole('region', { name: 'Item details' });
    await user.keyboard('{Escape}');
    await waitFor(() => expect(focusedTitle()).toBe(order[1]));
    await user.click(cards()[2] as HTMLElement);
    const panel = await screen.findByRole('region', { name: 'Item details' });
    await user.tab();
    expect(panel.contains(document.activeElement)).toBe(true);
    await user.tab({ shift: true });
    expect(focusedTitle()).toBe(order[2]);
  });

  it('Space opens a lightbox that steps with the arrow keys; Esc closes it onto the card shown last', async () => {
    const user = userEvent.setup();
    render(<LibraryView />);
    await waitFor(() => expect(cards()).toHaveLength(STILLS + 2));
    const order = cards().map(titleOf);
    cards()[0]?.focus();
    await user.keyboard(' ');
    const box = await screen.findByRole('dialog', { name: `Preview: ${order[0]}` });
    // Space previews only: it does not also click the card open.
    expect(screen.queryByRole('region', { name: 'Item details' })).toBeNull();
    expect(within(box).getByRole('img', { name: order[0] })).toBeTruthy();
    expect(within(box).getByText(`1 of ${STILLS + 2}`)).toBeTruthy();
    await user.keyboard('{ArrowRight}{ArrowRight}');
    expect(screen.getByRole('dialog', { name: `Preview: ${order[2]}` })).toBeTruthy();
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Zoom in' }));
    expect(within(screen.getByRole('dialog')).getByRole('button', { name: 'Zoom to fit' }).getAttribute('aria-pressed')).toBe('true');
    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    await waitFor(() => expect(focusedTitle()).toBe(order[2]));

    // A double-click opens it too, and a video plays in it.
    await user.dblClick(within(grid()).getByRole('button', { name: /^Fox in neon rain/ }));
    const video = (await screen.findByRole('dialog', { name: 'Preview: Fox in neon rain' })).querySelector('video');
    expect(video?.controls).toBe(true);
    expect(video?.autoplay).toBe(true);
    await user.keyboard('{Escape}');

    // A screen reader's activation is a click without a key or pointer (detail 0): it opens the details.
    fireEvent.click(within(grid()).getByRole('button', { name: /^Cat in a teacup/ }));
    expect(await screen.findByRole('region', { name: 'Item details' })).toBeTruthy();
  });
});

describe('Library grid: picking several items', () => {
  it('Ctrl and Shift clicks and Shift+arrows pick items; tag, favourite and trash them all, with one summary', async () => {
    const user = userEvent.setup();
    render(<LibraryView />);
    await waitFor(() => expect(cards()).toHaveLength(STILLS + 2));
    const order = cards().map(titleOf);
    const stills = order.filter((title) => title.startsWith('Still'));

    await user.click(cards()[0] as HTMLElement);
    await user.keyboard('{Control>}');
    await user.click(cards()[2] as HTMLElement);
    await user.keyboard('{/Control}');
    const bar = screen.getByRole('toolbar', { name: 'Actions on the selected items' });
    expect(within(bar).getByText('2 selected')).toBeTruthy();
    expect(cards().filter((card) => card.closest('[role="gridcell"]')?.getAttribute('aria-selected') === 'true').map(titleOf)).toEqual([order[0], order[2]]);

    // Shift: everything from the last clicked item to this one.
    await user.keyboard('{Shift>}');
    await user.click(cards()[4] as HTMLElement);
    await user.keyboard('{/Shift}');
    expect(within(bar).getByText('3 selected')).toBeTruthy();
    // Shift+arrows grow the range from the same anchor.
    await user.keyboard('{Shift>}{ArrowDown}{/Shift}');
    expect(within(screen.getByRole('toolbar')).getByText('8 selected')).toBeTruthy();
    await user.keyboard('{Shift>}{ArrowUp}{ArrowLeft}{/Shift}');
    expect(within(screen.getByRole('toolbar')).getByText('2 selected')).toBeTruthy();
    await user.keyboard('{Shift>}{ArrowRight}{/Shift}');
    const picked = order.slice(2, 5);
    expect(within(screen.getByRole('toolbar')).getByText('3 selected')).toBeTruthy();

    await user.type(screen.getByRole('textbox', { name: 'Tag for the selected items' }), 'batch{Enter}');
    await waitFor(() => expect(runtime.titles({ tag: 'batch' }).sort()).toEqual([...picked].sort()));
    await waitFor(() => expect(useToasts.getState().toasts.map((t) => t.text)).toEqual(['Tagged 3 items “batch”.']));

    await user.click(within(screen.getByRole('toolbar')).getByRole('button', { name: /Add to favourites/ }));
    await waitFor(() => expect(runtime.titles({ favourite: true }).sort()).toEqual([...picked].sort()));
    expect(useToasts.getState().toasts.at(-1)?.text).toBe('Added 3 items to favourites.');
    await waitFor(() => expect(within(grid()).getAllByRole('button', { name: /, Favourite$/ }).map(titleOf).sort()).toEqual([...picked].sort()));

    await user.click(within(screen.getByRole('toolbar')).getByRole('button', { name: 'Move to trash' }));
    expect(runtime.trashed).toEqual([]);
    await user.click(within(screen.getByRole('group', { name: 'Move to trash' })).getByRole('button', { name: 'Move to trash' }));
    await waitFor(() => expect(runtime.trashed).toHaveLength(3));
    expect(useToasts.getState().toasts.at(-1)?.text).toBe('Moved 3 items to the trash.');
    await waitFor(() => expect(cards()).toHaveLength(STILLS + 2 - 3));
    for (const title of picked) expect(runtime.titles({ text: title })).not.toContain(title);
    expect(screen.queryByRole('toolbar', { name: 'Actions on the selected items' })).toBeNull();
    expect(stills.length).toBe(STILLS);
  });
});

describe('Library labels', () => {
  it('calls a text-only Haiper clip what it is, in English and Chinese', async () => {
    const user = userEvent.setup();
    render(<LibraryView />);
    const fox = await within(await screen.findByRole('grid')).findByRole('button', { name: /^Fox in neon rain/ });
    expect(fox.getAttribute('aria-label')).toContain('Haiper video');
    expect(fox.getAttribute('aria-label')).not.toMatch(/image to video/i);
    await user.click(fox);
    const details = await screen.findByRole('region', { name: 'Item details' });
    const madeWith = within(details).getByText('Made with').nextElementSibling;
    expect(madeWith?.textContent).toBe('Haiper text to video');

    await act(() => i18next.changeLanguage('zh-CN'));
    expect(within(details).getByText('生成方式').nextElementSibling?.textContent).toBe('Haiper 文生视频');
    expect(within(grid()).getByRole('button', { name: /^Fox in neon rain/ }).getAttribute('aria-label')).not.toContain('图生视频');
    // Made from an image, it says so.
    const cat = within(grid()).getByRole('button', { name: /^Cat in a teacup/ });
    await user.click(cat);
    const catDetails = await screen.findByRole('region', { name: '素材详情' });
    expect(await within(catDetails).findByRole('button', { name: 'Haiper 图生视频' })).toBeTruthy();
  });

  it('shows dates and date ranges in the UI language', async () => {
    const user = userEvent.setup();
    await act(() => i18next.changeLanguage('zh-CN'));
    render(<LibraryView />);
    const fox = await within(await screen.findByRole('grid')).findByRole('button', { name: /^Fox in neon rain/ });
    const year = new Date().getFullYear();
    expect(fox.getAttribute('aria-label')).toMatch(new RegExp(`${year}年\\d+月\\d+日`));
    await user.selectOptions(screen.getByRole('combobox', { name: '加入日期' }), '最近 7 天');
    const day = new Intl.DateTimeFormat('zh-CN', { dateStyle: 'medium' }).format(new Date());
    expect(screen.getByText(/^加入于 \d{4}年\d+月\d+日 至 \d{4}年\d+月\d+日$/).textContent).toContain(`至 ${day}`);
    await user.selectOptions(screen.getByRole('combobox', { name: '加入日期' }), '自定义范围…');
    fireEvent.change(screen.getByLabelText('起始日期'), { target: { value: '2026-03-05' } });
    expect(screen.getByText('2026年3月5日 起加入')).toBeTruthy();
  });
});

describe('Library: show in folder', () => {
  it('offers it only where the host can, and says plainly when it cannot', async () => {
    const user = userEvent.setup();
    const { unmount } = render(<LibraryView />);
    await user.click(await within(await screen.findByRole('grid')).findByRole('button', { name: /^Cat in a teacup/ }));
    expect(within(await screen.findByRole('region', { name: 'Item details' })).queryByRole('button', { name: 'Show in folder' })).toBeNull();
    unmount();

    render(<LibraryView canReveal />);
    await user.click(await within(await screen.findByRole('grid')).findByRole('button', { name: /^Cat in a teacup/ }));
    const details = await screen.findByRole('region', { name: 'Item details' });
    // The runtime here is the browser shell's (no desktop host): main answers that it cannot.
    await user.click(within(details).getByRole('button', { name: 'Show in folder' }));
    expect((await within(details).findByRole('status')).textContent).toMatch(/^Showing files in their folder is not available in the browser shell\. The file is at .+cat\.png$/);
  });
});

describe('Library search as you type', () => {
  it('keeps the last results, marked as updating, until the next page arrives; never searches half-composed pinyin', async () => {
    const user = userEvent.setup();
    const searches: (string | undefined)[] = [];
    let release: () => void = () => undefined;
    const real = runtime.api;
    // The real runtime, with each search after the first held until the test lets it go.
    const held: Api = {
      on: (name, listener) => real.on(name, listener),
      invoke: ((name: Parameters<Api['invoke']>[0], input: never): Promise<unknown> => {
        if (name !== 'library.search') return real.invoke(name, input);
        const text = (input as LibraryQuery).text;
        searches.push(text);
        if (searches.length === 1) return real.invoke(name, input);
        return new Promise<unknown>((resolve) => {
          release = () => resolve(real.invoke(name, input));
        });
      }) as Api['invoke'],
    };
    Object.assign(window, { api: held });
    try {
      render(<LibraryView />);
      await waitFor(() => expect(cards().length).toBeGreaterThan(1));
      const count = cards().length;
      expect(screen.getByText(`${count} items`)).toBeTruthy();

      await user.type(screen.getByRole('searchbox', { name: 'Search the library' }), 'zebra');
      expect(screen.getByText('Searching…')).toBeTruthy();
      await waitFor(() => expect(searches).toEqual([undefined, 'zebra']));
      // The search is out; what was there stays, faded, with its count.
      expect(grid().getAttribute('aria-busy')).toBe('true');
      expect(cards()).toHaveLength(count);
      expect(screen.getByText(`${count} items`)).toBeTruthy();
      expect(screen.queryByText('No items match this search.')).toBeNull();
      expect(screen.queryByText('0 items')).toBeNull();
      await act(() => {
        release();
        return Promise.resolve();
      });
      expect(await screen.findByText('No items match this search.')).toBeTruthy();
      expect(screen.getByText('0 items')).toBeTruthy();

      // An input method composing 猫 from "mao": nothing is searched until the character is chosen.
      const box = screen.getByRole('searchbox', { name: 'Search the library' });
      await user.clear(box);
      await waitFor(() => expect(searches).toHaveLength(3));
      await act(() => {
        release();
        return Promise.resolve();
      });
      await waitFor(() => expect(screen.queryByText('Searching…')).toBeNull());
      const before = searches.length;
      fireEvent.compositionStart(box);
      fireEvent.change(box, { target: { value: 'mao' } });
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(searches.slice(before)).toEqual([]);
      fireEvent.change(box, { target: { value: '猫' } });
      fireEvent.compositionEnd(box);
      await waitFor(() => expect(searches.slice(before)).toEqual(['猫']));
      await act(() => {
        release();
        return Promise.resolve();
      });
    } finally {
      Object.assign(window, { api: real });
    }
  });
});
