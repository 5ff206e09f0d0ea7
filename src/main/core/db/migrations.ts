import type { Migration } from './migration';
import { downloadLeaseMigration, downloadNetMigration, downloadsMigration } from './schema/downloads';
import { jobGroupsMigration } from './schema/groups';
import { jobHousekeepingMigration, jobWaitingMigration } from './schema/jobs';
import { itemsByOutputMigration, libraryMigration, orderedSearchMigration, searchNewestFirstMigration } from './schema/library';
import { reelsMigration } from './schema/reels';

export type { Migration } from './migration';

/**
 * The schema's history, oldest first; position N is schema version N+1. Never edit a released step:
 * append a new one. Each domain (jobs, downloads, library) owns its own steps.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    name: 'jobs and their outputs',
    up: (db) => {
      db.exec(`
        CREATE TABLE jobs (
          id              TEXT PRIMARY KEY,
          operation       TEXT NOT NULL,
          vendor          TEXT NOT NULL,
          status          TEXT NOT NULL,
          params          TEXT NOT NULL,           -- JSON, vendor field names; never holds file bytes
          input_file      TEXT,                    -- local video for a stylize upload
          output_dir      TEXT,                    -- where results go; NULL = the library folder
          parent_item_id  TEXT,                    -- library item this job was made from (lineage)
          request_id      TEXT,                    -- our HiDream request_id (UUID)
          task_id         TEXT,                    -- the vendor's task id, once it accepted the job
          progress        REAL NOT NULL DEFAULT 0,
          error_kind      TEXT,
          error_message   TEXT,
          attention       TEXT,                    -- why the job waits for the user or for a new key
          attempts        INTEGER NOT NULL DEFAULT 0,
          not_before      INTEGER,                 -- ms epoch: a rate-limited job waits until then
          owner           TEXT,                    -- the engine working on the job (host:pid:nonce)
          lease_until     INTEGER,                 -- ms epoch: the owner's claim lapses then unless renewed
          created_at      INTEGER NOT NULL,
          updated_at      INTEGER NOT NULL,
          submitted_at    INTEGER,
          finished_at     INTEGER
        );
        CREATE INDEX jobs_by_status ON jobs(status, created_at);
        CREATE INDEX jobs_by_created ON jobs(created_at DESC);

        CREATE TABLE outputs (
          id           TEXT PRIMARY KEY,
          job_id       TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
          idx          INTEGER NOT NULL,             -- position among the job's results
          sub_task_id  TEXT,
          status       TEXT NOT NULL,                -- pending | running | succeeded | failed
          progress     REAL NOT NULL DEFAULT 0,
          kind         TEXT,                         -- video | image
          url          TEXT,
          expires_at   INTEGER,                      -- ms epoch when the vendor URL stops working
          error_kind   TEXT,
          error_message TEXT,
          download_id  TEXT,                         -- the Downloader's record once handed over
          UNIQUE (job_id, idx)
        );
        -- Results not yet handed to the downloader: looked up at every start and adoption pass.
        CREATE INDEX outputs_awaiting_download ON outputs(job_id)
          WHERE status = 'succeeded' AND url IS NOT NULL AND (download_id IS NULL OR download_id LIKE 'claim:%');
      `);
    },
  },
  downloadsMigration,
  libraryMigration,
  searchNewestFirstMigration,
  downloadLeaseMigration,
  jobWaitingMigration,
  orderedSearchMigration,
  reelsMigration,
  jobHousekeepingMigration,
  jobGroupsMigration,
  itemsByOutputMigration,
  downloadNetMigration,
];
