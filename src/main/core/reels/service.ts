import { AppError, isAppError, type ErrorInfo } from '@shared/errors';
import { OPERATIONS, setParam } from '@shared/catalog';
import { isFinalStatus, type Job } from '@shared/jobs';
import {
  REEL_SHOTS_MAX,
  resolutionFor,
  resolutionMatches,
  type GenerateMissingResult,
  type PlannedShotSource,
  reelSummary,
  type Reel,
  type ReelAspectRatio,
  type ReelResolution,
  type ReelSummary,
  type Shot,
  type ShotClip,
  type ShotEdit,
  type ShotInput,
  type ShotSource,
  type ShotState,
} from '@shared/reels';
import type { Logger } from '../log';
import type { LibraryStore, StoredItem } from '../library/store';
import { posterUrlOf } from '../library/store';
import type { MediaService } from '../media/service';
import type { NewShot, ReelRepo, ReelRow, StoredShot } from './repo';

/** A still image placed in a reel plays this long unless its trim says otherwise. */
export const IMAGE_SHOT_SECONDS = 3;
const DEFAULT_ASPECT: ReelAspectRatio = '16:9';
const DEFAULT_SHORT_SIDE = 720;

/** What the service needs of the job engine: the engine itself fits. */
export interface ReelJobs {
  get(id: string): Job;
  subscribe(listener: (event: { type: string; job?: Job }) => void): () => void;
}

/** How a planned shot is submitted: `jobs.submit` with its input-file checks (see files/job-inputs.ts). */
export type SubmitJob = (input: { operation: PlannedShotSource['operation']; params: Record<string, unknown>; file?: string; parentItemId?: string }) => Promise<Job>;

export interface ReelServiceOptions {
  repo: ReelRepo;
  library: LibraryStore;
  media: MediaService;
  jobs: ReelJobs;
  submit: SubmitJob;
  mediaUrlPrefix: string;
  log: Logger;
  now?: () => number;
  onUpdated?: (reel: Reel) => void;
  onRemoved?: (id: string) => void;
}

/** A shot as the export and the sidecar shot list need it: the item it plays and its timing. */
export interface ResolvedShot {
  shot: Shot;
  item: StoredItem | null;
  /** Seconds of the clip the shot plays, once trimmed; null when the clip's length is unknown. */
  length: number | null;
}

function describeBlock(code: string): string {
  switch (code) {
    case 'file_missing':
      return 'its file is missing';
    case 'no_remote_url':
      return 'it has no vendor link (Haiper extends clips by URL only; imported files have none)';
    case 'remote_url_expired':
      return 'its vendor link has expired';
    case 'remote_url_expiring':
      return 'its vendor link expires in a few minutes, too soon for a job to fetch it';
    default:
      return code;
  }
}

/** Reels and their shots: CRUD, ordering, generation through the job engine, and the links to items. */
export class ReelService {
  readonly repo: ReelRepo;
  private readonly o: ReelServiceOptions;
  private readonly now: () => number;
  private readonly stops: (() => void)[] = [];

  constructor(options: ReelServiceOptions) {
    this.o = options;
    this.repo = options.repo;
    this.now = options.now ?? Date.now;
  }

  /** Links shots to the items their jobs produce, and announces shots whose job moved. */
  watch(): () => void {
    this.stops.push(
      this.o.library.onChange((change) => {
        if (change.type === 'updated') this.onItem(change.item);
        else if (change.type === 'removed') this.announceReels(this.repo.reelIdsPlaying(change.id));
      }),
      this.o.jobs.subscribe((event) => {
        if (event.type === 'updated' && event.job) this.announceReels([...new Set(this.repo.shotsOfJob(event.job.id).map((s) => s.reelId))]);
      }),
    );
    return () => this.stop();
  }

  stop(): void {
    for (const stop of this.stops.splice(0)) stop();
  }

  // ---------------------------------------------------------------- reading

  list(): ReelSummary[] {
    return this.repo.reels().map((row) => reelSummary(this.view(row)));
  }

  get(id: string): Reel {
    return this.view(this.row(id));
  }

  /** Each shot with the item it plays and its trimmed length (for the export). */
  resolve(id: string): { reel: Reel; shots: ResolvedShot[] } {
    const row = this.row(id);
    const resolved = this.repo.shots(id).map((stored) => this.resolveShot(stored));
    return { reel: this.assemble(row, resolved), shots: resolved };
  }

