import { REEL_FPS, type ReelResolution } from '@shared/reels';

/**
 * The ffmpeg command of an export, as data: one input per clip, one filtergraph that brings every
 * segment to the reel's format and joins them. Pure, so the timing rules are unit-testable without
 * running ffmpeg.
 *
 * The timeline is a list of segments (a shot's title card, then its clip) with a transition between
 * each pair: a cut, or a crossfade of D seconds during which both play, so the total is the sum of the
 * segments minus the crossfades. The ffmpeg the registry package ships predates `xfade`, so a video
 * crossfade is a `blend` of the outgoing tail and the incoming head (each split off with `trim`), and
 * the audio one is `acrossfade`.
 */

export interface ClipSegment {
  kind: 'clip';
  path: string;
  /** Seconds into the file where the segment starts, and how long it plays. */
  start: number;
  duration: number;
  still: boolean;
  /** The file has an audio stream and the shot keeps it. */
  audio: boolean;
}

export interface CardSegment {
  kind: 'card';
  duration: number;
  background: string;
  colour: string;
  /** The text file drawtext reads (no escaping of user text) and the font; null draws the colour only. */
  textFile: string | null;
  fontFile: string | null;
}

export type Segment = ClipSegment | CardSegment;

export interface TimelinePlan {
  segments: Segment[];
  /** `crossfades[i]`: seconds of overlap between segment i and i+1 (0 = cut); length segments − 1. */
  crossfades: number[];
  resolution: ReelResolution;
}

export interface FfmpegPlan {
  inputs: string[][];
  filtergraph: string;
  totalSeconds: number;
}

export const AUDIO_RATE = 48_000;

