/**
 * `npm run bench:reel`: exports a 10-shot, 40-second reel at 1280×720 through the engine (the same path
 * as the app and `promptreel reel export`): ten 5-s source clips of five shapes (half with sound), each
 * trimmed to 4 s, four 0.5-s crossfades and a 2-s title card (40 + 2 − 2 = 40 s). The clips are made
 * first and not timed; the figure is from `reels.export` to the library item of the finished MP4.
 *
 * realtime_factor = export seconds / reel seconds (below 1: faster than real time).
 *
 * Last line: BENCH reel seconds=<export wall time> realtime_factor=<x>
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../src/main/core/log';
import { mediaTools } from '../src/main/core/media/ffmpeg';
import { probeMedia } from '../src/main/core/media/probe';
import { createEngine } from '../src/main/runtime';

const SHOTS = 10;
const SIZES = ['1280x720', '720x1280', '960x960', '960x720', '1920x1080'];
const root = mkdtempSync(join(tmpdir(), 'promptreel-bench-reel-'));
const clips = join(root, 'clips');
mkdirSync(clips);

for (let i = 0; i < SHOTS; i++) {
  const size = SIZES[i % SIZES.length] ?? '1280x720';
  const sound = i % 2 === 0;
  const args = [
    '-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=s=${size}:r=30:d=5`,
    ...(sound ? ['-f', 'lavfi', '-i', `sine=f=${220 + i * 40}:d=5`] : []),
    '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '28', '-pix_fmt', 'yuv420p',
    ...(sound ? ['-c:a', 'aac', '-shortest'] : []),
    join(clips, `clip-${String(i).padStart(2, '0')}.mp4`),
  ];
  const made = spawnSync(mediaTools().ffmpeg, args);
  if (made.status !== 0) throw new Error(`could not make clip ${i}: ${made.stderr.toString()}`);
}

const engine = createEngine(join(root, 'data'), { host: { transport: 'cli', log: createLogger({ sink: () => {} }) } });
await engine.library.importFolder(clips);
await engine.media.idle();
const items = engine.library.search({ sort: 'title_asc' }).items;
let reel = engine.reels.create({
  name: 'Bench',
  aspectRatio: '16:9',
  resolution: { width: 1280, height: 720 },
  shots: items.map((item, i) => ({
    source: { kind: 'item' as const, itemId: item.id },
    trimIn: 0.5,
    trimOut: 4.5,
    transition: i % 2 === 1 && i < SHOTS - 1 ? { kind: 'crossfade' as const, seconds: 0.5 } : { kind: 'cut' as const },
    ...(i === 0 ? { titleCard: { text: 'Promptreel bench', background: '#102030', seconds: 2 } } : {}),
  })),
});
reel = engine.reels.get(reel.id);
if (reel.durationSeconds !== 40) throw new Error(`the reel lasts ${reel.durationSeconds} s, not 40`);

const started = performance.now();
const run = await engine.exporter.start(reel.id, { out: join(root, 'bench.mp4') });
const end = await run.finished;
const seconds = (performance.now() - started) / 1000;
if (end.phase !== 'done' || !end.path) throw new Error(`the export ended ${end.phase}: ${end.error?.message ?? ''}`);
const out = await probeMedia(end.path);
process.stdout.write(
  `shots=${SHOTS} reel_s=${reel.durationSeconds} output=${out.width}x${out.height} output_s=${out.durationSeconds?.toFixed(3)} codecs=${out.videoCodec}+${out.audioCodec} ` +
    `cpus=${cpus().length} load_avg=${loadavg()[0]?.toFixed(1) ?? '?'}\n`,
);
await engine.close();
rmSync(root, { recursive: true, force: true });
process.stdout.write(`BENCH reel seconds=${seconds.toFixed(2)} realtime_factor=${(seconds / 40).toFixed(3)}\n`);