  // ---------------------------------------------------------------- editing

  create(input: { name: string; aspectRatio?: ReelAspectRatio | undefined; resolution?: ReelResolution | undefined; notes?: string | undefined; itemIds?: string[] | undefined; shots?: ShotInput[] | undefined }): Reel {
    const aspectRatio = input.aspectRatio ?? DEFAULT_ASPECT;
    const resolution = input.resolution ?? resolutionFor(aspectRatio, DEFAULT_SHORT_SIDE);
    this.checkFormat(aspectRatio, resolution);
    const shots = [...(input.itemIds ?? []).map((itemId): ShotInput => ({ source: { kind: 'item', itemId } })), ...(input.shots ?? [])];
    if (shots.length > REEL_SHOTS_MAX) throw new AppError('invalid_input', `A reel can have at most ${REEL_SHOTS_MAX} shots.`);
    const newShots = shots.map((shot) => this.newShot(shot));
    const id = this.repo.createReel({ name: input.name.trim(), aspectRatio, width: resolution.width, height: resolution.height, notes: input.notes ?? '' }, this.now());
    if (newShots.length) this.repo.insertShots(id, 0, newShots, this.now());
    return this.changed(id);
  }

  update(input: { id: string; name?: string | undefined; aspectRatio?: ReelAspectRatio | undefined; resolution?: ReelResolution | undefined; notes?: string | undefined }): Reel {
    const row = this.row(input.id);
    const aspectRatio = input.aspectRatio ?? row.aspect_ratio;
    // A new shape without a size keeps the short side; a new size must fit the shape.
    const resolution = input.resolution ?? (input.aspectRatio ? resolutionFor(aspectRatio, Math.min(row.width, row.height)) : { width: row.width, height: row.height });
    this.checkFormat(aspectRatio, resolution);
    const columns: Parameters<ReelRepo['updateReel']>[1] = { aspect_ratio: aspectRatio, width: resolution.width, height: resolution.height };
    if (input.name !== undefined) columns.name = input.name.trim();
    if (input.notes !== undefined) columns.notes = input.notes;
    this.repo.updateReel(input.id, columns, this.now());
    return this.changed(input.id);
  }

  delete(id: string): { id: string } {
    this.row(id);
    this.repo.deleteReel(id);
    this.o.onRemoved?.(id);
    return { id };
  }

  addShots(reelId: string, shots: ShotInput[], at?: number): Reel {
    const count = this.repo.shots(reelId).length;
    if (count + shots.length > REEL_SHOTS_MAX) throw new AppError('invalid_input', `A reel can have at most ${REEL_SHOTS_MAX} shots (it has ${count}).`);
    const newShots = shots.map((shot) => this.newShot(shot));
    this.repo.insertShots(reelId, Math.min(at ?? count, count), newShots, this.now());
    return this.changed(reelId);
  }

  updateShot(reelId: string, shotId: string, edit: ShotEdit): Reel {
    const shot = this.shotOf(reelId, shotId);
    const trimIn = edit.trimIn ?? shot.trimIn;
    const trimOut = edit.trimOut === undefined ? shot.trimOut : edit.trimOut;
    if (trimOut !== null && trimOut <= trimIn) {
      throw new AppError('invalid_input', `The shot's end (${trimOut} s) must come after its start (${trimIn} s).`, { issues: [{ path: 'edit.trimOut', message: 'must be after trimIn' }] });
    }
    const columns: Parameters<ReelRepo['updateShot']>[1] = { trim_in: trimIn, trim_out: trimOut };
    if (edit.keepAudio !== undefined) columns.keep_audio = edit.keepAudio ? 1 : 0;
    if (edit.transition !== undefined) columns.transition = JSON.stringify(edit.transition);
    if (edit.titleCard !== undefined) columns.title_card = edit.titleCard === null ? null : JSON.stringify(edit.titleCard);
    this.repo.updateShot(shotId, columns);
    this.repo.touch(reelId, this.now());
    return this.changed(reelId);
  }

  moveShot(reelId: string, shotId: string, to: number): Reel {
    this.shotOf(reelId, shotId);
    const ids = this.repo.shots(reelId).map((s) => s.id).filter((id) => id !== shotId);
    ids.splice(Math.min(to, ids.length), 0, shotId);
    this.repo.reorder(reelId, ids, this.now());
    return this.changed(reelId);
  }

