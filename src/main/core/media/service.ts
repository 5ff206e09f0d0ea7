import { stat } from 'node:fs/promises';
import { AppError } from '@shared/errors';
import type { FrameStrip, MediaFacts } from '@shared/media';
import type { Database } from '../db/database';
import type { Logger } from '../log';
import type { LibraryStore, StoredItem } from '../library/store';
import { grabFrame, POSTER_HEIGHT, stripTimes } from './frames';
import { probeMedia, undecodable, type ProbedMedia } from './probe';

/** Items a sweep queues at a time. */
const SWEEP_BATCH = 100;

interface FactsRow {
  item_id: number;
  decodable: number;
  problem: string | null;
  duration_s: number | null;
  width: number | null;
  height: number | null;
  fps: number | null;
  video_codec: string | null;
  audio_codec: string | null;
  has_audio: number;
  size_bytes: number | null;
  file_modified_at: number | null;
  probed_at: number;
}

function toFacts(row: FactsRow): MediaFacts {
  return {
    itemId: String(row.item_id),
    decodable: row.decodable === 1,
    problem: row.problem,
    durationSeconds: row.duration_s,
    width: row.width,
    height: row.height,
    fps: row.fps,
    videoCodec: row.video_codec,
    audioCodec: row.audio_codec,
    hasAudio: row.has_audio === 1,
    probedAt: row.probed_at,
  };
}

/** The `media_facts` table: SQL only. */
export class FactsRepo {
  constructor(private readonly db: Database) {}

  row(itemId: string): FactsRow | undefined {
    return this.db.prepare('SELECT * FROM media_facts WHERE item_id = ?').get(Number(itemId)) as FactsRow | undefined;
  }

  get(itemId: string): MediaFacts | null {
    const row = this.row(itemId);
    return row ? toFacts(row) : null;
  }

  /** Facts for a page of items at once (a search page, a reel's shots). */
  many(itemIds: readonly string[]): Map<string, MediaFacts> {
    const found = new Map<string, MediaFacts>();
    if (itemIds.length === 0) return found;
    const rows = this.db.prepare(`SELECT * FROM media_facts WHERE item_id IN (SELECT value FROM json_each(?))`).all(JSON.stringify(itemIds.map(Number))) as unknown as FactsRow[];
    for (const row of rows) found.set(String(row.item_id), toFacts(row));
    return found;
  }

  /**
   * Items on disk that were never probed, newest first, below item id `below` (imports, and libraries
   * from before probing). A sweep pages down with it, so each batch starts where the last one ended
   * instead of walking every item probed so far.
   */
  unprobed(limit: number, below = Number.MAX_SAFE_INTEGER): number[] {
    const rows = this.db
      .prepare('SELECT id FROM items i WHERE id < ? AND missing = 0 AND NOT EXISTS (SELECT 1 FROM media_facts f WHERE f.item_id = i.id) ORDER BY id DESC LIMIT ?')
      .all(below, limit) as { id: number }[];
    return rows.map((row) => row.id);
  }

  put(itemId: string, probed: ProbedMedia, file: { sizeBytes: number | null; modifiedAt: number | null }, now: number): void {
    this.db
      .prepare(
        `INSERT INTO media_facts (item_id, decodable, problem, duration_s, width, height, fps, video_codec, audio_codec, has_audio, size_bytes, file_modified_at, probed_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (item_id) DO UPDATE SET decodable = excluded.decodable, problem = excluded.problem, duration_s = excluded.duration_s,
           width = excluded.width, height = excluded.height, fps = excluded.fps, video_codec = excluded.video_codec, audio_codec = excluded.audio_codec,
           has_audio = excluded.has_audio, size_bytes = excluded.size_bytes, file_modified_at = excluded.file_modified_at, probed_at = excluded.probed_at`,
      )
      .run(
        Number(itemId),
        probed.decodable ? 1 : 0,
        probed.problem,
        probed.durationSeconds,
        probed.width,
        probed.height,
        probed.fps,
        probed.videoCodec,
        probed.audioCodec,
        probed.hasAudio ? 1 : 0,
        file.sizeBytes,
        file.modifiedAt,
        now,
      );
  }
}

export interface MediaServiceOptions {
  db: Database;
  library: LibraryStore;
  log: Logger;
  now?: () => number;
}

/**
 * Real media facts for every library item: when an item enters the library (download or import) or its
 * file changes, ffprobe reads its duration, size, frame rate and codecs, and ffmpeg makes its poster if
 * it has none; a file neither can decode is marked undecodable with their words. One file at a time in
 * the background, so an import of thousands of files does not take both cores.
 */
export class MediaService {
  readonly repo: FactsRepo;
  private readonly library: LibraryStore;
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly queue: string[] = [];
  private readonly queued = new Set<string>();
  private running: Promise<void> | null = null;
  private sweeping = false;
  /** Where the sweep goes on: the lowest item id it has queued. */
  private sweptBelow: number | undefined;
  /** Items that could not be probed this run (unreadable): a sweep does not try them again and again. */
  private readonly failed = new Set<string>();
  private closed = false;
  private stopWatching: (() => void) | null = null;

  constructor(options: MediaServiceOptions) {
    this.repo = new FactsRepo(options.db);
    this.library = options.library;
    this.log = options.log;
    this.now = options.now ?? Date.now;
  }

