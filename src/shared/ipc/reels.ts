import { z } from 'zod';
import { FRAME_STRIP_MAX_FRAMES, FRAME_STRIP_MAX_HEIGHT, type FrameStrip, type MediaFacts } from '../media';
import {
  REEL_ASPECT_RATIOS,
  REEL_NAME_MAX,
  REEL_NOTES_MAX,
  REEL_SHOTS_MAX,
  reelIdSchema,
  reelResolutionSchema,
  shotEditSchema,
  shotIdSchema,
  shotInputSchema,
  shotSourceSchema,
  type GenerateMissingResult,
  type Reel,
  type ReelExportProgress,
  type ReelExportStart,
  type ReelSummary,
} from '../reels';
import { event, request } from './define';

const itemId = z.string().regex(/^[1-9]\d{0,14}$/, 'must be a library item id');
const reelId = reelIdSchema;
const shotId = shotIdSchema;
const exportId = z.string().min(1).max(100);
const name = z.string().trim().min(1).max(REEL_NAME_MAX);
const position = z.number().int().min(0).max(REEL_SHOTS_MAX);

export const reelsRequests = {
  /** Every reel, most recently changed first. */
  'reels.list': request(z.object({}).strict()).returns<ReelSummary[]>(),
  'reels.get': request(z.object({ id: reelId }).strict()).returns<Reel>(),
  /**
   * A new reel, optionally filled from library items (a multi-selection, in that order) and/or shots.
   * Without a format it takes 16:9 at 1280×720; `resolution` must fit `aspectRatio` (main checks).
   */
  'reels.create': request(
    z
      .object({
        name,
        aspectRatio: z.enum(REEL_ASPECT_RATIOS).optional(),
        resolution: reelResolutionSchema.optional(),
        notes: z.string().max(REEL_NOTES_MAX).optional(),
        itemIds: z.array(itemId).max(REEL_SHOTS_MAX).optional(),
        shots: z.array(shotInputSchema).max(REEL_SHOTS_MAX).optional(),
      })
      .strict(),
  ).returns<Reel>(),
  'reels.update': request(
    z
      .object({
        id: reelId,
        name: name.optional(),
        aspectRatio: z.enum(REEL_ASPECT_RATIOS).optional(),
        resolution: reelResolutionSchema.optional(),
        notes: z.string().max(REEL_NOTES_MAX).optional(),
      })
      .strict(),
  ).returns<Reel>(),
  /** Forgets the reel and its shots; library items (and past exports) stay. */
  'reels.delete': request(z.object({ id: reelId }).strict()).returns<{ id: string }>(),

  /** Inserts shots at `at` (default: the end), in order. */
  'reels.addShots': request(z.object({ reelId, shots: z.array(shotInputSchema).min(1).max(REEL_SHOTS_MAX), at: position.optional() }).strict()).returns<Reel>(),
  /** Trim, audio, transition, title card of one shot. */
  'reels.updateShot': request(z.object({ reelId, shotId, edit: shotEditSchema }).strict()).returns<Reel>(),
  /** Moves one shot to position `to` (0-based, clamped to the end); the others keep their order. */
  'reels.moveShot': request(z.object({ reelId, shotId, to: position }).strict()).returns<Reel>(),
  'reels.removeShot': request(z.object({ reelId, shotId }).strict()).returns<Reel>(),
  /**
   * Puts another source in one shot (another library item, or a new plan); its trims reset, its audio,
   * transition and title card stay; no other shot changes.
   */
  'reels.swapShot': request(z.object({ reelId, shotId, source: shotSourceSchema }).strict()).returns<Reel>(),

  /** Submits every planned shot without a result (and not already generating) through the job engine. */
  'reels.generateMissing': request(z.object({ reelId }).strict()).returns<GenerateMissingResult>(),
  /**
   * Runs one shot's generation again (a planned shot, or an item that came from a job: its parameters);
   * the shot keeps playing its old item until the new one lands.
   */
  'reels.regenerateShot': request(z.object({ reelId, shotId }).strict()).returns<Reel>(),
  /**
   * Extends one shot's clip with Haiper extend (its vendor link must still work); the result becomes
   * the shot's item. `params` are extra extend fields (`prompt`, `config.extendDuration`, `settings.seed`…).
   */
  'reels.extendShot': request(z.object({ reelId, shotId, params: z.record(z.string().max(100), z.unknown()).optional() }).strict()).returns<Reel>(),

  /**
   * Starts an export; progress arrives on `reels.exportProgress`. Without `out` the MP4 is written into the
   * library folder. Every shot must be ready: otherwise an `invalid_input` error lists the shots (issues
   * with `code` from REEL_PROBLEM_CODES and path `shots.<position>`) and nothing is written.
   */
  'reels.export': request(z.object({ reelId, out: z.string().min(1).max(4096).optional() }).strict()).returns<ReelExportStart>(),
  /** Stops an export and deletes its partial file. */
  'reels.cancelExport': request(z.object({ exportId }).strict()).returns<{ exportId: string; canceled: boolean }>(),

  /** ffprobe's facts about an item's file, probed again now and stored. */
  'media.facts': request(z.object({ itemId }).strict()).returns<MediaFacts>(),
  /** Evenly spaced frames of a video (for trimming), made in main with ffmpeg. */
  'media.frames': request(
    z
      .object({
        itemId,
        count: z.number().int().min(1).max(FRAME_STRIP_MAX_FRAMES).default(10),
        height: z.number().int().min(16).max(FRAME_STRIP_MAX_HEIGHT).default(90),
      })
      .strict(),
  ).returns<FrameStrip>(),
} as const;

export const reelsEvents = {
  /** A reel or one of its shots changed (edits, a shot's job moved, a shot's item landed). */
  'reels.updated': event<Reel>(),
  'reels.removed': event<{ id: string }>(),
  /** At most ~5 per second per export, plus every phase change. */
  'reels.exportProgress': event<ReelExportProgress>(),
} as const;