  removeShot(reelId: string, shotId: string): Reel {
    this.shotOf(reelId, shotId);
    this.repo.removeShot(reelId, shotId, this.now());
    return this.changed(reelId);
  }

  /** Another source for one shot; its trims start over, its audio, transition and title card stay. */
  swapShot(reelId: string, shotId: string, source: ShotSource): Reel {
    this.shotOf(reelId, shotId);
    const shot = this.newShot({ source });
    this.repo.updateShot(shotId, {
      source: JSON.stringify(shot.source),
      trim_in: 0,
      trim_out: null,
      item_id: shot.itemId === undefined || shot.itemId === null ? null : Number(shot.itemId),
      job_id: null,
      error: null,
    });
    this.repo.touch(reelId, this.now());
    return this.changed(reelId);
  }

  // ---------------------------------------------------------------- generation

  /** Every planned shot without a result, not already generating, goes to the job engine. */
  async generateMissing(reelId: string): Promise<GenerateMissingResult> {
    const { shots } = this.resolve(reelId);
    const submitted: GenerateMissingResult['submitted'] = [];
    const refused: GenerateMissingResult['refused'] = [];
    for (const { shot } of shots) {
      if (shot.source.kind !== 'planned' || (shot.state !== 'planned' && shot.state !== 'failed')) continue;
      const outcome = await this.submitShot(shot.id, shot.source);
      if ('jobId' in outcome) submitted.push({ shotId: shot.id, jobId: outcome.jobId });
      else refused.push({ shotId: shot.id, error: outcome.error });
    }
    this.repo.touch(reelId, this.now());
    return { reel: this.changed(reelId), submitted, refused };
  }

  /**
   * One shot's generation again: a planned shot's plan, or the parameters of the job that made its
   * item. The shot keeps its current item until the new one lands.
   */
  async regenerateShot(reelId: string, shotId: string): Promise<Reel> {
    const { shot, item } = this.resolveShot(this.shotOf(reelId, shotId));
    if (shot.state === 'generating') throw new AppError('conflict', `Shot ${shot.position + 1} is still generating; wait for it or cancel its job first.`);
    let source: PlannedShotSource;
    if (shot.source.kind === 'planned') source = shot.source;
    else if (item?.operation && item.params) {
      source = { kind: 'planned', operation: item.operation, params: item.params, ...(item.parentId ? { parentItemId: item.parentId } : {}) };
      if (OPERATIONS[item.operation].fileField) {
        const file = item.jobId ? this.jobInputFile(item.jobId) : null;
        if (!file) throw new AppError('invalid_input', `Shot ${shot.position + 1} was made from a local video that is no longer known, so it cannot be made again; swap in a new plan instead.`);
        source.file = file;
      }
    } else {
      throw new AppError('invalid_input', `Shot ${shot.position + 1} plays an imported file, not a generated one, so there is nothing to generate again; swap it for a plan instead.`);
    }
    const outcome = await this.submitShot(shot.id, source);
    if ('error' in outcome) throw new AppError(outcome.error.kind, outcome.error.message, outcome.error.issues ? { issues: outcome.error.issues } : undefined);
    this.repo.updateShot(shot.id, { source: JSON.stringify(source) });
    this.repo.touch(reelId, this.now());
    return this.changed(reelId);
  }

  /** Extends the shot's clip with Haiper extend; the longer clip becomes the shot's item when it lands. */
  async extendShot(reelId: string, shotId: string, extra: Record<string, unknown> = {}): Promise<Reel> {
    const { shot, item } = this.resolveShot(this.shotOf(reelId, shotId));
    if (shot.state === 'generating') throw new AppError('conflict', `Shot ${shot.position + 1} is still generating; extend it once its clip has landed.`);
    if (!item) throw new AppError('invalid_input', `Shot ${shot.position + 1} has no clip yet, so there is nothing to extend.`);
    const option = this.o.library.chainOptions(item.id).find((o) => o.operation === 'haiper.extend');
    if (!option) throw new AppError('invalid_input', `Shot ${shot.position + 1} plays ${item.kind === 'image' ? 'an image' : 'a clip'} that Haiper extend cannot take.`);
    if (!option.possible) throw new AppError('invalid_input', `Shot ${shot.position + 1} cannot be extended: ${describeBlock(option.blocked?.code ?? 'unknown')}.`);
    const params = structuredClone(option.params);
    for (const [key, value] of Object.entries(extra)) {
      if (key === OPERATIONS['haiper.extend'].inputField) continue; // the clip to extend is the shot's own
      setParam(params, key, value);
    }
    const source: PlannedShotSource = { kind: 'planned', operation: 'haiper.extend', params, parentItemId: item.id };
    const outcome = await this.submitShot(shot.id, source);
    if ('error' in outcome) throw new AppError(outcome.error.kind, outcome.error.message, outcome.error.issues ? { issues: outcome.error.issues } : undefined);
    // The extended clip is longer: play all of it unless the user trims it again.
    this.repo.updateShot(shot.id, { source: JSON.stringify(source), trim_out: null });
    this.repo.touch(reelId, this.now());
    return this.changed(reelId);
  }

