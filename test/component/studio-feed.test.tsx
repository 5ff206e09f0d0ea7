// @vitest-environment jsdom
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi, type Mock } from 'vitest';
import type { Job } from '@shared/jobs';
import type { ChainOption, LibraryItemSummary } from '@shared/library';
import { useAppInfo } from '@renderer/lib/appInfo';
import { useToasts } from '@renderer/lib/toasts';
import { useJobs } from '@renderer/features/jobs/store';
import { rememberInputName } from '@renderer/features/preview/media';
import { resetResultItems } from '@renderer/features/studio/items';
import { usePicks } from '@renderer/features/studio/picks';
import { Onboarding, ONBOARDING_KEY } from '@renderer/features/studio/Onboarding';
import { StudioFeed, type StudioFeedProps } from '@renderer/features/studio/StudioFeed';
import { installApi, makeJob, makeOutput } from './harness';

function item(id: string, overrides: Partial<LibraryItemSummary> = {}): LibraryItemSummary {
  return {
    id,
    title: `item ${id}`,
    kind: 'image',
    sizeBytes: 10,
    width: 1024,
    height: 1024,
    durationMs: null,
    createdAt: 1,
    vendor: 'hidream',
    operation: 'hidream.txt2img',
    favourite: false,
    missing: false,
    mediaUrl: `/media/${id}`,
    posterUrl: null,
    ...overrides,
  };
}

type Actions = StudioFeedProps['actions'];
function actions(): { [K in keyof Actions]: Actions[K] extends (...args: infer A) => void ? Mock<(...args: A) => void> : Actions[K] } {
  return { onRemix: vi.fn(), onChain: vi.fn(), onOpenInLibrary: vi.fn(), canReveal: false, nativeDrag: false };
}

function show(...jobs: Job[]): void {
  useJobs.getState().merge(jobs);
}

beforeEach(() => {
  useJobs.setState({ jobs: new Map(), ids: [], status: 'idle', error: undefined, selectedId: undefined });
  useToasts.setState({ toasts: [] });
  useAppInfo.setState({ info: undefined });
  resetResultItems();
  usePicks.getState().clear();
  localStorage.clear();
});

const lighthouse = (): Job =>
  makeJob({
    id: 'img-job',
    operation: 'hidream.txt2img',
    status: 'succeeded',
    params: { prompt: 'A lighthouse at dusk' },
    outputs: [makeOutput({ id: 'img-1', kind: 'image', url: 'https://cdn.example/1.png' }), makeOutput({ id: 'img-2', index: 1, kind: 'image', url: 'https://cdn.example/2.png' })],
  });

