import type { Migration } from '../migrations';

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
