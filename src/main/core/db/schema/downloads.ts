import type { Migration } from '../migration';

/** Schema step 2: the download queue. Owned by the download manager. */
export const downloadsMigration: Migration = {
  name: 'downloads',
  up: (db) => {
    db.exec(`
      CREATE TABLE downloads (
        id             TEXT PRIMARY KEY,
        output_id      TEXT REFERENCES outputs(id) ON DELETE SET NULL,  -- null for an on-demand download
        job_id         TEXT REFERENCES jobs(id) ON DELETE SET NULL,
        url            TEXT NOT NULL,
        status         TEXT NOT NULL,         -- queued | active | paused | completed | failed | expired | canceled
        dest_dir       TEXT NOT NULL,
        name_base      TEXT NOT NULL,         -- sanitized file name without extension, from the template
        part_path      TEXT NOT NULL,         -- where the bytes go until the atomic rename
        path           TEXT,                  -- the final file; set just before the rename, so a crash after it is recognised
        bytes_total    INTEGER,
        bytes_done     INTEGER NOT NULL DEFAULT 0,
        sha256         TEXT,
        content_type   TEXT,
        etag           TEXT,                  -- validators of the bytes already in the .part (for If-Range)
        last_modified  TEXT,
        expires_at     INTEGER,               -- ms epoch when the vendor URL stops working
        error_kind     TEXT,
        error_message  TEXT,                  -- why it failed, or why it paused when not by the user
        attempts       INTEGER NOT NULL DEFAULT 0,
        created_at     INTEGER NOT NULL,
        updated_at     INTEGER NOT NULL,
        finished_at    INTEGER
      );
      CREATE UNIQUE INDEX downloads_by_output ON downloads(output_id) WHERE output_id IS NOT NULL;
      CREATE INDEX downloads_by_job ON downloads(job_id);
      CREATE INDEX downloads_by_status ON downloads(status, created_at);
      CREATE INDEX downloads_by_created ON downloads(created_at DESC);
    `);
  },
};

/**
 * Schema step 5: a lease on each running download. The app and a CLI run share the queue; a download
 * is run by the process whose lease it holds (renewed every second), so two processes never write the
 * same `.part`. A crashed owner's downloads are taken over at the next start (see `isDeadOwner`).
 */
export const downloadLeaseMigration: Migration = {
  name: 'download leases',
  up: (db) => {
    db.exec(`
      ALTER TABLE downloads ADD COLUMN owner TEXT;          -- host:pid:nonce of the process running it
      ALTER TABLE downloads ADD COLUMN lease_until INTEGER; -- ms epoch; renewed while it runs
    `);
  },
};

/**
 * Schema step 12: why a download's connection failed, as data (`NetFailure` JSON), so the window words
 * it in its own language; `error_message` keeps main's English sentence for logs and the CLI.
 */
export const downloadNetMigration: Migration = {
  name: 'download network failure reasons',
  up: (db) => {
    db.exec('ALTER TABLE downloads ADD COLUMN error_net TEXT;');
  },
};