describe('the studio feed', () => {
  it('shows the newest job first, with the jobs feature’s progress bar while it runs', () => {
    installApi();
    show(makeJob({ id: 'older', params: { prompt: 'older clip' }, createdAt: 1000, status: 'succeeded' }), makeJob({ id: 'newer', params: { prompt: 'newer clip' }, createdAt: 2000, progress: 0.4 }));
    render(<StudioFeed actions={actions()} />);
    const cards = within(screen.getByRole('region', { name: 'Results' })).getAllByRole('article');
    expect(cards.map((c) => c.getAttribute('aria-label'))).toEqual(['newer clip', 'older clip']);
    expect(within(cards[0] as HTMLElement).getByRole('progressbar').getAttribute('aria-valuenow')).toBe('40');
    expect(within(cards[1] as HTMLElement).queryByRole('progressbar')).toBeNull();
  });

  it('offers each result’s next steps: library, chain, remix, copy, and the item’s drag', async () => {
    const chain: ChainOption[] = [{ operation: 'haiper.generate', possible: true, params: { prompt: 'A lighthouse at dusk', config: { sourceImage: 'https://cdn.example/1.png' } }, parentItemId: '41' }];
    const api = installApi({
      'library.forOutputs': () => [{ outputId: 'img-1', item: item('41') }],
      'library.chainOptions': () => chain,
    });
    const writeText = vi.fn(() => Promise.resolve());
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    const job = lighthouse();
    show(job);
    const props = actions();
    render(<StudioFeed actions={props} />);
    const card = screen.getByRole('article', { name: 'A lighthouse at dusk' });
    const first = within(card).getByRole('group', { name: 'Next steps for A lighthouse at dusk · 1' });
    const second = within(card).getByRole('group', { name: 'Next steps for A lighthouse at dusk · 2' });
    await waitFor(() => expect(within(first).getByRole('button', { name: 'Open in library' })).toBeTruthy());
    expect(api.calls.find((c) => c.name === 'library.forOutputs')?.input).toEqual({ outputIds: ['img-1', 'img-2'] });
    // The second image is not in the library yet: its item actions wait, and say why.
    expect(within(second).getByText('Saving to the library…')).toBeTruthy();
    expect(within(second).getByRole('button', { name: 'Haiper image to video' }).hasAttribute('disabled')).toBe(true);

    await userEvent.click(within(first).getByRole('button', { name: 'Open in library' }));
    expect(props.onOpenInLibrary).toHaveBeenCalledWith('41');
    await userEvent.click(within(first).getByRole('button', { name: 'Haiper image to video' }));
    await waitFor(() => expect(props.onChain).toHaveBeenCalledWith('haiper.generate', chain[0]?.params, '41', undefined));
    await userEvent.click(within(card).getByRole('button', { name: 'Remix' }));
    expect(props.onRemix).toHaveBeenCalledWith(job);
    await userEvent.click(within(card).getByRole('button', { name: 'Copy prompt' }));
    expect(writeText).toHaveBeenCalledWith('A lighthouse at dusk');
    expect(useToasts.getState().toasts.map((t) => t.text)).toContain('Prompt copied.');

    // Dragged out, the saved image is the library's file (a browser gets its URL as a download).
    const setData = vi.fn();
    fireEvent.dragStart(within(card).getAllByRole('img')[0] as HTMLElement, { dataTransfer: { setData, effectAllowed: '' } });
    expect(setData).toHaveBeenCalledWith('DownloadURL', expect.stringMatching(/^image\/png:item 41\.png:http.*\/media\/41$/));
  });

  it('says why a chain cannot take a result, in the card’s words, and opens nothing', async () => {
    installApi({
      'library.forOutputs': () => [{ outputId: 'img-1', item: item('41') }],
      'library.chainOptions': (): ChainOption[] => [{ operation: 'haiper.generate', possible: false, blocked: { code: 'remote_url_expired', expiredAt: 1 }, params: {}, parentItemId: '41' }],
    });
    show(lighthouse());
    const props = actions();
    render(<StudioFeed actions={props} />);
    const first = screen.getByRole('group', { name: 'Next steps for A lighthouse at dusk · 1' });
    await waitFor(() => expect(within(first).getByRole('button', { name: 'Haiper image to video' }).hasAttribute('disabled')).toBe(false));
    await userEvent.click(within(first).getByRole('button', { name: 'Haiper image to video' }));
    await waitFor(() => expect(useToasts.getState().toasts.map((t) => t.text)).toEqual(['Haiper image to video takes the vendor’s link, and it has expired.']));
    expect(props.onChain).not.toHaveBeenCalled();
  });

  it('picks saved clips for a reel, in the order picked, and hands them to a new reel', async () => {
    const clip = (id: string, prompt: string, createdAt: number): Job =>
      makeJob({ id, operation: 'haiper.generate', vendor: 'haiper', status: 'succeeded', createdAt, params: { prompt }, outputs: [makeOutput({ id: `${id}-out`, kind: 'video', url: `https://cdn.example/${id}.mp4` })] });
    installApi({ 'library.forOutputs': () => [{ outputId: 'a-out', item: item('7', { kind: 'video' }) }, { outputId: 'b-out', item: item('8', { kind: 'video' }) }] });
    show(clip('a', 'first clip', 1000), clip('b', 'second clip', 2000), lighthouse());
    const onNewReel = vi.fn();
    render(<StudioFeed actions={actions()} onNewReel={onNewReel} />);
    const pick = async (name: string): Promise<HTMLElement> => {
      const button = await within(screen.getByRole('article', { name })).findByRole('button', { name: 'Pick for a reel' });
      await userEvent.click(button);
      return button;
    };
    // An image is no reel shot: its card offers no pick.
    await waitFor(() => expect(screen.getAllByRole('button', { name: 'Pick for a reel' })).toHaveLength(2));
    expect(within(screen.getByRole('article', { name: 'A lighthouse at dusk' })).queryByRole('button', { name: 'Pick for a reel' })).toBeNull();
    const older = await pick('first clip');
    expect(older.getAttribute('aria-pressed')).toBe('true');
    expect(older.textContent).toBe('Reel shot 1');
    await pick('second clip');
    const bar = screen.getByRole('group', { name: '2 clips picked for a reel' });
    await userEvent.click(within(bar).getByRole('button', { name: 'New reel' }));
    expect(onNewReel).toHaveBeenCalledWith(['7', '8']);
    // Made: the picks are cleared.
    expect(screen.queryByRole('group', { name: /picked for a reel/ })).toBeNull();
    expect(screen.getAllByRole('button', { name: 'Pick for a reel' })).toHaveLength(2);
  });

  it('enlarges a result in the lightbox, steps with the arrows and closes with Esc back on the button', async () => {
    installApi({ 'library.forOutputs': () => [] });
    show(lighthouse());
    render(<StudioFeed actions={actions()} />);
    const enlarge = within(screen.getByRole('group', { name: 'Next steps for A lighthouse at dusk · 1' })).getByRole('button', { name: 'Enlarge' });
    await userEvent.click(enlarge);
    const lightbox = screen.getByRole('dialog', { name: 'Preview: A lighthouse at dusk' });
    expect(within(lightbox).getByText('1 of 2')).toBeTruthy();
    await userEvent.keyboard('{ArrowRight}');
    expect(within(lightbox).getByText('2 of 2')).toBeTruthy();
    expect(within(lightbox).getByRole('img').getAttribute('src')).toBe('https://cdn.example/2.png');
    await userEvent.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    await waitFor(() => expect(document.activeElement).toBe(enlarge));
  });

  it('makes a variation: the same prompt with a new seed, as a new job on top', async () => {
    const api = installApi({
      'library.forOutputs': () => [],
      'jobs.submit': ({ operation, params }: { operation: Job['operation']; params: Job['params'] }) => makeJob({ id: 'variation', operation, params, status: 'queued', createdAt: 9_999_999_999_999 }),
    });
    show(makeJob({ id: 'fog', operation: 'haiper.generate', vendor: 'haiper', status: 'succeeded', params: { prompt: 'Fog over hills', settings: { seed: 7, duration: 4 } }, outputs: [makeOutput()] }));
    render(<StudioFeed actions={actions()} />);
    await userEvent.click(screen.getByRole('button', { name: 'Variation' }));
    await waitFor(() => expect(useJobs.getState().ids[0]).toBe('variation'));
    const sent = api.calls.find((c) => c.name === 'jobs.submit')?.input as { operation: string; params: { prompt: string; settings: { seed: number; duration: number } } };
    expect(sent.operation).toBe('haiper.generate');
    expect(sent.params.prompt).toBe('Fog over hills');
    expect(sent.params.settings.duration).toBe(4);
    expect(sent.params.settings.seed).not.toBe(7);
    expect(screen.getAllByRole('article')[0]?.getAttribute('aria-label')).toBe('Fog over hills');
  });

  it('names a stylize job after its input file and style, and shows input and result side by side', () => {
    installApi({ 'library.forOutputs': () => [] });
    rememberInputName('stylize-job', 'beach.mp4');
    show(
      makeJob({
        id: 'stylize-job',
        operation: 'hidream.video_stylize',
        status: 'succeeded',
        params: { style: 'watercolor', video_name: '' },
        inputFile: '/data/staging/0f6d1c2e-8a3b-4c1d-9e2f-5a6b7c8d9e0f.mp4',
        outputs: [makeOutput({ kind: 'video' })],
      }),
    );
    render(<StudioFeed actions={actions()} />);
    const card = screen.getByRole('article', { name: /^beach\.mp4 · Watercolor/ });
    expect(within(card).getByRole('figure', { name: 'Input' }).textContent).toContain('beach.mp4');
    expect(card.querySelector('.result-pair')?.children).toHaveLength(2);
    expect(card.textContent).not.toContain('0f6d1c2e');
  });
});

describe('the first-run panel', () => {
  it('offers example prompts, and once dismissed stays away', async () => {
    const onTry = vi.fn();
    const { unmount } = render(<Onboarding onTry={onTry} onOpenKeys={vi.fn()} />);
    const panel = screen.getByRole('region', { name: 'Getting started' });
    expect(panel.textContent).toContain('Drop a video anywhere in the window to stylize it.');
    const examples = within(panel).getAllByRole('button').filter((b) => b.classList.contains('example'));
    expect(examples).toHaveLength(3);
    await userEvent.click(within(panel).getByRole('button', { name: /A lighthouse at dusk, watercolor/ }));
    expect(onTry).toHaveBeenCalledWith('hidream.txt2img', 'A lighthouse at dusk, watercolor');
    await userEvent.click(within(panel).getByRole('button', { name: 'Got it' }));
    expect(screen.queryByRole('region', { name: 'Getting started' })).toBeNull();
    expect(localStorage.getItem(ONBOARDING_KEY)).toBe('1');
    unmount();
    render(<Onboarding onTry={onTry} onOpenKeys={vi.fn()} />);
    expect(screen.queryByRole('region', { name: 'Getting started' })).toBeNull();
  });
});
