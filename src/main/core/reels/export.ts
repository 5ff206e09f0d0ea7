import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { AppError, isAppError, type ErrorInfo, type ErrorIssue } from '@shared/errors';
import { REEL_FPS, type Reel, type ReelExportProgress, type ReelExportStart, type ReelProblemCode } from '@shared/reels';
import { commitFileAtomic, tempPathBeside, writeFileAtomic } from '../fs/atomic';
import { sha256File } from '../library/files';
import type { LibraryStore } from '../library/store';
import type { Logger } from '../log';
import { lastProblem, mediaTools, runTool } from '../media/ffmpeg';
import { probeMedia } from '../media/probe';
import type { MediaService } from '../media/service';
import { findTitleFont } from './fonts';
import { buildFfmpegPlan, outputArgs, type Segment } from './plan';
import type { ReelService, ResolvedShot } from './service';
import { shotListCsv, shotListJson, type ShotListRow } from './shot-list';

const PROGRESS_EVERY_MS = 200;
/** Shortest body a shot may keep between its crossfades (a frame and a bit). */
const MIN_BODY_SECONDS = 0.05;

const frames = (seconds: number): number => Math.round(seconds * REEL_FPS) / REEL_FPS;

export interface ExportOptions {
  /** Absolute path of the MP4; default: a new file named after the reel in the library folder. */
  out?: string | undefined;
}

export interface ExportRun {
  start: ReelExportStart;
  /** Settles with the last progress event (done, failed or canceled); never rejects. */
  finished: Promise<ReelExportProgress>;
}

interface Running {
  controller: AbortController;
  finished: Promise<ReelExportProgress>;
}

export interface ReelExporterOptions {
  reels: ReelService;
  library: LibraryStore;
  media: MediaService;
  /** Where an export goes when no path is given (the library folder). */
  outputDir: () => string;
  log: Logger;
  onProgress?: (progress: ReelExportProgress) => void;
  now?: () => number;
}

function problem(shot: ResolvedShot, code: ReelProblemCode, message: string): ErrorIssue {
  return { path: `shots.${shot.shot.position}`, code, message: `Shot ${shot.shot.position + 1}${shot.item ? ` (“${shot.item.title}”)` : ''}: ${message}` };
}

