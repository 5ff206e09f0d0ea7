import type { Migration } from '../migration';

/**
 * Why a queued job waits (a free slot, a per-minute quota), and an index for counting what every
 * process on this data folder submitted within the last minute.
 */
export const jobWaitingMigration: Migration = {
  name: 'job waiting reason and submissions by time',
  up: (db) => {
    db.exec(`
      ALTER TABLE jobs ADD COLUMN waiting TEXT;   -- JSON WaitReason while a queued job waits for its turn
      -- Read before every submission: what other processes hold and sent. By owner, so a process's
      -- own (many) rows are skipped rather than scanned; lease_until stays out (renewed for every job).
      CREATE INDEX jobs_slots_by_owner ON jobs(vendor, owner) WHERE status IN ('submitting', 'running');
      CREATE INDEX jobs_submitted_by_owner ON jobs(vendor, owner, submitted_at) WHERE submitted_at IS NOT NULL;
    `);
  },
};

/**
 * What a job's list row needs to tell the truth: which job a retry repeats (so the two read as one
 * story, not look-alike rows), whether a canceled job was discarded by the user (nothing failed), and
 * a failed connection's reason in data (worded again in the user's language).
 */
export const jobHousekeepingMigration: Migration = {
  name: 'job retries, discards and error details',
  up: (db) => {
    db.exec(`
      ALTER TABLE jobs ADD COLUMN retry_of TEXT;       -- the job this one retries (no FK: the original may be deleted)
      ALTER TABLE jobs ADD COLUMN discarded_at INTEGER; -- ms epoch: the user discarded it when asked
      ALTER TABLE jobs ADD COLUMN error_detail TEXT;   -- JSON { net } beside error_kind/error_message
      CREATE INDEX jobs_by_retry_of ON jobs(retry_of) WHERE retry_of IS NOT NULL;
    `);
  },
};