/** Both levels of ffmpeg's filter escaping: the option value, then the filtergraph around it. */
export function escapeFilterValue(value: string): string {
  const option = value.replace(/[\\':]/g, (c) => `\\${c}`);
  return option.replace(/[\\'[\],;]/g, (c) => `\\${c}`);
}

const n = (value: number): string => String(Math.round(value * 1_000_000) / 1_000_000);
const hex = (colour: string): string => `0x${colour.slice(1)}`;

export function totalSeconds(plan: Pick<TimelinePlan, 'segments' | 'crossfades'>): number {
  return plan.segments.reduce((sum, s) => sum + s.duration, 0) - plan.crossfades.reduce((sum, d) => sum + d, 0);
}

export function buildFfmpegPlan(plan: TimelinePlan): FfmpegPlan {
  const { width: W, height: H } = plan.resolution;
  const inputs: string[][] = [];
  const graph: string[] = [];
  const video: string[] = [];
  const audio: string[] = [];

  plan.segments.forEach((segment, i) => {
    const v = `v${i}`;
    const a = `a${i}`;
    const silence = `anullsrc=r=${AUDIO_RATE}:cl=stereo,atrim=duration=${n(segment.duration)}[${a}]`;
    if (segment.kind === 'card') {
      const text =
        segment.textFile && segment.fontFile
          ? `,drawtext=fontfile=${escapeFilterValue(segment.fontFile)}:textfile=${escapeFilterValue(segment.textFile)}:expansion=none` +
            `:fontcolor=${hex(segment.colour)}:fontsize=${Math.max(12, Math.round(Math.min(W, H) / 10))}:line_spacing=${Math.round(Math.min(W, H) / 40)}` +
            `:x=(w-text_w)/2:y=(h-text_h)/2`
          : '';
      graph.push(`color=c=${hex(segment.background)}:s=${W}x${H}:r=${REEL_FPS}:d=${n(segment.duration)},format=yuv420p${text},setsar=1[${v}]`);
      graph.push(silence);
    } else {
      const index = inputs.length;
      inputs.push(
        segment.still
          ? ['-loop', '1', '-framerate', String(REEL_FPS), '-t', n(segment.duration), '-i', segment.path]
          : [...(segment.start > 0 ? ['-ss', n(segment.start)] : []), '-t', n(segment.duration), '-i', segment.path],
      );
      // Fit inside the frame, keep the picture's shape, pad the rest black; constant rate for joining.
      graph.push(
        `[${index}:v]scale=${W}:${H}:force_original_aspect_ratio=decrease,pad=${W}:${H}:(ow-iw)/2:(oh-ih)/2:color=black,setsar=1,` +
          `fps=${REEL_FPS},format=yuv420p,tpad=stop_mode=clone:stop_duration=${n(segment.duration)},trim=duration=${n(segment.duration)},setpts=PTS-STARTPTS[${v}]`,
      );
      // A clip without sound (or muted) gets a silent track, so every export has AAC audio throughout.
      graph.push(
        segment.audio
          ? `[${index}:a]aresample=${AUDIO_RATE},aformat=sample_fmts=fltp:channel_layouts=stereo,apad,atrim=duration=${n(segment.duration)},asetpts=PTS-STARTPTS[${a}]`
          : silence,
      );
    }
    video.push(v);
    audio.push(a);
  });

  // Video: split each segment into head (crossfade in), body, tail (crossfade out); blend tails into heads.
  const pieces: string[] = [];
  plan.segments.forEach((segment, i) => {
    const into = i > 0 ? (plan.crossfades[i - 1] ?? 0) : 0;
    const out = i < plan.segments.length - 1 ? (plan.crossfades[i] ?? 0) : 0;
    const L = segment.duration;
    const parts = [into > 0 ? 'h' : null, 'b', out > 0 ? 't' : null].filter((p): p is string => p !== null);
    const label = (p: string): string => `${p}${i}`;
    if (parts.length === 1) {
      pieces.push(`v${i}`);
    } else {
      graph.push(`[v${i}]split=${parts.length}${parts.map((p) => `[s${p}${i}]`).join('')}`);
      if (into > 0) graph.push(`[sh${i}]trim=end=${n(into)},setpts=PTS-STARTPTS[${label('h')}]`);
      graph.push(`[sb${i}]trim=start=${n(into)}:end=${n(L - out)},setpts=PTS-STARTPTS[${label('b')}]`);
      if (out > 0) graph.push(`[st${i}]trim=start=${n(L - out)},setpts=PTS-STARTPTS[${label('t')}]`);
      if (into > 0) {
        const d = n(into);
        graph.push(`[t${i - 1}][h${i}]blend=all_expr='A*(1-min(T/${d}\\,1))+B*min(T/${d}\\,1)':shortest=1,setpts=PTS-STARTPTS[x${i}]`);
        pieces.push(`x${i}`);
      }
      pieces.push(label('b'));
    }
  });
  graph.push(`${pieces.map((p) => `[${p}]`).join('')}concat=n=${pieces.length}:v=1:a=0[vout]`);

  // Audio: runs of cuts are concatenated; a crossfade overlaps the two sides with acrossfade.
  let acc = audio[0] ?? 'a0';
  let run: string[] = [acc];
  let step = 0;
  const flush = (): void => {
    if (run.length > 1) {
      const label = `ac${step++}`;
      graph.push(`${run.map((r) => `[${r}]`).join('')}concat=n=${run.length}:v=0:a=1[${label}]`);
      acc = label;
    } else acc = run[0] ?? acc;
  };
  for (let i = 1; i < audio.length; i++) {
    const d = plan.crossfades[i - 1] ?? 0;
    const next = audio[i] ?? '';
    if (d > 0) {
      flush();
      const label = `ax${step++}`;
      graph.push(`[${acc}][${next}]acrossfade=d=${n(d)}:c1=tri:c2=tri[${label}]`);
      acc = label;
      run = [acc];
    } else run.push(next);
  }
  flush();
  graph.push(`[${acc}]anull[aout]`);

  return { inputs, filtergraph: graph.join(';\n'), totalSeconds: totalSeconds(plan) };
}

/** Encoder settings: fast on two cores, widely playable, streamable (moov first). */
export function outputArgs(out: string): string[] {
  return [
    '-map', '[vout]', '-map', '[aout]',
    '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '21', '-pix_fmt', 'yuv420p', '-profile:v', 'high',
    '-r', String(REEL_FPS),
    '-c:a', 'aac', '-b:a', '160k', '-ar', String(AUDIO_RATE), '-ac', '2',
    '-movflags', '+faststart',
    '-f', 'mp4', out,
  ];
}
