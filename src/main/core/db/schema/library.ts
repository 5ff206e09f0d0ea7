import type { Migration } from '../migrations';

/** Schema step 3: library items, tags and full-text search. Owned by the library. */
export const libraryMigration: Migration = {
  name: 'library',
  up: () => {
    // Filled in by the library's change.
  },
};
