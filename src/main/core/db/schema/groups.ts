import type { Migration } from '../migration';

/**
 * Sets made by one submit (N seeds, several styles, a prompt list): the group row says what the set
 * was, and each member job names its group. A job without a group is an ordinary job.
 */
export const jobGroupsMigration: Migration = {
  name: 'job groups (sets made by one submit)',
  up: (db) => {
    db.exec(`
      CREATE TABLE job_groups (
        id          TEXT PRIMARY KEY,
        operation   TEXT NOT NULL,
        kind        TEXT NOT NULL,               -- seeds | values | prompts | csv
        field       TEXT,                        -- the choice field a 'values' set varies
        size        INTEGER NOT NULL,            -- members created with it (all in one transaction)
        created_at  INTEGER NOT NULL
      );
      ALTER TABLE jobs ADD COLUMN group_id TEXT REFERENCES job_groups(id);
      ALTER TABLE jobs ADD COLUMN group_index INTEGER;   -- position in the set, from 0 (its row order)
      CREATE INDEX jobs_by_group ON jobs(group_id, group_index) WHERE group_id IS NOT NULL;
    `);
  },
};
