import { z } from 'zod';
import { OPERATION_IDS, type OperationId } from './catalog/spec';
import type { ErrorInfo } from './errors';
import type { JobStatus } from './jobs';

/**
 * A reel: an ordered list of shots that export to one finished video. Each shot plays a library item
 * (picked, or made by a job the reel submitted) trimmed to a range, optionally after a title card, and
 * cuts or crossfades into the next shot. Schemas here are the single source of every bound; main checks
 * every payload with them before a handler runs.
 */

export const REEL_NAME_MAX = 200;
export const REEL_NOTES_MAX = 10_000;
export const REEL_SHOTS_MAX = 200;
export const TITLE_CARD_TEXT_MAX = 200;
/** Longest crossfade between two shots (seconds); it also may not exceed either shot's length. */
export const CROSSFADE_MAX_SECONDS = 5;
export const TITLE_CARD_MAX_SECONDS = 30;
/** Longest trimmed range a shot may ask for; a clip's real length bounds it further at export. */
export const SHOT_MAX_SECONDS = 3_600;
export const REEL_FPS = 30;

export const REEL_ASPECT_RATIOS = ['16:9', '9:16', '1:1', '4:3', '3:4', '21:9'] as const;
export type ReelAspectRatio = (typeof REEL_ASPECT_RATIOS)[number];

/** Short sides the UI offers (the long side follows from the aspect ratio, rounded to even pixels). */
export const REEL_SHORT_SIDES = [180, 360, 480, 720, 1080] as const;

export function aspectValue(aspect: ReelAspectRatio): number {
  const [w, h] = aspect.split(':').map(Number);
  return (w ?? 16) / (h ?? 9);
}

/** The output size for an aspect ratio and a short side, both sides even (H.264 4:2:0 needs it). */
export function resolutionFor(aspect: ReelAspectRatio, shortSide: number): ReelResolution {
  const ratio = aspectValue(aspect);
  const even = (value: number): number => Math.max(2, Math.round(value / 2) * 2);
  return ratio >= 1 ? { width: even(shortSide * ratio), height: even(shortSide) } : { width: even(shortSide), height: even(shortSide / ratio) };
}

const evenSide = z
  .number()
  .int()
  .min(64)
  .max(3840)
  .refine((n) => n % 2 === 0, 'must be an even number of pixels');

export const reelResolutionSchema = z.object({ width: evenSide, height: evenSide }).strict();
export type ReelResolution = z.infer<typeof reelResolutionSchema>;

/** Width/height may differ from the aspect ratio by rounding only (2%), so the format is one thing. */
export function resolutionMatches(aspect: ReelAspectRatio, resolution: ReelResolution): boolean {
  return Math.abs(resolution.width / resolution.height / aspectValue(aspect) - 1) <= 0.02;
}

export const reelIdSchema = z.string().regex(/^[1-9]\d{0,14}$/, 'must be a reel id');
export const shotIdSchema = z.string().regex(/^[1-9]\d{0,14}$/, 'must be a shot id');
const itemIdSchema = z.string().regex(/^[1-9]\d{0,14}$/, 'must be a library item id');

/** `#rrggbb`. */
export const colourSchema = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour like #1a2b3c');

export const titleCardSchema = z
  .object({
    text: z.string().trim().min(1).max(TITLE_CARD_TEXT_MAX),
    background: colourSchema,
    /** Text colour; white when absent. */
    colour: colourSchema.optional(),
    seconds: z.number().min(0.5).max(TITLE_CARD_MAX_SECONDS),
  })
  .strict();
export type TitleCard = z.infer<typeof titleCardSchema>;

/** How a shot goes into the next one; ignored on the last shot. */
export const transitionSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('cut') }).strict(),
  z.object({ kind: z.literal('crossfade'), seconds: z.number().min(0.1).max(CROSSFADE_MAX_SECONDS) }).strict(),
]);
export type Transition = z.infer<typeof transitionSchema>;

/**
 * What a shot plays: a library item, or a planned generation (the studio form's operation and
 * parameters, in the vendor's field names) that `reels.generateMissing` turns into one.
 */
export const shotSourceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('item'), itemId: itemIdSchema }).strict(),
  z
    .object({
      kind: z.literal('planned'),
      operation: z.enum(OPERATION_IDS),
      params: z.record(z.string().max(100), z.unknown()),
      /** A local file for an operation with a `fileField` (stylize), as in `jobs.submit`. */
      file: z.string().min(1).max(4096).optional(),
      /** The library item the generation starts from, for lineage (extend, stylize, upscale). */
      parentItemId: itemIdSchema.optional(),
    })
    .strict(),
]);
export type ShotSource = z.infer<typeof shotSourceSchema>;
export type PlannedShotSource = Extract<ShotSource, { kind: 'planned' }>;

const seconds = z.number().min(0).max(SHOT_MAX_SECONDS);

/** The editable parts of a shot; trims are seconds into the clip, `trimOut: null` = the clip's end. */
export const shotEditSchema = z
  .object({
    trimIn: seconds.optional(),
    trimOut: seconds.nullable().optional(),
    keepAudio: z.boolean().optional(),
    transition: transitionSchema.optional(),
    /** Shown before the clip; null removes it. */
    titleCard: titleCardSchema.nullable().optional(),
  })
  .strict();