  /** Remembers a finished export; a reel deleted while it exported is simply gone (the file and item stay). */
  setLastExport(reelId: string, itemId: string): void {
    if (!this.repo.reel(reelId)) return;
    this.repo.updateReel(reelId, { last_export_item_id: Number(itemId) }, this.now());
    this.changed(reelId);
  }

  // ---------------------------------------------------------------- internals

  private async submitShot(shotId: string, source: PlannedShotSource): Promise<{ jobId: string } | { error: ErrorInfo }> {
    try {
      const job = await this.o.submit({
        operation: source.operation,
        params: source.params,
        ...(source.file ? { file: source.file } : {}),
        ...(source.parentItemId ? { parentItemId: source.parentItemId } : {}),
      });
      this.repo.updateShot(shotId, { job_id: job.id, error: null });
      return { jobId: job.id };
    } catch (error) {
      if (!isAppError(error)) throw error;
      const info = error.toInfo();
      this.repo.updateShot(shotId, { error: JSON.stringify(info) });
      return { error: info };
    }
  }

  private jobInputFile(jobId: string): string | null {
    try {
      return this.o.jobs.get(jobId).inputFile;
    } catch {
      return null;
    }
  }

  private onItem(item: StoredItem): void {
    const reels = new Set(this.repo.reelIdsPlaying(item.id));
    if (item.jobId) {
      for (const shot of this.repo.shotsOfJob(item.jobId)) {
        if (shot.itemId === item.id) continue;
        // The first result of the shot's job becomes what it plays (a job asked for several makes several).
        if (this.repo.itemOfJob(item.jobId) !== item.id) continue;
        this.repo.updateShot(shot.id, { item_id: Number(item.id), error: null });
        this.repo.touch(shot.reelId, this.now());
        reels.add(shot.reelId);
      }
    }
    this.announceReels([...reels]);
  }

  private announceReels(ids: readonly string[]): void {
    if (!this.o.onUpdated) return;
    for (const id of ids) {
      try {
        this.o.onUpdated(this.get(id));
      } catch (error) {
        this.o.log.warn('reels: a reel could not be announced', { reelId: id, error });
      }
    }
  }

  private changed(id: string): Reel {
    const reel = this.get(id);
    this.o.onUpdated?.(reel);
    return reel;
  }

  private row(id: string): ReelRow {
    const row = this.repo.reel(id);
    if (!row) throw new AppError('not_found', `Reel ${id} does not exist (it may have been deleted).`);
    return row;
  }

  private shotOf(reelId: string, shotId: string): StoredShot {
    this.row(reelId);
    const shot = this.repo.shot(shotId);
    if (shot?.reelId !== reelId) throw new AppError('not_found', `Shot ${shotId} is not in reel ${reelId}.`);
    return shot;
  }

  private checkFormat(aspect: ReelAspectRatio, resolution: ReelResolution): void {
    if (!resolutionMatches(aspect, resolution)) {
      throw new AppError('invalid_input', `${resolution.width}×${resolution.height} is not a ${aspect} picture; choose a size of that shape or another aspect ratio.`, {
        issues: [{ path: 'resolution', message: `must have the shape ${aspect}` }],
      });
    }
  }

  private newShot(input: ShotInput): NewShot {
    if (input.source.kind === 'item') this.o.library.get(input.source.itemId); // a clear not_found for a bad id
    if (input.trimOut !== undefined && input.trimOut !== null && input.trimOut <= (input.trimIn ?? 0)) {
      throw new AppError('invalid_input', `A shot's end (${input.trimOut} s) must come after its start (${input.trimIn ?? 0} s).`);
    }
    return { ...input, itemId: input.source.kind === 'item' ? input.source.itemId : null };
  }

