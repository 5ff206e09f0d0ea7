import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@main/core/log';
import { mediaTools } from '@main/core/media/ffmpeg';
import { createEngine } from '@main/runtime';
import { cliEnv, runCli } from '../support/cli-process';

/** `promptreel reel export` as a real child process (the built out/main/cli.js) over a data folder the app made. */
const SANDBOX = resolve(import.meta.dirname, '../../resources/sandbox');
let root: string;
let dataDir: string;
let clips: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'promptreel-cli-reel-'));
  dataDir = join(root, 'data');
  clips = join(root, 'clips');
  mkdirSync(clips);
  copyFileSync(join(SANDBOX, 'haiper-4x3.mp4'), join(clips, 'one.mp4'));
  copyFileSync(join(SANDBOX, 'haiper-9x16.mp4'), join(clips, 'two.mp4'));
  const engine = createEngine(dataDir, { host: { transport: 'cli', log: createLogger({ sink: () => {} }) } });
  await engine.library.importFolder(clips);
  const items = engine.library.search({ sort: 'title_asc' }).items;
  const reel = engine.reels.create({ name: 'Holiday', resolution: { width: 320, height: 180 }, itemIds: items.map((i) => i.id) });
  engine.reels.create({ name: 'Gone', resolution: { width: 320, height: 180 }, itemIds: [items[0]?.id ?? ''] });
  engine.reels.updateShot(reel.id, reel.shots[0]?.id ?? '', { trimOut: 1.5 });
  await engine.close();
  env = cliEnv({ PROMPTREEL_DATA_DIR: dataDir });
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('promptreel reel export', () => {
  it('writes one MP4 of the reel with its shot lists, progress on stderr and the path on stdout', async () => {
    const out = join(root, 'holiday.mp4');
    const result = await runCli(['reel', 'export', 'Holiday', '--out', out], env);
    expect(result.stderr).toMatch(/Exporting “Holiday”: \d+%/);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(out);
    const probe = spawnSync(mediaTools().ffprobe, ['-v', 'error', '-show_entries', 'format=duration:stream=width,height', '-of', 'json', out], { encoding: 'utf8' });
    const facts = JSON.parse(probe.stdout) as { format: { duration: string }; streams: { width?: number; height?: number }[] };
    expect(Math.abs(Number(facts.format.duration) - 3.5)).toBeLessThan(0.07);
    expect(facts.streams[0]).toMatchObject({ width: 320, height: 180 });
    expect(existsSync(join(root, 'holiday.shots.json')) && existsSync(join(root, 'holiday.shots.csv'))).toBe(true);
  }, 30_000);

  it('exits 1 naming the shot whose file is missing, and writes nothing', async () => {
    rmSync(join(clips, 'one.mp4'));
    const out = join(root, 'gone', 'gone.mp4');
    const result = await runCli(['reel', 'export', 'Gone', '--out', out], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Shot 1 (“one”): its file');
    expect(result.stderr).toContain('nothing was written');
    expect(existsSync(join(root, 'gone')) ? readdirSync(join(root, 'gone')) : []).toEqual([]);
  }, 30_000);

  it('exits 2 for a reel that does not exist or an output that is not an MP4', async () => {
    const unknown = await runCli(['reel', 'export', 'Nope'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no reel with id or name “Nope”');
    const wrong = await runCli(['reel', 'export', 'Holiday', '--out', join(root, 'x.mov')], env);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('--out: an export is an MP4 file');
  }, 30_000);
});
