import type { Migration } from '../migrations';

/** Schema step 2: the download queue. Owned by the download manager. */
export const downloadsMigration: Migration = {
  name: 'downloads',
  up: () => {
    // Filled in by the download manager's change.
  },
};
