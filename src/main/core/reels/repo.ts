import { AppError, type ErrorInfo } from '@shared/errors';
import {
  shotSourceSchema,
  titleCardSchema,
  transitionSchema,
  type ReelAspectRatio,
  type Shot,
  type ShotEdit,
  type ShotSource,
} from '@shared/reels';
import { transaction, type Database } from '../db/database';

/** The reels and their shots: SQL only (policy lives in service.ts). */

export interface ReelRow {
  id: number;
  name: string;
  aspect_ratio: ReelAspectRatio;
  width: number;
  height: number;
  notes: string;
  last_export_item_id: number | null;
  created_at: number;
  updated_at: number;
}

interface ShotRow {
  id: number;
  reel_id: number;
  position: number;
  source: string;
  trim_in: number;
  trim_out: number | null;
  keep_audio: number;
  transition: string;
  title_card: string | null;
  item_id: number | null;
  job_id: string | null;
  error: string | null;
}

/** A shot as stored, before main derives its state, its job's progress and its clip. */
export type StoredShot = Omit<Shot, 'jobStatus' | 'jobProgress' | 'state' | 'clip'> & { reelId: string };

export interface NewShot extends ShotEdit {
  source: ShotSource;
  itemId?: string | null;
}

function parseJson<T>(text: string, parse: (value: unknown) => T, what: string): T {
  try {
    return parse(JSON.parse(text));
  } catch (error) {
    throw new AppError('internal', `A stored ${what} could not be read; the database may have been edited by hand.`, { cause: error });
  }
}

function toShot(row: ShotRow): StoredShot {
  return {
    id: String(row.id),
    reelId: String(row.reel_id),
    position: row.position,
    source: parseJson(row.source, (v) => shotSourceSchema.parse(v), 'shot source'),
    trimIn: row.trim_in,
    trimOut: row.trim_out,
    keepAudio: row.keep_audio === 1,
    transition: parseJson(row.transition, (v) => transitionSchema.parse(v), 'transition'),
    titleCard: row.title_card === null ? null : parseJson(row.title_card, (v) => titleCardSchema.parse(v), 'title card'),
    itemId: row.item_id === null ? null : String(row.item_id),
    jobId: row.job_id,
    error: row.error === null ? null : parseJson(row.error, (v) => v as ErrorInfo, 'shot error'),
  };
}

export function reelKey(id: string): number {
  if (!/^[1-9]\d{0,14}$/.test(id)) throw new AppError('invalid_input', `"${id.slice(0, 40)}" is not a reel id.`);
  return Number(id);
}

export class ReelRepo {
  constructor(readonly db: Database) {}

  reel(id: string): ReelRow | undefined {
    return this.db.prepare('SELECT * FROM reels WHERE id = ?').get(reelKey(id)) as ReelRow | undefined;
  }

  reels(): ReelRow[] {
    return this.db.prepare('SELECT * FROM reels ORDER BY updated_at DESC, id DESC').all() as unknown as ReelRow[];
  }

  shots(reelId: string): StoredShot[] {
    return (this.db.prepare('SELECT * FROM reel_shots WHERE reel_id = ? ORDER BY position').all(reelKey(reelId)) as unknown as ShotRow[]).map(toShot);
  }

  shot(shotId: string): StoredShot | undefined {
    const row = this.db.prepare('SELECT * FROM reel_shots WHERE id = ?').get(reelKey(shotId)) as ShotRow | undefined;
    return row ? toShot(row) : undefined;
  }

  /** Shots waiting for a job's result. */
  shotsOfJob(jobId: string): StoredShot[] {
    return (this.db.prepare('SELECT * FROM reel_shots WHERE job_id = ?').all(jobId) as unknown as ShotRow[]).map(toShot);
  }

  reelIdsPlaying(itemId: string): string[] {
    return (this.db.prepare('SELECT DISTINCT reel_id FROM reel_shots WHERE item_id = ?').all(Number(itemId)) as { reel_id: number }[]).map((r) => String(r.reel_id));
  }

  /** The first library item a job produced (its result), if it has landed. */
  itemOfJob(jobId: string): string | null {
    const row = this.db.prepare('SELECT id FROM items WHERE job_id = ? ORDER BY id LIMIT 1').get(jobId) as { id: number } | undefined;
    return row ? String(row.id) : null;
  }

