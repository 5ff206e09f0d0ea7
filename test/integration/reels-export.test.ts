import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Envelope } from '@shared/ipc';
import type { LibraryItem, LibraryPage, Lineage } from '@shared/library';
import type { MediaFacts } from '@shared/media';
import type { GenerateMissingResult, Reel, ReelExportProgress, ReelExportStart } from '@shared/reels';
import { createLogger } from '@main/core/log';
import { mediaTools } from '@main/core/media/ffmpeg';
import { createEngine, type Runtime } from '@main/runtime';
import { startSandbox } from '@main/sandbox';

/**
 * Reels end to end through the runtime's dispatcher, as the UI drives them: a real SQLite file, real
 * ffmpeg/ffprobe from the registry packages, the sandbox vendor for generation.
 */
const SANDBOX = resolve(import.meta.dirname, '../../resources/sandbox');
const ctx = { origin: 'test' };
let runtime: Runtime;
let root: string;
let clips: string;
let outDir: string;
const progress: ReelExportProgress[] = [];
const reelEvents: Reel[] = [];

/** Polls an async check until it gives a value. */
async function until<T>(check: () => Promise<T | undefined> | T | undefined, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`not reached within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function call<T>(name: string, input: unknown): Promise<T> {
  const result = (await runtime.dispatch({ name, input }, ctx)) as Envelope<T>;
  if (!result.ok) throw Object.assign(new Error(result.error.message), { info: result.error });
  return result.value;
}

async function failure(name: string, input: unknown): Promise<{ kind: string; message: string; issues?: { path: string; code?: string; message: string }[] }> {
  const result = (await runtime.dispatch({ name, input }, ctx));
  if (result.ok) throw new Error(`${name} should have failed`);
  return result.error;
}

function probe(path: string): { duration: number; width: number; height: number; codecs: string[] } {
  const run = spawnSync(mediaTools().ffprobe, ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', path], { encoding: 'utf8' });
  const json = JSON.parse(run.stdout) as { format: { duration: string }; streams: { codec_type: string; codec_name: string; width?: number; height?: number }[] };
  const video = json.streams.find((s) => s.codec_type === 'video');
  return { duration: Number(json.format.duration), width: video?.width ?? 0, height: video?.height ?? 0, codecs: json.streams.map((s) => s.codec_name) };
}

async function waitExport(exportId: string): Promise<ReelExportProgress> {
  return until(() => progress.find((p) => p.exportId === exportId && ['done', 'failed', 'canceled'].includes(p.phase)), 30_000);
}

async function itemByTitle(title: string): Promise<LibraryItem> {
  const page = await call<LibraryPage>('library.search', { text: title });
  const found = page.items.find((i) => i.title === title);
  if (!found) throw new Error(`no item ${title}`);
  return call<LibraryItem>('library.get', { id: found.id });
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'promptreel-reels-'));
  clips = join(root, 'clips');
  outDir = join(root, 'out');
  mkdirSync(clips);
  mkdirSync(outDir);
  // Three sandbox clips of different shapes, one clip with sound, and a file that is not a video any more.
  copyFileSync(join(SANDBOX, 'haiper-9x16.mp4'), join(clips, 'tall.mp4'));
  copyFileSync(join(SANDBOX, 'haiper-1x1.mp4'), join(clips, 'square.mp4'));
  copyFileSync(join(SANDBOX, 'hidream-video-1280x720.mp4'), join(clips, 'wide.mp4'));
  const sound = spawnSync(mediaTools().ffmpeg, [
    '-v', 'error', '-f', 'lavfi', '-i', 'testsrc=s=240x180:r=24:d=1', '-f', 'lavfi', '-i', 'sine=f=440:d=1',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', '-shortest', join(clips, 'sound.mp4'),
  ]);
  expect(sound.status).toBe(0);
  writeFileSync(join(clips, 'broken.mp4'), readFileSync(join(SANDBOX, 'haiper-1x1.mp4')).subarray(0, 600));

  runtime = createEngine(join(root, 'data'), {
    host: { transport: 'browser', log: createLogger({ sink: process.env['DEBUG_REELS'] ? (line) => console.log(line) : () => {} }) },
    vendors: { sandbox: () => startSandbox({ timeScale: 0.02 }) },
  });
  runtime.events.subscribe((name, payload) => {
    if (name === 'reels.exportProgress') progress.push(payload as ReelExportProgress);
    if (name === 'reels.updated') reelEvents.push(payload as Reel);
  });
  await call('library.import', { path: clips });
  // Imported items are probed in the background, one at a time.
  await until(async () => {
    await runtime.media.idle();
    const page = await call<LibraryPage>('library.search', {});
    if (process.env['DEBUG_REELS']) console.log(page.items.map((i) => [i.title, runtime.media.stored(i.id)?.decodable]));
    return page.items.length === 5 && page.items.every((i) => runtime.media.stored(i.id)) ? true : undefined;
  });
}, 60_000);

afterAll(async () => {
  await runtime.close();
  rmSync(root, { recursive: true, force: true });
});

describe('media facts', () => {
  it('reads duration, size, frame rate and codecs of imported items with ffprobe, and makes posters in main', async () => {
    const tall = await itemByTitle('tall');
    expect(tall.facts).toMatchObject({ decodable: true, durationSeconds: 2, width: 720, height: 1280, fps: 24, videoCodec: 'h264', hasAudio: false });
    expect(tall.posterUrl).not.toBeNull();
    const sound = await itemByTitle('sound');
    expect(sound.facts).toMatchObject({ decodable: true, audioCodec: 'aac', hasAudio: true, width: 240, height: 180 });
  });

  it('says so when a file cannot be decoded', async () => {
    const broken = await itemByTitle('broken');
    expect(broken.facts).toMatchObject({ decodable: false });
    expect(broken.facts?.problem).toBeTruthy();
    expect(broken.undecodable).toBe(true);
    const page = await call<LibraryPage>('library.search', { text: 'broken' });
    expect(page.items[0]?.undecodable).toBe(true);
  });

  it('makes a strip of frames for trimming', async () => {
    const wide = await itemByTitle('wide');
    const strip = await call<{ frames: { seconds: number; dataUrl: string }[] }>('media.frames', { itemId: wide.id, count: 4, height: 40 });
    expect(strip.frames.map((f) => f.seconds)).toEqual([0.25, 0.75, 1.25, 1.75]);
    expect(strip.frames.every((f) => f.dataUrl.startsWith('data:image/jpeg;base64,/9j/'))).toBe(true);
    const facts = await call<MediaFacts>('media.facts', { itemId: wide.id });
    expect(facts).toMatchObject({ durationSeconds: 2, width: 1280, height: 720 });
  });
});

describe('reel export', () => {
  let reel: Reel;

  it('exports three clips of different shapes to one MP4 of the reel’s size, trimmed, crossfaded, with a title card and sound', async () => {
    const [tall, square, wide, sound] = await Promise.all(['tall', 'square', 'wide', 'sound'].map(itemByTitle));
    reel = await call<Reel>('reels.create', { name: 'Trip', aspectRatio: '16:9', resolution: { width: 320, height: 180 }, itemIds: [tall?.id, square?.id, wide?.id] });
    expect(reel.shots.map((s) => s.state)).toEqual(['ready', 'ready', 'ready']);
    const [s1, s2] = reel.shots;
    await call('reels.updateShot', { reelId: reel.id, shotId: s1?.id, edit: { trimIn: 0.5, titleCard: { text: 'Day one', background: '#203040', seconds: 1 } } });
    await call('reels.updateShot', { reelId: reel.id, shotId: s2?.id, edit: { trimOut: 1.5, transition: { kind: 'crossfade', seconds: 0.5 } } });
    // The sound clip's file lasts 1.024 s (its audio runs past the picture): trimmed to 1 s.
    reel = await call<Reel>('reels.addShots', { reelId: reel.id, shots: [{ source: { kind: 'item', itemId: sound?.id }, keepAudio: true, trimOut: 1 }] });
    // card 1 + tall 1.5 + square 1.5 + wide 2 − crossfade 0.5 + sound 1
    expect(reel.durationSeconds).toBe(6.5);

    const out = join(outDir, 'trip.mp4');
    const start = await call<ReelExportStart>('reels.export', { reelId: reel.id, out });
    expect(start.totalSeconds).toBeCloseTo(6.5, 5);
    const end = await waitExport(start.exportId);
    expect(end).toMatchObject({ phase: 'done', path: out });
    expect(progress.filter((p) => p.exportId === start.exportId).map((p) => p.phase)).toContain('checking');

    const media = probe(out);
    expect(media.width).toBe(320);
    expect(media.height).toBe(180);
    expect(media.codecs).toEqual(['h264', 'aac']);
    expect(Math.abs(media.duration - 6.5)).toBeLessThanOrEqual(1 / 30 + 0.03); // one frame, plus AAC's last-packet padding
    expect(readdirSync(outDir).sort()).toEqual(['trip.mp4', 'trip.shots.csv', 'trip.shots.json']);

    const json = JSON.parse(readFileSync(join(outDir, 'trip.shots.json'), 'utf8')) as { shots: { title: string; startsAt: number; seconds: number }[] };
    expect(json.shots.map((s) => [s.title, s.startsAt, s.seconds])).toEqual([
      ['tall', 1, 1.5],
      ['square', 2.5, 1.5],
      ['wide', 3.5, 2],
      ['sound', 5.5, 1],
    ]);
    const csv = readFileSync(join(outDir, 'trip.shots.csv'), 'utf8').trim().split('\r\n');
    expect(csv).toHaveLength(5);
    expect(csv[0]).toContain('prompt');

    const exported = await call<LibraryItem>('library.get', { id: end.itemId });
    expect(exported).toMatchObject({ path: out, kind: 'video', width: 320, height: 180, tags: ['reel'] });
    const lineage = await call<Lineage>('library.lineage', { id: end.itemId });
    expect(lineage.sources?.map((i) => i.title)).toEqual(['tall', 'square', 'wide', 'sound']);
    expect((await call<Reel>('reels.get', { id: reel.id })).lastExportItemId).toBe(end.itemId);
  }, 60_000);

  it('refuses a reel with a missing shot before ffmpeg starts, naming the shot, and writes nothing', async () => {
    const copy = join(clips, 'gone.mp4');
    copyFileSync(join(SANDBOX, 'haiper-4x3.mp4'), copy);
    await call('library.import', { path: clips });
    const gone = await itemByTitle('gone');
    const wide = await itemByTitle('wide');
    const broken = await call<Reel>('reels.create', { name: 'Broken', resolution: { width: 320, height: 180 }, itemIds: [wide.id, gone.id] });
    rmSync(copy);
    const out = join(outDir, 'broken.mp4');
    const error = await failure('reels.export', { reelId: broken.id, out });
    expect(error.kind).toBe('invalid_input');
    expect(error.message).toContain('Shot 2 (“gone”)');
    expect(error.message).toContain('missing');
    expect(error.issues).toEqual([expect.objectContaining({ path: 'shots.1', code: 'shot_file_missing' })]);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(outDir).filter((f) => f.includes('broken'))).toEqual([]);
  });

  it('cancels an export and leaves no partial file', async () => {
    const wide = await itemByTitle('wide');
    const long = await call<Reel>('reels.create', { name: 'Long', resolution: { width: 1280, height: 720 }, itemIds: Array.from({ length: 8 }, () => wide.id) });
    const dir = join(outDir, 'cancel');
    mkdirSync(dir);
    const start = await call<ReelExportStart>('reels.export', { reelId: long.id, out: join(dir, 'long.mp4') });
    await until(() => (readdirSync(dir).length > 0 || progress.some((p) => p.exportId === start.exportId && p.phase === 'encoding') ? true : undefined), 10_000);
    expect(await call('reels.cancelExport', { exportId: start.exportId })).toEqual({ exportId: start.exportId, canceled: true });
    expect(await waitExport(start.exportId)).toMatchObject({ phase: 'canceled' });
    expect(readdirSync(dir)).toEqual([]);
  }, 30_000);

  it('keeps a shot’s sound or mutes it, as the shot says', async () => {
    const sound = await itemByTitle('sound');
    const loudness = async (keepAudio: boolean): Promise<number> => {
      const muted = await call<Reel>('reels.create', { name: `Sound ${keepAudio}`, resolution: { width: 320, height: 180 }, shots: [{ source: { kind: 'item', itemId: sound.id }, keepAudio }] });
      const out = join(outDir, `sound-${keepAudio}.mp4`);
      const start = await call<ReelExportStart>('reels.export', { reelId: muted.id, out });
      expect(await waitExport(start.exportId)).toMatchObject({ phase: 'done' });
      const run = spawnSync(mediaTools().ffmpeg, ['-v', 'info', '-i', out, '-af', 'volumedetect', '-f', 'null', '-'], { encoding: 'utf8' });
      return Number(/max_volume: (-?[\d.]+) dB/.exec(run.stderr)?.[1]);
    };
    expect(await loudness(true)).toBeGreaterThan(-40); // the test tone peaks near −18 dBFS
    expect(await loudness(false)).toBeLessThan(-80);
  }, 30_000);

  it('checks the reel’s format and the shots’ trims', async () => {
    expect(await failure('reels.create', { name: 'Odd', aspectRatio: '9:16', resolution: { width: 320, height: 180 } })).toMatchObject({ kind: 'invalid_input', issues: [{ path: 'resolution' }] });
    const [s1] = reel.shots;
    expect(await failure('reels.updateShot', { reelId: reel.id, shotId: s1?.id, edit: { trimIn: 1, trimOut: 0.5 } })).toMatchObject({ kind: 'invalid_input' });
    expect(await failure('reels.updateShot', { reelId: reel.id, shotId: s1?.id, edit: { titleCard: { text: 'x', background: 'red', seconds: 1 } } })).toMatchObject({
      kind: 'invalid_input',
      issues: [{ path: 'edit.titleCard.background' }],
    });
  });
});

describe('reel shots from plans', () => {
  it('generates the missing shots through the job engine and links each to its library item; regenerating one leaves the others alone', async () => {
    const wide = await itemByTitle('wide');
    let reel = await call<Reel>('reels.create', {
      name: 'Planned',
      resolution: { width: 320, height: 180 },
      itemIds: [wide.id],
      shots: [
        { source: { kind: 'planned', operation: 'haiper.generate', params: { prompt: 'a kite over the sea', settings: { aspectRatio: '9:16' } } } },
        { source: { kind: 'planned', operation: 'hidream.txt2video', params: { prompt: 'a lighthouse at dusk' } } },
      ],
    });
    expect(reel.shots.map((s) => s.state)).toEqual(['ready', 'planned', 'planned']);
    const exportRefused = await failure('reels.export', { reelId: reel.id });
    expect(exportRefused.issues?.map((i) => i.code)).toEqual(['shot_not_generated', 'shot_not_generated']);

    const generated = await call<GenerateMissingResult>('reels.generateMissing', { reelId: reel.id });
    expect(generated.refused).toEqual([]);
    expect(generated.submitted).toHaveLength(2);
    expect(generated.reel.shots.slice(1).map((s) => s.state)).toEqual(['generating', 'generating']);
    // Asking again while they run submits nothing twice.
    expect((await call<GenerateMissingResult>('reels.generateMissing', { reelId: reel.id })).submitted).toEqual([]);

    reel = await until(async () => {
      const current = await call<Reel>('reels.get', { id: reel.id });
      return current.shots.every((s) => s.state === 'ready') ? current : undefined;
    }, 30_000);
    const [, kite, lighthouse] = reel.shots;
    const kiteItem = await call<LibraryItem>('library.get', { id: kite?.itemId });
    expect(kiteItem).toMatchObject({ jobId: kite?.jobId, prompt: 'a kite over the sea' });
    // A downloaded result gets ffprobe's facts like an imported file (the sandbox's 9:16 Haiper clip).
    const kiteFacts = await until(async () => (await call<LibraryItem>('library.get', { id: kite?.itemId })).facts ?? undefined);
    expect(kiteFacts).toMatchObject({ decodable: true, durationSeconds: 2, width: 720, height: 1280, fps: 24, videoCodec: 'h264' });
    expect(reelEvents.some((r) => r.id === reel.id && r.shots[1]?.itemId === kite?.itemId)).toBe(true);

    const again = await call<Reel>('reels.regenerateShot', { reelId: reel.id, shotId: kite?.id });
    expect(again.shots[1]).toMatchObject({ state: 'generating', itemId: kite?.itemId });
    expect(again.shots[1]?.jobId).not.toBe(kite?.jobId);
    expect(again.shots[2]).toMatchObject({ jobId: lighthouse?.jobId, itemId: lighthouse?.itemId, state: 'ready' });
    const relinked = await until(async () => {
      const current = await call<Reel>('reels.get', { id: reel.id });
      return current.shots[1]?.state === 'ready' && current.shots[1].itemId !== kite?.itemId ? current : undefined;
    }, 30_000);
    expect(relinked.shots[2]?.itemId).toBe(lighthouse?.itemId);

    // Extend: Haiper's clip (it has a vendor link) becomes a longer one in the same shot.
    const extended = await call<Reel>('reels.extendShot', { reelId: reel.id, shotId: kite?.id, params: { 'config.extendDuration': 2 } });
    expect(extended.shots[1]).toMatchObject({ state: 'generating', source: { kind: 'planned', operation: 'haiper.extend' } });
    const done = await until(async () => {
      const current = await call<Reel>('reels.get', { id: reel.id });
      return current.shots[1]?.state === 'ready' && current.shots[1].itemId !== relinked.shots[1]?.itemId ? current : undefined;
    }, 30_000);
    const extendedItem = await call<LibraryItem>('library.get', { id: done.shots[1]?.itemId });
    expect(extendedItem).toMatchObject({ operation: 'haiper.extend', parentId: relinked.shots[1]?.itemId });

    // An imported clip has no vendor link: extend says why instead of failing at the vendor.
    const refused = await failure('reels.extendShot', { reelId: reel.id, shotId: done.shots[0]?.id });
    expect(refused.message).toMatch(/Shot 1 cannot be extended: it has no vendor link/);
  }, 90_000);
});
