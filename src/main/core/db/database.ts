import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { MIGRATIONS, type Migration } from './migrations';

export type Database = DatabaseSync;

export const DATABASE_FILE = 'promptreel.db';

/**
 * Opens (creating if needed) the one database of a data directory and brings its schema up to date.
 * WAL lets the UI read while the poller writes; `synchronous=NORMAL` is durable across app crashes in
 * WAL mode (only an OS crash can lose the last transactions), which is the trade-off SQLite recommends.
 */
export function openDatabase(file: string, migrations: readonly Migration[] = MIGRATIONS): Database {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new DatabaseSync(file, { enableForeignKeyConstraints: true, timeout: 5_000 });
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA synchronous = NORMAL');
  migrate(db, migrations);
  return db;
}

/**
 * Applies every migration newer than `PRAGMA user_version`, each in its own transaction together with
 * the version bump, so a crash mid-migration leaves the previous version intact.
 */
export function migrate(db: Database, migrations: readonly Migration[]): void {
  const current = (db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version;
  const latest = migrations.length;
  if (current > latest) {
    throw new Error(`This database was written by a newer Promptreel (schema ${current}, this build knows ${latest}). Update the app.`);
  }
  for (let version = current + 1; version <= latest; version++) {
    const migration = migrations[version - 1];
    if (!migration) break;
    transaction(db, () => {
      migration.up(db);
      db.exec(`PRAGMA user_version = ${version}`);
    });
  }
}

/**
 * Runs `fn` in an IMMEDIATE transaction (writers queue up instead of failing mid-way). Inside another
 * transaction it runs in a savepoint, so a caller can group many writes into one commit.
 */
export function transaction<T>(db: Database, fn: () => T): T {
  if (db.isTransaction) {
    db.exec('SAVEPOINT nested');
    try {
      const result = fn();
      db.exec('RELEASE nested');
      return result;
    } catch (error) {
      db.exec('ROLLBACK TO nested');
      db.exec('RELEASE nested');
      throw error;
    }
  }
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = fn();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}