  private item(id: string | null): StoredItem | null {
    if (id === null) return null;
    try {
      return this.o.library.get(id);
    } catch {
      return null;
    }
  }

  private job(id: string | null): Job | null {
    if (id === null) return null;
    try {
      return this.o.jobs.get(id);
    } catch {
      return null;
    }
  }

  private resolveShot(stored: StoredShot): ResolvedShot {
    let itemId = stored.itemId;
    if (itemId === null && stored.jobId) {
      // The result landed while nothing was listening (another process, or before a restart).
      itemId = this.repo.itemOfJob(stored.jobId);
      if (itemId) this.repo.updateShot(stored.id, { item_id: Number(itemId), error: null });
    }
    const item = this.item(itemId);
    const job = this.job(stored.jobId);
    const facts = item ? this.o.media.current(item) : null;
    const generating = job !== null && !isFinalStatus(job.status) && job.status !== 'needs_attention';
    const jobFailed = job !== null && !generating && job.status !== 'succeeded' && job.status !== 'partial' && item?.jobId !== job.id;
    // Why the last generation gave nothing: the vendor's words (the job's error) or the user's decision pending.
    const jobError: ErrorInfo | null = jobFailed ? (job.error ?? { kind: 'vendor', message: job.attention ?? `The job ended ${job.status}.` }) : null;
    let state: ShotState;
    let error: ErrorInfo | null = jobError ?? stored.error;
    if (generating) state = 'generating';
    else if (item) state = item.missing ? 'missing' : facts && !facts.decodable ? 'undecodable' : 'ready';
    else if (job && !jobFailed) state = 'generating'; // finished: its file is being saved
    else if (error) state = 'failed';
    else state = stored.source.kind === 'item' ? 'missing' : 'planned';
    if (generating) error = null;

    const duration = facts?.durationSeconds ?? (item?.durationMs ? item.durationMs / 1000 : null);
    const still = item?.kind === 'image';
    const end = stored.trimOut ?? (still ? stored.trimIn + IMAGE_SHOT_SECONDS : duration);
    const length = end === null ? null : Math.max(0, (duration !== null && !still ? Math.min(end, duration) : end) - stored.trimIn);
    const clip: ShotClip | null = item
      ? {
          itemId: item.id,
          title: item.title,
          durationSeconds: still ? null : duration,
          width: facts?.width ?? item.width,
          height: facts?.height ?? item.height,
          hasAudio: facts ? facts.hasAudio : null,
          mediaUrl: `${this.o.mediaUrlPrefix}${item.id}`,
          posterUrl: posterUrlOf(item, this.o.mediaUrlPrefix),
        }
      : null;
    const shot: Shot = {
      id: stored.id,
      position: stored.position,
      source: stored.source,
      trimIn: stored.trimIn,
      trimOut: stored.trimOut,
      keepAudio: stored.keepAudio,
      transition: stored.transition,
      titleCard: stored.titleCard,
      itemId: item?.id ?? null,
      jobId: stored.jobId,
      jobStatus: job?.status ?? null,
      jobProgress: generating ? job.progress : null,
      state,
      error,
      clip,
    };
    return { shot, item, length };
  }

  private view(row: ReelRow): Reel {
    return this.assemble(row, this.repo.shots(String(row.id)).map((stored) => this.resolveShot(stored)));
  }

  private assemble(row: ReelRow, shots: readonly ResolvedShot[]): Reel {
    let duration: number | null = 0;
    for (const [i, { shot, length }] of shots.entries()) {
      if (length === null) {
        duration = null;
        break;
      }
      duration += length + (shot.titleCard?.seconds ?? 0);
      if (i < shots.length - 1 && shot.transition.kind === 'crossfade') duration -= shot.transition.seconds;
    }
    return {
      id: String(row.id),
      name: row.name,
      aspectRatio: row.aspect_ratio,
      resolution: { width: row.width, height: row.height },
      notes: row.notes,
      shots: shots.map((s) => s.shot),
      durationSeconds: duration === null ? null : Math.round(duration * 1000) / 1000,
      lastExportItemId: row.last_export_item_id === null ? null : String(row.last_export_item_id),
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }
}
