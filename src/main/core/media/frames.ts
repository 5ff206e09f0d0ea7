import { AppError } from '@shared/errors';
import { lastProblem, mediaTools, runTool } from './ffmpeg';

const FRAME_TIMEOUT_MS = 30_000;
/** Posters are at most this tall (the grid shows them small); the width follows the picture. */
export const POSTER_HEIGHT = 360;

/**
 * One frame of a video (or an image) at `seconds`, scaled to `height` pixels, as PNG or JPEG bytes,
 * made with ffmpeg in main. Seeking before the input (`-ss` first) jumps to the nearest keyframe and
 * decodes from there, so a frame late in a long clip costs no more than one early on.
 */
export async function grabFrame(path: string, options: { seconds: number; height: number; format: 'png' | 'jpeg' }): Promise<Buffer> {
  const { ffmpeg } = mediaTools();
  const codec = options.format === 'png' ? ['-c:v', 'png'] : ['-c:v', 'mjpeg', '-q:v', '5'];
  const args = [
    '-v', 'error', '-nostdin',
    ...(options.seconds > 0 ? ['-ss', options.seconds.toFixed(3)] : []),
    '-i', path,
    '-frames:v', '1',
    // Never upscale a small picture; keep the width even for the encoders' sake.
    '-vf', `scale=-2:'min(${options.height},ih)'`,
    '-an', '-f', 'image2pipe', ...codec, 'pipe:1',
  ];
  const { done } = runTool(ffmpeg, args, { collect: true, timeoutMs: FRAME_TIMEOUT_MS });
  const result = await done;
  if (result.code !== 0 || result.stdout.length === 0) {
    throw new AppError('io', `No frame could be decoded from ${path}: ${result.code === 0 ? 'the file has no picture at that time' : lastProblem(result.stderr)}`);
  }
  return result.stdout;
}

/** Times of `count` evenly spaced frames: the middle of each of `count` equal parts of the clip. */
export function stripTimes(durationSeconds: number | null, count: number): number[] {
  if (durationSeconds === null || durationSeconds <= 0) return [0];
  return Array.from({ length: count }, (_, i) => Math.round(((i + 0.5) * durationSeconds * 1000) / count) / 1000);
}
