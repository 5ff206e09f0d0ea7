import { z } from 'zod';
import type { MediaKind } from '@shared/catalog';
import type { MediaFacts } from '@shared/media';
import { lastProblem, mediaTools, runTool } from './ffmpeg';

/** What ffprobe reads from a file, before it is tied to a library item (see `MediaFacts`). */
export type ProbedMedia = Omit<MediaFacts, 'itemId' | 'probedAt'>;

const PROBE_TIMEOUT_MS = 30_000;

const probeJson = z.object({
  streams: z
    .array(
      z.object({
        codec_type: z.string().optional(),
        codec_name: z.string().optional(),
        width: z.number().optional(),
        height: z.number().optional(),
        avg_frame_rate: z.string().optional(),
        r_frame_rate: z.string().optional(),
        duration: z.string().optional(),
        disposition: z.object({ attached_pic: z.number().optional() }).partial().optional(),
      }),
    )
    .default([]),
  format: z.object({ duration: z.string().optional(), format_name: z.string().optional() }).optional(),
});

/** "30000/1001" → 29.97; "0/0" (unknown) → null. */
export function frameRate(value: string | undefined): number | null {
  const match = value ? /^(\d+)\/(\d+)$/.exec(value) : null;
  if (!match) return null;
  const rate = Number(match[1]) / Number(match[2]);
  return Number.isFinite(rate) && rate > 0 && rate < 1000 ? Math.round(rate * 1000) / 1000 : null;
}

const seconds = (value: string | undefined): number | null => {
  const n = value === undefined ? NaN : Number(value);
  return Number.isFinite(n) && n > 0 ? n : null;
};

export const undecodable = (problem: string): ProbedMedia => ({
  decodable: false,
  problem,
  durationSeconds: null,
  width: null,
  height: null,
  fps: null,
  videoCodec: null,
  audioCodec: null,
  hasAudio: false,
});

/**
 * Real facts from ffprobe: a file it cannot open, or one without a picture stream, is undecodable and
 * `problem` carries ffprobe's own words. Still images have no duration or frame rate.
 */
export async function probeMedia(path: string, kind: MediaKind = 'video'): Promise<ProbedMedia> {
  const { ffprobe } = mediaTools();
  const { done } = runTool(ffprobe, ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', '--', path], { collect: true, timeoutMs: PROBE_TIMEOUT_MS });
  const result = await done;
  if (result.code !== 0) return undecodable(lastProblem(result.stderr));
  let parsed;
  try {
    parsed = probeJson.parse(JSON.parse(result.stdout.toString('utf8')));
  } catch {
    return undecodable('ffprobe gave an answer that could not be read.');
  }
  const video = parsed.streams.find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic);
  const audio = parsed.streams.find((s) => s.codec_type === 'audio');
  if (!video) return undecodable(audio ? 'The file has sound but no picture.' : 'ffprobe found no picture in the file.');
  const still = kind === 'image';
  return {
    decodable: true,
    problem: null,
    durationSeconds: still ? null : (seconds(parsed.format?.duration) ?? seconds(video.duration)),
    width: video.width ?? null,
    height: video.height ?? null,
    fps: still ? null : (frameRate(video.avg_frame_rate) ?? frameRate(video.r_frame_rate)),
    videoCodec: video.codec_name ?? null,
    audioCodec: audio?.codec_name ?? null,
    hasAudio: audio !== undefined,
  };
}
