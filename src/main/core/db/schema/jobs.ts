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
      CREATE INDEX jobs_by_submitted ON jobs(submitted_at) WHERE submitted_at IS NOT NULL;
    `);
  },
};
