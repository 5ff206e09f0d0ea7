// @vitest-environment jsdom
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Api, Envelope, RequestInput, RequestName } from '@shared/ipc';
import type { ErrorInfo } from '@shared/errors';
import type { Reel, Shot, ShotEdit } from '@shared/reels';
import { ReelsView, followReels, useReels } from '@renderer/features/reels';
import { layout, activeAt } from '@renderer/features/reels/timeline';
import { reelSegments } from '@renderer/features/reels/segments';
import { targetPosition } from '@renderer/features/reels/ShotStrip';
import { ReelPlayer } from '@renderer/features/reels/ReelPlayer';
import { installApi, setLanguage, type FakeApi } from './harness';

let clock = 1_700_000_000_000;

function makeShot(position: number, overrides: Partial<Shot> = {}): Shot {
  const id = String(position + 1);
  return {
    id,
    position,
    source: { kind: 'item', itemId: `${10 + position}` },
    trimIn: 0,
    trimOut: null,
    keepAudio: true,
    transition: { kind: 'cut' },
    titleCard: null,
    itemId: `${10 + position}`,
    jobId: null,
    jobStatus: null,
    jobProgress: null,
    state: 'ready',
    error: null,
    clip: {
      itemId: `${10 + position}`,
      title: ['Fox in neon rain', 'Harbour at dawn', 'Koi pond'][position] ?? `Clip ${id}`,
      durationSeconds: 4,
      width: 1280,
      height: 720,
      hasAudio: true,
      mediaUrl: `/media/k/${10 + position}`,
      posterUrl: null,
    },
    ...overrides,
  };
}

/**
 * A reel engine in memory behind window.api, doing what main's reel handlers promise: every change
 * answers with the whole reel, positions stay contiguous, the reel's length follows trims and fades.
 */
class FakeReels {
  reel: Reel;
  edits: ShotEdit[] = [];
  api: FakeApi;
  /** The next `reels.export` answers with this error instead of starting. */
  refuseExport: ErrorInfo | undefined;