  /**
   * Probes items as they enter the library or change file, and those an import added (it announces
   * them all at once); with `sweep`, also every item never probed (a library from before probing).
   * Returns the unsubscribe function.
   */
  watch(options: { sweep?: boolean } = {}): () => void {
    this.stopWatching = this.library.onChange((change) => {
      if (change.type === 'updated' && this.isStale(change.item)) this.enqueue(change.item.id);
      else if (change.type === 'invalidated') this.sweep();
    });
    if (options.sweep) this.sweep();
    return () => this.stopWatching?.();
  }

  /** Queues the items never probed, a batch at a time (the drain asks for the next batch). */
  private sweep(): void {
    this.sweeping = true;
    this.sweptBelow = undefined;
    this.enqueueBatch();
  }

  /** Queues the next batch that has something to probe (items that failed this run are skipped). */
  private enqueueBatch(): void {
    for (;;) {
      const ids = this.repo.unprobed(SWEEP_BATCH, this.sweptBelow).map(String);
      const last = ids.at(-1);
      if (last === undefined) {
        this.sweeping = false;
        return;
      }
      this.sweptBelow = Number(last);
      const fresh = ids.filter((id) => !this.failed.has(id));
      for (const id of fresh) this.enqueue(id);
      if (fresh.length) return;
    }
  }

  stored(itemId: string): MediaFacts | null {
    return this.repo.get(itemId);
  }

  many(itemIds: readonly string[]): Map<string, MediaFacts> {
    return this.repo.many(itemIds);
  }

  /** Facts already stored for this very file (same size and modification time), or null. */
  current(item: StoredItem): MediaFacts | null {
    return this.isStale(item) ? null : this.repo.get(item.id);
  }

  /** ffprobe's facts for an item now (stored, and the item's sizes and duration updated). */
  async facts(itemId: string): Promise<MediaFacts> {
    const item = await this.library.check(itemId);
    return this.probeItem(item, { poster: false });
  }

  /** Facts for the file as it is, probing only if they are missing or of another file. */
  async ensure(itemId: string): Promise<MediaFacts> {
    const item = this.library.get(itemId);
    return this.current(item) ?? this.probeItem(item, { poster: true });
  }

  async frames(itemId: string, count: number, height: number): Promise<FrameStrip> {
    const item = await this.library.check(itemId);
    if (item.missing) throw new AppError('not_found', `${item.path} is missing, so no frames can be shown.`);
    const facts = await this.ensure(itemId);
    if (!facts.decodable) throw new AppError('io', `${item.title} cannot be decoded: ${facts.problem ?? 'unknown problem'}`);
    const times = item.kind === 'image' ? [0] : stripTimes(facts.durationSeconds, count);
    const frames = [];
    for (const seconds of times) {
      const jpeg = await grabFrame(item.path, { seconds, height, format: 'jpeg' });
      frames.push({ seconds, dataUrl: `data:image/jpeg;base64,${jpeg.toString('base64')}` });
    }
    return { itemId, durationSeconds: facts.durationSeconds, frames };
  }

  /** Waits for the background probes under way (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stopWatching?.();
    this.queue.length = 0;
    await this.idle();
  }

  private isStale(item: StoredItem): boolean {
    const row = this.repo.row(item.id);
    if (!row) return !item.missing;
    return !item.missing && (row.size_bytes !== item.sizeBytes || row.file_modified_at !== item.fileModifiedAt);
  }

  private enqueue(itemId: string): void {
    if (this.closed || this.queued.has(itemId)) return;
    this.queued.add(itemId);
    this.queue.push(itemId);
    this.running ??= this.drain().finally(() => {
      this.running = null;
    });
  }

  private async drain(): Promise<void> {
    for (;;) {
      const id = this.queue.shift();
      if (id === undefined) {
        if (this.sweeping && !this.closed) {
          this.enqueueBatch();
          if (this.queue.length) continue;
        }
        return;
      }
      this.queued.delete(id);
      try {
        const item = this.library.get(id);
        if (this.isStale(item)) await this.probeItem(item, { poster: true });
      } catch (error) {
        this.failed.add(id);
        // The item was removed meanwhile, or the tools are missing on this platform: the item stays as it was.
        if (!(error instanceof AppError && error.kind === 'not_found')) this.log.warn('media: an item could not be probed', { itemId: id, error });
      }
    }
  }

  private async probeItem(item: StoredItem, options: { poster: boolean }): Promise<MediaFacts> {
    let probed: ProbedMedia;
    try {
      await stat(item.path);
      probed = await probeMedia(item.path, item.kind);
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw new AppError('not_found', `${item.path} cannot be read, so its media facts are unknown.`, { cause: error });
    }
    // Facts are of the file as the library recorded it: the recorded size and date, so an unchanged file is not probed again.
    const recorded = { sizeBytes: item.sizeBytes, modifiedAt: item.fileModifiedAt };
    let poster: Buffer | null = null;
    if (probed.decodable && options.poster && !item.posterPath) {
      try {
        poster = await grabFrame(item.path, { seconds: probed.durationSeconds ? Math.min(1, probed.durationSeconds / 3) : 0, height: POSTER_HEIGHT, format: 'png' });
      } catch (error) {
        // ffprobe read the headers but not one picture decodes: the file is damaged.
        probed = undecodable(error instanceof Error ? error.message : String(error));
      }
    }
    this.repo.put(item.id, probed, recorded, this.now());
    const media = {
      width: probed.width,
      height: probed.height,
      durationMs: probed.durationSeconds === null ? null : Math.round(probed.durationSeconds * 1000),
    };
    if (poster) await this.library.setPoster(item.id, poster);
    this.library.setMediaFacts(item.id, media);
    const facts = this.repo.get(item.id);
    if (!facts) throw new AppError('internal', `The media facts of item ${item.id} were not stored.`);
    return facts;
  }
}
