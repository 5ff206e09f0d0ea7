import type { Migration } from '../migration';

/**
 * Reels (ordered shots exported to one video), the media facts ffprobe reads from library items, and
 * the items an export was made from. Independent of other steps: it only adds tables and one index.
 *
 * - A shot's `source` and `transition`/`title_card` are JSON in the shared contract's shapes
 *   (validated again when read). `item_id` is the item the shot plays now; `job_id` the job making (or
 *   last made) it: when a library item with that job id lands, the shot links to it.
 * - `media_facts` is keyed by item and deleted with it; `size_bytes`/`file_modified_at` say which file
 *   the facts are of, so a relinked or replaced file is probed again.
 * - `item_sources`: an export's lineage lists every shot in order, which one `parent_id` cannot.
 */
export const reelsMigration: Migration = {
  name: 'reels, shots, media facts and export sources',
  up: (db) => {
    db.exec(`
      CREATE TABLE reels (
        id                  INTEGER PRIMARY KEY AUTOINCREMENT,
        name                TEXT NOT NULL,
        aspect_ratio        TEXT NOT NULL,
        width               INTEGER NOT NULL,
        height              INTEGER NOT NULL,
        notes               TEXT NOT NULL DEFAULT '',
        last_export_item_id INTEGER REFERENCES items(id) ON DELETE SET NULL,
        created_at          INTEGER NOT NULL,
        updated_at          INTEGER NOT NULL
      );
      CREATE INDEX reels_by_updated ON reels(updated_at DESC);

      CREATE TABLE reel_shots (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        reel_id     INTEGER NOT NULL REFERENCES reels(id) ON DELETE CASCADE,
        position    INTEGER NOT NULL,
        source      TEXT NOT NULL,                 -- JSON ShotSource
        trim_in     REAL NOT NULL DEFAULT 0,
        trim_out    REAL,                          -- NULL: to the clip's end
        keep_audio  INTEGER NOT NULL DEFAULT 1,
        transition  TEXT NOT NULL DEFAULT '{"kind":"cut"}',
        title_card  TEXT,                          -- JSON TitleCard
        item_id     INTEGER REFERENCES items(id) ON DELETE SET NULL,
        job_id      TEXT,
        error       TEXT                           -- JSON ErrorInfo of a refused submission
      );
      CREATE INDEX reel_shots_by_reel ON reel_shots(reel_id, position);
      CREATE INDEX reel_shots_by_job ON reel_shots(job_id) WHERE job_id IS NOT NULL;
      CREATE INDEX reel_shots_by_item ON reel_shots(item_id) WHERE item_id IS NOT NULL;

      CREATE INDEX items_by_job ON items(job_id) WHERE job_id IS NOT NULL;

      CREATE TABLE media_facts (
        item_id          INTEGER PRIMARY KEY REFERENCES items(id) ON DELETE CASCADE,
        decodable        INTEGER NOT NULL,
        problem          TEXT,
        duration_s       REAL,
        width            INTEGER,
        height           INTEGER,
        fps              REAL,
        video_codec      TEXT,
        audio_codec      TEXT,
        has_audio        INTEGER NOT NULL DEFAULT 0,
        size_bytes       INTEGER,
        file_modified_at INTEGER,
        probed_at        INTEGER NOT NULL
      );

      CREATE TABLE item_sources (
        item_id         INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
        position        INTEGER NOT NULL,
        source_item_id  INTEGER REFERENCES items(id) ON DELETE SET NULL,
        PRIMARY KEY (item_id, position)
      );
      CREATE INDEX item_sources_by_source ON item_sources(source_item_id) WHERE source_item_id IS NOT NULL;
    `);
  },
};