  constructor(shots: Shot[]) {
    this.reel = { id: '1', name: 'Trailer', aspectRatio: '16:9', resolution: { width: 1280, height: 720 }, notes: '', shots, durationSeconds: null, lastExportItemId: null, createdAt: clock, updatedAt: clock };
    this.recount();
    const answer = (): Reel => structuredClone(this.reel);
    this.api = installApi({
      'reels.list': () => [{ id: '1', name: this.reel.name, aspectRatio: '16:9', resolution: this.reel.resolution, shotCount: this.reel.shots.length, pendingCount: 0, durationSeconds: this.reel.durationSeconds, posterUrl: null, createdAt: clock, updatedAt: clock }],
      'reels.get': answer,
      'reels.moveShot': ({ shotId, to }: RequestInput<'reels.moveShot'>) => {
        const shots = this.reel.shots.filter((s) => s.id !== shotId);
        const moved = this.reel.shots.find((s) => s.id === shotId);
        if (moved) shots.splice(to, 0, moved);
        this.change({ shots: shots.map((s, position) => ({ ...s, position })) });
        return answer();
      },
      'reels.updateShot': ({ shotId, edit }: RequestInput<'reels.updateShot'>) => {
        this.edits.push(edit);
        this.change({ shots: this.reel.shots.map((s) => (s.id === shotId ? { ...s, ...edit } : s)) });
        return answer();
      },
      'reels.export': () => ({ exportId: 'export-1', reelId: '1', totalSeconds: this.reel.durationSeconds ?? 0 }),
      'reels.cancelExport': ({ exportId }: RequestInput<'reels.cancelExport'>) => ({ exportId, canceled: true }),
      'media.frames': ({ itemId }: RequestInput<'media.frames'>) => ({ itemId, durationSeconds: 4, frames: [] }),
      'reels.addShots': ({ shots, at }: RequestInput<'reels.addShots'>) => {
        const made = shots.map((input, i) =>
          makeShot(this.reel.shots.length + i, { id: `new-${clock}-${i}`, source: input.source, clip: null, itemId: null, state: 'planned' }),
        );
        const next = [...this.reel.shots];
        next.splice(at ?? next.length, 0, ...made);
        this.change({ shots: next.map((shot, position) => ({ ...shot, position })) });
        return answer();
      },
      'reels.generateMissing': () => {
        const planned = this.reel.shots.filter((shot) => shot.source.kind === 'planned');
        const [sent, ...refused] = planned;
        this.change({ shots: this.reel.shots.map((shot) => (shot === sent ? { ...shot, state: 'generating', jobStatus: 'queued', jobId: 'job-1' } : shot)) });
        return {
          reel: answer(),
          submitted: sent ? [{ shotId: sent.id, jobId: 'job-1' }] : [],
          refused: refused.map((shot) => ({ shotId: shot.id, error: { kind: 'validation', message: 'prompt too long for this model' } })),
        };
      },
      'reels.swapShot': ({ shotId, source }: RequestInput<'reels.swapShot'>) => {
        this.change({ shots: this.reel.shots.map((shot) => (shot.id === shotId ? { ...shot, source, trimIn: 0, trimOut: null } : shot)) });
        return answer();
      },
      'reels.regenerateShot': answer,
      'reels.extendShot': answer,
      'library.search': () => ({
        items: [
          { id: '77', title: 'Lighthouse at dusk', kind: 'video', sizeBytes: 1000, width: 1280, height: 720, durationMs: 4000, createdAt: clock, vendor: null, operation: null, favourite: false, missing: false, mediaUrl: '/media/k/77', posterUrl: null },
        ],
        nextCursor: null,
      }),
    });
    // Main's refusals carry a kind and issues, which the harness's handlers cannot throw.
    const inner = window.api;
    const api: Api = {
      on: (name, listener) => inner.on(name, listener),
      invoke: (async (name: RequestName, input: never): Promise<Envelope<unknown>> => {
        if (name === 'reels.export' && this.refuseExport) {
          this.api.calls.push({ name, input });
          return { ok: false, error: this.refuseExport };
        }
        return inner.invoke(name, input);
      }) as Api['invoke'],
    };
    Object.defineProperty(window, 'api', { value: api, configurable: true });
  }

  change(patch: Partial<Reel>): void {
    clock += 1000;
    this.reel = { ...this.reel, ...patch, updatedAt: clock };
    this.recount();
  }

  recount(): void {
    let total = 0;
    this.reel.shots.forEach((s, i) => {
      total += (s.trimOut ?? s.clip?.durationSeconds ?? 0) - s.trimIn + (s.titleCard?.seconds ?? 0);
      if (i > 0) {
        const before = this.reel.shots[i - 1];
        if (before?.transition.kind === 'crossfade') total -= before.transition.seconds;
      }
    });
    this.reel.durationSeconds = total;
  }

  order(): string[] {
    return this.reel.shots.map((s) => s.clip?.title ?? s.id);
  }
}

function stripTitles(): string[] {
  const strip = screen.getByRole('list', { name: 'Shots' });
  return within(strip)
    .getAllByRole('listitem')
    .filter((li) => li.classList.contains('shot-card'))
    .map((li) => li.querySelector('.shot-title')?.textContent ?? '');
}

async function openEditor(fake: FakeReels, onOpenItem = vi.fn()): Promise<() => void> {
  const stop = followReels();
  render(<ReelsView onOpenItem={onOpenItem} />);
  await screen.findByRole('textbox', { name: 'Reel name' });
  expect(fake.api.calls.some((c) => c.name === 'reels.get')).toBe(true);
  return stop;
}

beforeAll(() => {
  // jsdom has no DragEvent; without one, testing-library's drag events lose their pointer position.
  if (!('DragEvent' in window)) Object.defineProperty(window, 'DragEvent', { value: class DragEvent extends MouseEvent {}, configurable: true });
});
beforeEach(async () => {
  useReels.setState({ summaries: [], listLoaded: false, reels: new Map(), selectedId: null, error: null, exports: new Map(), starting: new Set() });
  await setLanguage('en');
});