  createReel(reel: { name: string; aspectRatio: ReelAspectRatio; width: number; height: number; notes: string }, now: number): string {
    const result = this.db
      .prepare('INSERT INTO reels (name, aspect_ratio, width, height, notes, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(reel.name, reel.aspectRatio, reel.width, reel.height, reel.notes, now, now);
    return String(result.lastInsertRowid);
  }

  updateReel(id: string, columns: Partial<Record<'name' | 'aspect_ratio' | 'width' | 'height' | 'notes' | 'last_export_item_id', string | number>>, now: number): void {
    const names = Object.keys(columns);
    this.db.prepare(`UPDATE reels SET ${[...names.map((c) => `${c} = ?`), 'updated_at = ?'].join(', ')} WHERE id = ?`).run(...Object.values(columns), now, reelKey(id));
  }

  touch(id: string, now: number): void {
    this.db.prepare('UPDATE reels SET updated_at = ? WHERE id = ?').run(now, reelKey(id));
  }

  deleteReel(id: string): void {
    this.db.prepare('DELETE FROM reels WHERE id = ?').run(reelKey(id));
  }

  /** Inserts shots at `at`, moving the later ones down, in one transaction. */
  insertShots(reelId: string, at: number, shots: readonly NewShot[], now: number): void {
    const key = reelKey(reelId);
    transaction(this.db, () => {
      this.db.prepare('UPDATE reel_shots SET position = position + ? WHERE reel_id = ? AND position >= ?').run(shots.length, key, at);
      const insert = this.db.prepare(
        `INSERT INTO reel_shots (reel_id, position, source, trim_in, trim_out, keep_audio, transition, title_card, item_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      shots.forEach((shot, i) => {
        insert.run(
          key,
          at + i,
          JSON.stringify(shot.source),
          shot.trimIn ?? 0,
          shot.trimOut ?? null,
          shot.keepAudio === false ? 0 : 1,
          JSON.stringify(shot.transition ?? { kind: 'cut' }),
          shot.titleCard ? JSON.stringify(shot.titleCard) : null,
          shot.itemId === undefined || shot.itemId === null ? null : Number(shot.itemId),
        );
      });
      this.touch(reelId, now);
    });
  }

  updateShot(shotId: string, columns: Partial<Record<'source' | 'trim_in' | 'trim_out' | 'keep_audio' | 'transition' | 'title_card' | 'item_id' | 'job_id' | 'error', string | number | null>>): void {
    const names = Object.keys(columns);
    if (!names.length) return;
    this.db.prepare(`UPDATE reel_shots SET ${names.map((c) => `${c} = ?`).join(', ')} WHERE id = ?`).run(...Object.values(columns), reelKey(shotId));
  }

  /** Writes the shots' order as given (ids in their new order). */
  reorder(reelId: string, ids: readonly string[], now: number): void {
    transaction(this.db, () => {
      const set = this.db.prepare('UPDATE reel_shots SET position = ? WHERE id = ? AND reel_id = ?');
      ids.forEach((id, position) => set.run(position, reelKey(id), reelKey(reelId)));
      this.touch(reelId, now);
    });
  }

  removeShot(reelId: string, shotId: string, now: number): void {
    transaction(this.db, () => {
      this.db.prepare('DELETE FROM reel_shots WHERE id = ? AND reel_id = ?').run(reelKey(shotId), reelKey(reelId));
      const rest = this.db.prepare('SELECT id FROM reel_shots WHERE reel_id = ? ORDER BY position').all(reelKey(reelId)) as { id: number }[];
      this.reorder(reelId, rest.map((r) => String(r.id)), now);
    });
  }

  /** An export's sources in shot order, for its lineage. */
  setSources(itemId: string, sourceItemIds: readonly string[]): void {
    transaction(this.db, () => {
      this.db.prepare('DELETE FROM item_sources WHERE item_id = ?').run(Number(itemId));
      const insert = this.db.prepare('INSERT INTO item_sources (item_id, position, source_item_id) VALUES (?, ?, ?)');
      sourceItemIds.forEach((source, position) => insert.run(Number(itemId), position, Number(source)));
    });
  }
}