function fileName(name: string): string {
  const cleaned = name.replace(/[\\/:*?"<>|\p{Cc}]+/gu, ' ').replace(/\s+/g, ' ').trim().slice(0, 120);
  return cleaned || 'Reel';
}

function freePath(dir: string, stem: string): string {
  for (let i = 1; ; i++) {
    const path = join(dir, `${stem}${i === 1 ? '' : ` (${i})`}.mp4`);
    if (!existsSync(path)) return path;
  }
}

/**
 * Exports a reel to one MP4 with ffmpeg in main. Everything that can be checked is checked before
 * ffmpeg starts (each shot has a file that decodes, trims fit the clips, crossfades fit the shots), so a
 * refused export writes nothing. ffmpeg writes a temp file beside the target; only a finished encode is
 * renamed into place, and a failed or canceled one is deleted. The finished file becomes a library item
 * whose lineage lists every shot's item, with the shot list beside it as JSON and CSV.
 */
export class ReelExporter {
  private readonly o: ReelExporterOptions;
  private readonly running = new Map<string, Running>();
  private starting = false;
  private readonly now: () => number;

  constructor(options: ReelExporterOptions) {
    this.o = options;
    this.now = options.now ?? Date.now;
  }

  /**
   * Checks the reel and starts ffmpeg; one export at a time (an encode takes both cores). Throws before
   * anything is written when a shot is not ready.
   */
  async start(reelId: string, options: ExportOptions = {}): Promise<ExportRun> {
    if (this.running.size > 0 || this.starting) throw new AppError('conflict', 'An export is already running; wait for it to finish or cancel it.');
    this.starting = true;
    try {
      return await this.begin(reelId, options);
    } finally {
      this.starting = false;
    }
  }

  private async begin(reelId: string, options: ExportOptions): Promise<ExportRun> {
    const { reel, shots } = this.o.reels.resolve(reelId);
    const lengths = await this.check(reel, shots);
    const out = options.out ? resolve(options.out) : freePath(this.o.outputDir(), fileName(reel.name));
    if (options.out && extname(out).toLowerCase() !== '.mp4') throw new AppError('invalid_input', `An export is an MP4 file; name it ….mp4 (got ${basename(out)}).`);
    mkdirSync(dirname(out), { recursive: true });
    const work = await mkdtemp(join(tmpdir(), 'promptreel-export-'));
    const warnings: string[] = [];
    const { segments, crossfades } = this.timeline(reel, shots, lengths, work, warnings);
    const plan = buildFfmpegPlan({ segments, crossfades, resolution: reel.resolution });
    const graphFile = join(work, 'graph.txt');
    writeFileSync(graphFile, plan.filtergraph);
    const exportId = randomUUID();
    const temp = tempPathBeside(out);
    const controller = new AbortController();
    const base: Omit<ReelExportProgress, 'phase' | 'fraction' | 'outSeconds' | 'speed'> = { exportId, reelId, totalSeconds: plan.totalSeconds };
    const emit = (progress: ReelExportProgress): ReelExportProgress => {
      try {
        this.o.onProgress?.(progress);
      } catch (error) {
        this.o.log.warn('reels: a progress listener failed', { error });
      }
      return progress;
    };
    emit({ ...base, phase: 'checking', fraction: 0, outSeconds: 0, speed: null });

    const args = ['-v', 'error', '-nostdin', '-y', '-progress', 'pipe:1', '-nostats', ...plan.inputs.flat(), '-filter_complex_script', graphFile, '-threads', '0', ...outputArgs(temp)];
    const finished = this.encode({ args, temp, out, controller, base, emit, reel, shots, lengths, warnings }).finally(() => {
      this.running.delete(exportId);
      void rm(work, { recursive: true, force: true });
    });
    this.running.set(exportId, { controller, finished });
    return { start: { exportId, reelId, totalSeconds: plan.totalSeconds }, finished };
  }

  cancel(exportId: string): { exportId: string; canceled: boolean } {
    const run = this.running.get(exportId);
    if (!run) return { exportId, canceled: false };
    run.controller.abort();
    return { exportId, canceled: true };
  }

  async close(): Promise<void> {
    const runs = [...this.running.values()];
    for (const run of runs) run.controller.abort();
    await Promise.all(runs.map((run) => run.finished));
  }

  // ---------------------------------------------------------------- checks

  /** Each shot's trimmed length, or an `invalid_input` error listing every shot that is not ready. */
  private async check(reel: Reel, shots: readonly ResolvedShot[]): Promise<number[]> {
    if (shots.length === 0) {
      throw new AppError('invalid_input', `The reel “${reel.name}” has no shots to export.`, { issues: [{ path: 'shots', code: 'empty_reel', message: 'The reel has no shots.' }] });
    }
    const issues: ErrorIssue[] = [];
    const lengths: number[] = [];
    for (const resolved of shots) {
      const { shot, item } = resolved;
      if (!item) {
        issues.push(
          shot.source.kind === 'planned'
            ? problem(resolved, 'shot_not_generated', shot.state === 'generating' ? 'it is still being generated.' : 'it has not been generated yet (use “Generate missing shots”).')
            : problem(resolved, 'shot_file_missing', 'its library item was deleted.'),
        );
        lengths.push(0);
        continue;
      }
      const onDisk = await stat(item.path).then(
        (s) => s.isFile(),
        () => false,
      );
      if (!onDisk) {
        issues.push(problem(resolved, 'shot_file_missing', `its file ${item.path} is missing.`));
        lengths.push(0);
        continue;
      }
      const facts = await this.o.media.ensure(item.id).catch((error: unknown) => {
        throw isAppError(error) ? error : new AppError('io', `Shot ${shot.position + 1} could not be read: ${String(error)}`);
      });
      if (!facts.decodable) {
        issues.push(problem(resolved, 'shot_undecodable', `its file cannot be decoded (${facts.problem ?? 'unknown problem'}).`));
        lengths.push(0);
        continue;
      }
      const still = item.kind === 'image';
      const duration = still ? null : facts.durationSeconds;
      if (!still && duration === null) {
        issues.push(problem(resolved, 'shot_undecodable', 'its length cannot be read from the file.'));
        lengths.push(0);
        continue;
      }
      const end = shot.trimOut ?? (duration ?? shot.trimIn + 3);
      if (duration !== null && (shot.trimIn >= duration || end > duration + 1 / REEL_FPS)) {
        issues.push(problem(resolved, 'trim_out_of_range', `its trim (${shot.trimIn}–${end} s) goes past the clip's ${Math.round(duration * 100) / 100} s.`));
        lengths.push(0);
        continue;
      }
      lengths.push(frames(Math.min(end, duration ?? end) - shot.trimIn));
    }
    // Crossfades overlap neighbours: each segment must keep something of its own between them.
    shots.forEach((resolved, i) => {
      const into = i > 0 && !shots[i]?.shot.titleCard ? crossfadeOf(shots[i - 1]) : 0;
      const out = i < shots.length - 1 ? crossfadeOf(resolved) : 0;
      const outTarget = i < shots.length - 1 && shots[i + 1]?.shot.titleCard ? (shots[i + 1]?.shot.titleCard?.seconds ?? 0) : (lengths[i + 1] ?? 0);
      const length = lengths[i] ?? 0;
      if (length > 0 && (length - into - out < MIN_BODY_SECONDS || (out > 0 && outTarget > 0 && out > outTarget - MIN_BODY_SECONDS))) {
        issues.push(problem(resolved, 'crossfade_too_long', `its crossfades (${into + out} s) are as long as the shot (${length} s) or the next one; shorten them.`));
      }
    });
    if (issues.length) {
      const first = issues[0]?.message ?? '';
      throw new AppError('invalid_input', issues.length === 1 ? `The reel cannot be exported. ${first}` : `The reel cannot be exported: ${issues.length} shots are not ready. ${first}`, { issues });
    }
    return lengths;
  }

  private timeline(reel: Reel, shots: readonly ResolvedShot[], lengths: readonly number[], work: string, warnings: string[]): { segments: Segment[]; crossfades: number[] } {
    const segments: Segment[] = [];
    const crossfades: number[] = [];
    shots.forEach((resolved, i) => {
      const { shot, item } = resolved;
      if (!item) return;
      const previous = i > 0 ? crossfadeOf(shots[i - 1]) : 0;
      if (shot.titleCard) {
        if (segments.length) crossfades.push(previous);
        const text = shot.titleCard.text;
        const font = findTitleFont(text);
        let textFile: string | null = null;
        if (font) {
          textFile = join(work, `card-${i}.txt`);
          writeFileSync(textFile, wrap(text, reel.resolution.width, reel.resolution.height));
        } else warnings.push(`Shot ${shot.position + 1}'s title card was drawn without its text: no font for it was found on this computer.`);
        segments.push({ kind: 'card', duration: frames(shot.titleCard.seconds), background: shot.titleCard.background, colour: shot.titleCard.colour ?? '#ffffff', textFile, fontFile: font });
        crossfades.push(0);
      } else if (segments.length) crossfades.push(previous);
      const facts = this.o.media.stored(item.id);
      segments.push({
        kind: 'clip',
        path: item.path,
        start: shot.trimIn,
        duration: lengths[i] ?? 0,
        still: item.kind === 'image',
        audio: shot.keepAudio && (facts?.hasAudio ?? false),
      });
    });
    return { segments, crossfades: crossfades.map(frames) };
  }

  // ---------------------------------------------------------------- encoding

  private async encode(run: {
    args: string[];
    temp: string;
    out: string;
    controller: AbortController;
    base: Omit<ReelExportProgress, 'phase' | 'fraction' | 'outSeconds' | 'speed'>;
    emit: (progress: ReelExportProgress) => ReelExportProgress;
    reel: Reel;
    shots: readonly ResolvedShot[];
    lengths: readonly number[];
    warnings: string[];
  }): Promise<ReelExportProgress> {
    const { base, emit, temp } = run;
    const total = base.totalSeconds;
    let outSeconds = 0;
    let speed: number | null = null;
    let lastSent = 0;
    let pending = '';
    const onStdout = (chunk: Buffer): void => {
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const [key, value = ''] = line.trim().split('=', 2);
        if (key === 'out_time_us' || key === 'out_time_ms') {
          // ffmpeg reports microseconds under both names (out_time_ms is misnamed).
          const us = Number(value);
          if (Number.isFinite(us) && us >= 0) outSeconds = Math.min(total, us / 1_000_000);
        } else if (key === 'speed') {
          const x = Number.parseFloat(value);
          speed = Number.isFinite(x) ? x : null;
        } else if (key === 'progress') {
          const now = this.now();
          if (now - lastSent >= PROGRESS_EVERY_MS) {
            lastSent = now;
            emit({ ...base, phase: 'encoding', fraction: total > 0 ? outSeconds / total : 0, outSeconds, speed });
          }
        }
      }
    };
    const removeTemp = (): void => rmSync(temp, { force: true });
    try {
      const { done } = runTool(mediaTools().ffmpeg, run.args, { onStdout, signal: run.controller.signal });
      const result = await done;
      if (run.controller.signal.aborted) {
        removeTemp();
        return emit({ ...base, phase: 'canceled', fraction: total > 0 ? outSeconds / total : 0, outSeconds, speed });
      }
      if (result.code !== 0) {
        removeTemp();
        throw new AppError('io', `ffmpeg could not export the reel: ${lastProblem(result.stderr)}`);
      }
      emit({ ...base, phase: 'finishing', fraction: 1, outSeconds: total, speed });
      commitFileAtomic(temp, run.out);
      const lists = this.writeShotLists(run.out, run.reel, run.shots, run.lengths);
      const itemId = await this.addToLibrary(run.out, run.reel, run.shots);
      return emit({ ...base, phase: 'done', fraction: 1, outSeconds: total, speed, itemId, path: run.out, shotListJson: lists.json, shotListCsv: lists.csv, ...(run.warnings.length ? { warnings: run.warnings } : {}) });
    } catch (error) {
      removeTemp();
      const info: ErrorInfo = isAppError(error) ? error.toInfo() : { kind: 'internal', message: `The export failed unexpectedly: ${error instanceof Error ? error.message : String(error)}` };
      this.o.log.warn('reels: an export failed', { reelId: base.reelId, error });
      return emit({ ...base, phase: 'failed', fraction: total > 0 ? outSeconds / total : 0, outSeconds, speed, error: info });
    }
  }

  private writeShotLists(out: string, reel: Reel, shots: readonly ResolvedShot[], lengths: readonly number[]): { json: string; csv: string } {
    const stem = out.slice(0, out.length - extname(out).length);
    const rows: ShotListRow[] = [];
    let at = 0;
    shots.forEach((resolved, i) => {
      const card = resolved.shot.titleCard?.seconds ?? 0;
      const length = lengths[i] ?? 0;
      rows.push({ resolved, startsAt: Math.round((at + card) * 1000) / 1000, length });
      at += card + length - (i < shots.length - 1 ? crossfadeOf(resolved) : 0);
    });
    const json = `${stem}.shots.json`;
    const csv = `${stem}.shots.csv`;
    writeFileAtomic(json, shotListJson(reel, rows, basename(out)));
    writeFileAtomic(csv, shotListCsv(rows));
    return { json, csv };
  }

  private async addToLibrary(out: string, reel: Reel, shots: readonly ResolvedShot[]): Promise<string> {
    const probed = await probeMedia(out, 'video');
    const size = statSync(out);
    const ownFolder = resolve(dirname(out)) === resolve(this.o.outputDir());
    const [id = ''] = this.o.library.insertItems([
      {
        path: out,
        title: basename(out, extname(out)),
        kind: 'video',
        mime: 'video/mp4',
        sizeBytes: size.size,
        sha256: await sha256File(out),
        width: probed.width,
        height: probed.height,
        durationMs: probed.durationSeconds === null ? null : Math.round(probed.durationSeconds * 1000),
        fileModifiedAt: Math.round(size.mtimeMs),
        // In the library folder it is the app's own file (removing it trashes it); elsewhere the user's.
        source: ownFolder ? 'job' : 'import',
        notes: `Exported from the reel “${reel.name}” (${shots.length} shots).`,
        tags: ['reel'],
      },
    ]);
    this.o.reels.repo.setSources(id, shots.map((s) => s.item?.id).filter((x): x is string => x !== undefined));
    this.o.reels.setLastExport(reel.id, id);
    // Announces the new item (the media service then makes its poster).
    this.o.library.setMediaFacts(id, { width: probed.width, height: probed.height, durationMs: probed.durationSeconds === null ? null : Math.round(probed.durationSeconds * 1000) });
    return id;
  }
}

function crossfadeOf(resolved: ResolvedShot | undefined): number {
  return resolved?.shot.transition.kind === 'crossfade' ? frames(resolved.shot.transition.seconds) : 0;
}

/** Breaks a title into lines that fit the frame at the card's font size (about 0.6 em a character). */
function wrap(text: string, width: number, height: number): string {
  const fontSize = Math.max(12, Math.round(Math.min(width, height) / 10));
  const perLine = Math.max(8, Math.floor((width * 0.9) / (fontSize * 0.6)));
  return text
    .split(/\r?\n/)
    .flatMap((paragraph) => {
      const words = paragraph.split(/\s+/).filter(Boolean);
      const lines: string[] = [];
      let line = '';
      for (const word of words) {
        if (line && line.length + 1 + word.length > perLine) {
          lines.push(line);
          line = word;
        } else line = line ? `${line} ${word}` : word;
      }
      lines.push(line);
      return lines;
    })
    .join('\n');
}