describe('reel editor', () => {
  it('reorders shots with the move buttons and by dragging, as main stores them', async () => {
    const user = userEvent.setup();
    const fake = new FakeReels([makeShot(0), makeShot(1), makeShot(2)]);
    const stop = await openEditor(fake);
    expect(stripTitles()).toEqual(['Fox in neon rain', 'Harbour at dawn', 'Koi pond']);
    expect(screen.getByRole('button', { name: 'Move Shot 1 earlier' })).toHaveProperty('disabled', true);

    await user.click(screen.getByRole('button', { name: 'Move Shot 1 later' }));
    await waitFor(() => expect(stripTitles()).toEqual(['Harbour at dawn', 'Fox in neon rain', 'Koi pond']));
    expect(fake.order()).toEqual(['Harbour at dawn', 'Fox in neon rain', 'Koi pond']);

    // Drag the last shot onto the left half of the first one: it becomes the first.
    const cards = (): HTMLElement[] => [...document.querySelectorAll<HTMLElement>('.shot-card')];
    const last = cards()[2];
    const first = cards()[0];
    if (!last || !first) throw new Error('no cards');
    const data = new Map<string, string>();
    const dataTransfer = { setData: (k: string, v: string) => data.set(k, v), getData: (k: string) => data.get(k) ?? '', effectAllowed: '', dropEffect: '' };
    fireEvent.dragStart(last, { dataTransfer });
    fireEvent.dragOver(first, { dataTransfer, clientX: -1 });
    fireEvent.drop(first, { dataTransfer, clientX: -1 });
    await waitFor(() => expect(stripTitles()).toEqual(['Koi pond', 'Harbour at dawn', 'Fox in neon rain']));
    expect(fake.api.calls.filter((c) => c.name === 'reels.moveShot').map((c) => c.input)).toEqual([
      { reelId: '1', shotId: '1', to: 1 },
      { reelId: '1', shotId: '3', to: 0 },
    ]);
    stop();
  });

  it('places a dragged shot where it was dropped, counting from before it left', () => {
    expect(targetPosition(0, 2)).toBe(1);
    expect(targetPosition(2, 0)).toBe(0);
    expect(targetPosition(1, 3)).toBe(2);
    expect(targetPosition(1, 1)).toBe(1);
  });

  it('saves trim points typed in seconds, and refuses an out point before the in point', async () => {
    const user = userEvent.setup();
    const fake = new FakeReels([makeShot(0), makeShot(1)]);
    const stop = await openEditor(fake);
    const inspector = screen.getByRole('region', { name: 'Settings of Shot 1' });
    expect(screen.getByText('Runs 0:08')).toBeTruthy();

    const inField = within(inspector).getByRole('spinbutton', { name: 'In (s)' });
    await user.clear(inField);
    await user.type(inField, '1.5{Enter}');
    await waitFor(() => expect(fake.edits).toEqual([{ trimIn: 1.5, trimOut: null }]));
    const outField = within(inspector).getByRole('spinbutton', { name: 'Out (s)' });
    await user.clear(outField);
    await user.type(outField, '3.25{Enter}');
    await waitFor(() => expect(fake.edits.at(-1)).toEqual({ trimIn: 1.5, trimOut: 3.25 }));
    // The strip and the reel's length follow what main stored: 1.75 s of shot 1 plus 4 s of shot 2.
    await waitFor(() => expect(screen.getByText('Runs 0:06')).toBeTruthy());
    expect(within(inspector).getByRole('slider', { name: 'In point' })).toHaveProperty('value', '1.5');
    expect(within(inspector).getByRole('slider', { name: 'Out point' })).toHaveProperty('value', '3.25');

    await user.clear(outField);
    await user.type(outField, '1{Enter}');
    expect(await within(inspector).findByRole('alert')).toHaveProperty('textContent', 'The out point must be at least 0.1 s after the in point.');
    await user.clear(inField);
    await user.type(inField, '9{Enter}');
    expect(fake.edits).toHaveLength(2);

    await user.click(within(inspector).getByRole('button', { name: 'Use the whole clip' }));
    await waitFor(() => expect(fake.edits.at(-1)).toEqual({ trimIn: 0, trimOut: null }));
    stop();
  });

  it('sets a crossfade into the next shot, its length, muting and a title card', async () => {
    const user = userEvent.setup();
    const fake = new FakeReels([makeShot(0), makeShot(1)]);
    const stop = await openEditor(fake);
    const inspector = screen.getByRole('region', { name: 'Settings of Shot 1' });
    expect(screen.getByRole('listitem', { name: 'From shot 1 to shot 2' }).textContent).toBe('Cut');

    await user.click(within(inspector).getByRole('radio', { name: 'Crossfade' }));
    await waitFor(() => expect(fake.edits).toEqual([{ transition: { kind: 'crossfade', seconds: 0.5 } }]));
    await waitFor(() => expect(screen.getByRole('listitem', { name: 'From shot 1 to shot 2' }).textContent).toBe('Fade 0.5 s'));
    const seconds = within(inspector).getByRole('spinbutton', { name: 'Seconds' });
    await user.clear(seconds);
    await user.type(seconds, '1.2{Enter}');
    await waitFor(() => expect(fake.edits.at(-1)).toEqual({ transition: { kind: 'crossfade', seconds: 1.2 } }));
    await waitFor(() => expect(screen.getByRole('listitem', { name: 'From shot 1 to shot 2' }).textContent).toBe('Fade 1.2 s'));

    await user.click(within(inspector).getByRole('checkbox', { name: 'Keep the clip’s audio' }));
    await waitFor(() => expect(fake.edits.at(-1)).toEqual({ keepAudio: false }));

    // A title card is kept here until it has text; then main gets all of it.
    await user.click(within(inspector).getByRole('checkbox', { name: 'Show a title card before this shot' }));
    expect(fake.edits).toHaveLength(3);
    await user.type(within(inspector).getByRole('textbox', { name: 'Title text' }), 'Chapter one{Enter}');
    await waitFor(() => expect(fake.edits.at(-1)).toEqual({ titleCard: { text: 'Chapter one', background: '#1b1b21', colour: '#ffffff', seconds: 2 } }));

    // The last shot has nothing to go into.
    await user.click(screen.getByRole('button', { name: /Harbour at dawn/ }));
    const second = screen.getByRole('region', { name: 'Settings of Shot 2' });
    expect(within(second).getByText('The last shot ends the reel.')).toBeTruthy();
    expect(within(second).queryByRole('radio', { name: 'Crossfade' })).toBeNull();
    stop();
  });

  it('shows export progress, cancels, and then says nothing was written', async () => {
    const user = userEvent.setup();
    const fake = new FakeReels([makeShot(0), makeShot(1)]);
    const stop = await openEditor(fake);
    const panel = screen.getByRole('region', { name: 'Export' });
    await user.click(within(panel).getByRole('button', { name: 'Export MP4 (1280 × 720)' }));
    expect(fake.api.calls.find((c) => c.name === 'reels.export')?.input).toEqual({ reelId: '1' });
    expect(await within(panel).findByText('Checking the shots…')).toBeTruthy();
    expect(within(panel).getByRole('button', { name: /Export MP4/ })).toHaveProperty('disabled', true);

    fake.api.emit('reels.exportProgress', { exportId: 'export-1', reelId: '1', phase: 'encoding', fraction: 0.4, outSeconds: 3.2, totalSeconds: 8, speed: 2.5 });
    expect(within(panel).getByRole('progressbar', { name: 'Export progress' }).getAttribute('aria-valuenow')).toBe('40');
    expect(within(panel).getByText('Encoding… 40% (3.2 of 8.0 s) · 2.5× real time')).toBeTruthy();

    await user.click(within(panel).getByRole('button', { name: 'Cancel export' }));
    expect(fake.api.calls.find((c) => c.name === 'reels.cancelExport')?.input).toEqual({ exportId: 'export-1' });
    fake.api.emit('reels.exportProgress', { exportId: 'export-1', reelId: '1', phase: 'canceled', fraction: 0.4, outSeconds: 3.2, totalSeconds: 8, speed: null });
    expect(within(panel).getByText('Export canceled; no file was written.')).toBeTruthy();
    expect(within(panel).queryByRole('progressbar')).toBeNull();
    expect(within(panel).getByRole('button', { name: /Export MP4/ })).toHaveProperty('disabled', false);
    stop();
  });

  it('names the shot whose file is missing, in main’s words, and marks it in the strip', async () => {
    const user = userEvent.setup();
    const fake = new FakeReels([makeShot(0), makeShot(1)]);
    fake.refuseExport = {
      kind: 'invalid_input',
      message: 'The reel “Trailer” cannot be exported yet.',
      issues: [{ path: 'shots.1', code: 'shot_file_missing', message: 'Shot 2 (“Harbour at dawn”): its file /clips/harbour.mp4 is missing.' }],
    };
    const stop = await openEditor(fake);
    const panel = screen.getByRole('region', { name: 'Export' });
    await user.click(within(panel).getByRole('button', { name: /Export MP4/ }));
    const alert = await within(panel).findByRole('alert');
    expect(alert.textContent).toContain('The reel cannot be exported yet:');
    expect(within(alert).getByRole('listitem').textContent).toBe('Shot 2 (“Harbour at dawn”): its file /clips/harbour.mp4 is missing.');
    const marked = [...document.querySelectorAll('.shot-card.problem')].map((el) => el.querySelector('.shot-title')?.textContent);
    expect(marked).toEqual(['Harbour at dawn']);
    stop();
  });

  it('links a finished export to its library item', async () => {
    const user = userEvent.setup();
    const onOpenItem = vi.fn();
    const fake = new FakeReels([makeShot(0)]);
    const stop = await openEditor(fake, onOpenItem);
    const panel = screen.getByRole('region', { name: 'Export' });
    await user.click(within(panel).getByRole('button', { name: /Export MP4/ }));
    await within(panel).findByText('Checking the shots…');
    fake.api.emit('reels.exportProgress', {
      exportId: 'export-1',
      reelId: '1',
      phase: 'done',
      fraction: 1,
      outSeconds: 4,
      totalSeconds: 4,
      speed: null,
      itemId: '99',
      path: '/library/Trailer.mp4',
      shotListJson: '/library/Trailer.shots.json',
      shotListCsv: '/library/Trailer.shots.csv',
    });
    expect(within(panel).getByText('Exported to /library/Trailer.mp4.')).toBeTruthy();
    await user.click(within(panel).getByRole('button', { name: 'Open the export in the Library' }));
    expect(onOpenItem).toHaveBeenCalledWith('99');
    stop();
  });

  it('shows each shot’s job state, and speaks Chinese', async () => {
    const fake = new FakeReels([
      makeShot(0),
      makeShot(1, { source: { kind: 'planned', operation: 'haiper.generate', params: { prompt: 'a lighthouse at night' } }, clip: null, itemId: null, state: 'generating', jobId: 'j1', jobStatus: 'running', jobProgress: 40 }),
      makeShot(2, { source: { kind: 'planned', operation: 'haiper.generate', params: { prompt: 'rain' } }, clip: null, itemId: null, state: 'failed', error: { kind: 'moderation', message: 'prompt blocked' } }),
    ]);
    const stop = await openEditor(fake);
    expect(screen.getByText('Generating 40%')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Generate missing shots (1)' })).toBeTruthy();
    await userEvent.setup().click(within(screen.getByRole('listitem', { name: 'Shot 3: rain' })).getAllByRole('button')[0] as HTMLElement);
    expect(screen.getByRole('region', { name: 'Settings of Shot 3' }).textContent).toContain('The last generation failed: Rejected by the vendor’s content check: prompt blocked');
    await setLanguage('zh-CN');
    expect(screen.getByText('生成中 40%')).toBeTruthy();
    expect(screen.getByRole('button', { name: '生成缺失的镜头（1）' })).toBeTruthy();
    stop();
  });
});

describe('reel shots from plans and the library', () => {
  it('plans a shot in the compose form, adds it after the selected one, and generates the missing shots', async () => {
    const user = userEvent.setup();
    const fake = new FakeReels([makeShot(0), makeShot(1)]);
    const stop = await openEditor(fake);
    await user.click(screen.getByRole('button', { name: 'Plan a new shot…' }));
    const sheet = screen.getByRole('dialog', { name: 'Plan a shot' });
    await user.selectOptions(within(sheet).getByRole('combobox', { name: 'Operation' }), 'haiper.generate');
    await user.type(within(sheet).getByLabelText('Prompt'), 'a lighthouse at dusk');
    await user.click(within(sheet).getByRole('button', { name: 'Add planned shot' }));
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Plan a shot' })).toBeNull());
    const added = fake.api.calls.find((c) => c.name === 'reels.addShots')?.input as RequestInput<'reels.addShots'>;
    expect(added.at).toBe(1);
    expect(added.shots).toEqual([{ source: { kind: 'planned', operation: 'haiper.generate', params: expect.objectContaining({ prompt: 'a lighthouse at dusk' }) as unknown } }]);
    expect(stripTitles()).toEqual(['Fox in neon rain', 'a lighthouse at dusk', 'Harbour at dawn']);
    // The new shot is the one being edited now.
    expect(screen.getByRole('region', { name: 'Settings of Shot 2' }).textContent).toContain('Planned with Haiper · Generate video.');

    await user.click(screen.getByRole('button', { name: 'Plan a new shot…' }));
    const again = screen.getByRole('dialog', { name: 'Plan a shot' });
    await user.selectOptions(within(again).getByRole('combobox', { name: 'Operation' }), 'haiper.generate');
    await user.type(within(again).getByLabelText('Prompt'), 'rain on a window');
    await user.click(within(again).getByRole('button', { name: 'Add planned shot' }));
    await waitFor(() => expect(stripTitles()).toHaveLength(4));

    await user.click(screen.getByRole('button', { name: 'Generate missing shots (2)' }));
    const note = await screen.findByText('1 shot sent to the vendor.');
    expect(note.parentElement?.textContent).toContain('Shot 3: The vendor refused the parameters: prompt too long for this model');
    expect(await screen.findByText('Queued')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Generate missing shots (1)' })).toBeTruthy();
    stop();
  });

  it('swaps one shot for another library clip, and asks main to regenerate or extend it', async () => {
    const user = userEvent.setup();
    const fake = new FakeReels([makeShot(0), makeShot(1)]);
    const stop = await openEditor(fake);
    const inspector = screen.getByRole('region', { name: 'Settings of Shot 1' });
    await user.click(within(inspector).getByRole('button', { name: 'Swap clip…' }));
    const picker = await screen.findByRole('dialog', { name: 'Another clip for Shot 1' });
    await user.click(await within(picker).findByRole('button', { name: 'Use: Lighthouse at dusk' }));
    await waitFor(() => expect(fake.api.calls.find((c) => c.name === 'reels.swapShot')?.input).toEqual({ reelId: '1', shotId: '1', source: { kind: 'item', itemId: '77' } }));
    await user.click(within(inspector).getByRole('button', { name: 'Regenerate' }));
    await user.click(within(inspector).getByRole('button', { name: 'Extend with Haiper' }));
    await waitFor(() => {
      expect(fake.api.calls.filter((c) => c.name === 'reels.regenerateShot' || c.name === 'reels.extendShot').map((c) => [c.name, c.input])).toEqual([
        ['reels.regenerateShot', { reelId: '1', shotId: '1' }],
        ['reels.extendShot', { reelId: '1', shotId: '1' }],
      ]);
    });
    // Shot 2 was not touched.
    expect(fake.reel.shots[1]?.source).toEqual({ kind: 'item', itemId: '11' });
    stop();
  });
});

describe('reel preview timeline', () => {
  it('plays trimmed shots one after another, title cards before their shot, crossfades overlapping', () => {
    const reel: Reel = {
      id: '1',
      name: 'r',
      aspectRatio: '16:9',
      resolution: { width: 1280, height: 720 },
      notes: '',
      durationSeconds: null,
      lastExportItemId: null,
      createdAt: 0,
      updatedAt: 0,
      shots: [
        makeShot(0, { trimIn: 1, trimOut: 3, transition: { kind: 'crossfade', seconds: 0.5 } }),
        makeShot(1, { titleCard: { text: 'Part two', background: '#000000', seconds: 1 }, keepAudio: false }),
        makeShot(2, { state: 'planned', clip: null }),
      ],
    };
    const segments = reelSegments(reel, (s, part) => `Shot ${s.position + 1} ${part}`);
    expect(segments.map((s) => [s.kind, s.key, s.fadeInMs])).toEqual([
      ['clip', '1', 0],
      ['title', '2:title', 500],
      ['clip', '2', 0],
    ]);
    expect(segments.map((s) => s.label)).toEqual(['Shot 1 clip', 'Shot 2 title', 'Shot 2 clip']);
    expect(segments[0]).toMatchObject({ inMs: 1000, outMs: 3000, muted: false });
    expect(segments[2]).toMatchObject({ inMs: 0, outMs: 4000, muted: true });
    const timeline = layout(segments);
    // 2 s of shot 1, the card fading in over its last 0.5 s, 1 s of card, 4 s of shot 2.
    expect(timeline.placed.map((p) => [p.startMs, p.endMs])).toEqual([
      [0, 2000],
      [1500, 2500],
      [2500, 6500],
    ]);
    expect(timeline.totalMs).toBe(6500);
    const mid = activeAt(timeline, 1750);
    expect(mid.map((a) => [a.placed.segment.key, a.opacity])).toEqual([
      ['1', 1],
      ['2:title', 0.5],
    ]);
    expect(activeAt(timeline, 3000).map((a) => [a.placed.segment.key, a.localMs])).toEqual([['2', 500]]);
  });

  it('shows what plays at any point of the paused preview: a clip muted as its shot says, the card on its colour', () => {
    const segments = reelSegments(
      {
        id: '1', name: 'r', aspectRatio: '16:9', resolution: { width: 1280, height: 720 }, notes: '', durationSeconds: null, lastExportItemId: null, createdAt: 0, updatedAt: 0,
        shots: [
          makeShot(0, { trimIn: 1, trimOut: 3, keepAudio: false }),
          makeShot(1, { titleCard: { text: 'Part two', background: '#336699', colour: '#ffcc00', seconds: 1 } }),
        ],
      },
      (shot, part) => `${part === 'title' ? 'Card of ' : ''}Shot ${shot.position + 1}`,
    );
    render(<ReelPlayer segments={segments} width={1280} height={720} />);
    const position = screen.getByRole('slider', { name: 'Position in the reel' });
    expect(position.getAttribute('max')).toBe('7000');
    expect(screen.getByTestId('reel-now').textContent).toBe('Shot 1');
    const first = document.querySelector<HTMLVideoElement>('video[data-segment="1"]');
    expect(first?.muted).toBe(true);
    fireEvent.change(position, { target: { value: '2500' } });
    expect(screen.getByTestId('reel-now').textContent).toBe('Card of Shot 2');
    const card = document.querySelector<HTMLElement>('.reel-title-layer');
    expect(card?.textContent).toBe('Part two');
    expect(card?.style.background).toBe('rgb(51, 102, 153)');
    expect(card?.style.color).toBe('rgb(255, 204, 0)');
    fireEvent.change(position, { target: { value: '3500' } });
    expect(screen.getByTestId('reel-now').textContent).toBe('Shot 2');
    expect(document.querySelector('.reel-title-layer')).toBeNull();
    expect(screen.getByText('0:04 / 0:07')).toBeTruthy();
  });
});