export type ShotEdit = z.infer<typeof shotEditSchema>;

/** A shot to add: its source plus any edits (defaults: whole clip, audio kept, cut, no title card). */
export const shotInputSchema = shotEditSchema.extend({ source: shotSourceSchema }).strict();
export type ShotInput = z.infer<typeof shotInputSchema>;

/**
 * Where a shot stands, derived by main:
 * `ready` — it has a playable library item; `planned` — nothing submitted yet (or the last job's result
 * is gone); `generating` — its job is queued or running; `failed` — its last job ended without a result
 * (see `error`); `missing` — its item's file is not on disk; `undecodable` — ffprobe could not read it.
 */
export const SHOT_STATES = ['ready', 'planned', 'generating', 'failed', 'missing', 'undecodable'] as const;
export type ShotState = (typeof SHOT_STATES)[number];

/** What ffprobe found in a file (also stored on library items; see `MediaFacts` in ./media). */
export interface ShotClip {
  /** The library item the shot plays now. */
  itemId: string;
  title: string;
  durationSeconds: number | null;
  width: number | null;
  height: number | null;
  hasAudio: boolean | null;
  mediaUrl: string;
  posterUrl: string | null;
}

export interface Shot {
  id: string;
  /** 0-based order in the reel; contiguous. */
  position: number;
  source: ShotSource;
  trimIn: number;
  trimOut: number | null;
  keepAudio: boolean;
  transition: Transition;
  titleCard: TitleCard | null;
  /** The item the shot plays: the source item, or the one its generation produced (linked when generated). */
  itemId: string | null;
  /** The job that is making (or last made) this shot, for planned and extended shots. */
  jobId: string | null;
  jobStatus: JobStatus | null;
  /** 0–100 while generating. */
  jobProgress: number | null;
  state: ShotState;
  /** Why the last generation failed, in the vendor's own words where it gave some. */
  error: ErrorInfo | null;
  /** The played item's facts, when there is one. */
  clip: ShotClip | null;
}

export interface Reel {
  id: string;
  name: string;
  aspectRatio: ReelAspectRatio;
  resolution: ReelResolution;
  notes: string;
  shots: Shot[];
  /** Seconds the export will last with the current trims, title cards and crossfades; null while any shot's length is unknown. */
  durationSeconds: number | null;
  /** The library item of the last finished export, if any. */
  lastExportItemId: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface ReelSummary {
  id: string;
  name: string;
  aspectRatio: ReelAspectRatio;
  resolution: ReelResolution;
  shotCount: number;
  /** Shots that are not `ready`. */
  pendingCount: number;
  durationSeconds: number | null;
  posterUrl: string | null;
  createdAt: number;
  updatedAt: number;
}

/** A reel as the list shows it: main answers `reels.list` with these, the renderer refreshes one from a reel it got. */
export function reelSummary(reel: Reel): ReelSummary {
  return {
    id: reel.id,
    name: reel.name,
    aspectRatio: reel.aspectRatio,
    resolution: reel.resolution,
    shotCount: reel.shots.length,
    pendingCount: reel.shots.filter((s) => s.state !== 'ready').length,
    durationSeconds: reel.durationSeconds,
    posterUrl: reel.shots.find((s) => s.clip?.posterUrl)?.clip?.posterUrl ?? null,
    createdAt: reel.createdAt,
    updatedAt: reel.updatedAt,
  };
}

// ---------------------------------------------------------------- export

/** Why a reel cannot export yet, per shot; the export's `ErrorInfo.issues` carry these as `code`, path `shots.<position>`. */
export const REEL_PROBLEM_CODES = [
  'empty_reel',
  'shot_not_generated',
  'shot_file_missing',
  'shot_undecodable',
  'shot_not_video',
  'trim_out_of_range',
  'crossfade_too_long',
] as const;
export type ReelProblemCode = (typeof REEL_PROBLEM_CODES)[number];

export const REEL_EXPORT_PHASES = ['checking', 'encoding', 'finishing', 'done', 'failed', 'canceled'] as const;
export type ReelExportPhase = (typeof REEL_EXPORT_PHASES)[number];

export interface ReelExportProgress {
  exportId: string;
  reelId: string;
  phase: ReelExportPhase;
  /** 0–1 of the reel's duration encoded so far. */
  fraction: number;
  /** Seconds of output written so far and in all. */
  outSeconds: number;
  totalSeconds: number;
  /** Encoding speed as a multiple of real time, when ffmpeg reports it. */
  speed: number | null;
  /** Set when `phase === 'done'`: the export's library item and its sidecar shot lists. */
  itemId?: string;
  path?: string;
  shotListJson?: string;
  shotListCsv?: string;
  /** Set when `phase === 'failed'`. */
  error?: ErrorInfo;
  /** Set when `phase === 'done'` and something was not rendered as asked (a title card without a font). */
  warnings?: string[];
}

export interface ReelExportStart {
  exportId: string;
  reelId: string;
  totalSeconds: number;
}

export interface GenerateMissingResult {
  reel: Reel;
  /** Shots whose job was submitted now. */
  submitted: { shotId: string; jobId: string }[];
  /** Shots whose job was refused before any vendor saw it (invalid parameters, no key…). */
  refused: { shotId: string; error: ErrorInfo }[];
}

export type { OperationId };
