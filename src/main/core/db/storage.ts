import { accessSync, closeSync, constants, copyFileSync, existsSync, mkdirSync, openSync, readdirSync, readSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { DatabaseSync } from 'node:sqlite';
import { every } from '../../platform/timer';
import type { Logger } from '../log';
import { DATABASE_FILE, openDatabase, type Database } from './database';
import { MIGRATIONS, type Migration } from './migrations';

/**
 * The library database as the hosts open it: a damaged file is set aside (never deleted) and replaced
 * by the newest good backup, or by an empty database when there is none; a file or folder Promptreel
 * may not write stops the start with a sentence that names it; and a daily `VACUUM INTO` copy, the
 * last three kept in `<data>/backups/`, is what makes a damaged file recoverable at all.
 *
 * Decisions:
 * - Restore automatically: the user wanted their library, not a choice between SQLite files. The
 *   damaged file stays beside it, so nothing is lost by choosing for them.
 * - Jobs that were waiting to be sent in the backup may have been sent since: they wait for the user
 *   (needs attention) instead of being sent again, so a restore never bills twice.
 * - A read-only database (or folder) does not start a fresh one elsewhere (that would look like a lost
 *   library) nor run half-working: the engine writes on every action. The hosts say what to fix; the
 *   CLI's read-only commands (`jobs`, `show`) still open it read-only.
 */

/** Something the user must be told about the database, with where the files are. */
export interface DatabaseNotice {
  kind: 'restored' | 'fresh';
  message: string;
  file: string;
  setAsideAs: string;
  backup: string | null;
}

/** The database cannot be opened at all; the message says why and what to do. */
export class DatabaseProblem extends Error {
  readonly kind: 'read_only' | 'newer' | 'unreadable';
  readonly file: string;

  constructor(kind: DatabaseProblem['kind'], file: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DatabaseProblem';
    this.kind = kind;
    this.file = file;
  }
}

export interface OpenAppDatabaseOptions {
  log?: Logger;
  now?: () => number;
  migrations?: readonly Migration[];
}

export const BACKUP_DIR = 'backups';
export const BACKUPS_KEPT = 3;
export const BACKUP_EVERY_MS = 24 * 60 * 60 * 1000;

const SQLITE_READONLY = 8;
const SQLITE_CORRUPT = 11;
const SQLITE_CANTOPEN = 14;
const SQLITE_NOTADB = 26;

function sqliteCode(error: unknown): number | undefined {
  const code = (error as { errcode?: unknown } | null)?.errcode;
  return typeof code === 'number' ? code & 0xff : undefined;
}

const isDamage = (error: unknown): boolean => error instanceof DamagedFile || sqliteCode(error) === SQLITE_CORRUPT || sqliteCode(error) === SQLITE_NOTADB;

/** Found by our own look at the file before SQLite opens it. */
class DamagedFile extends Error {}

/** `2026-12-01T07-30-00Z`: sorts by time, valid in file names everywhere. */
function stamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/:/g, '-');
}

function parseStamp(text: string): number | null {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})Z$/.exec(text);
  if (!match) return null;
  const ms = Date.parse(`${match[1] ?? ''}T${match[2] ?? ''}:${match[3] ?? ''}:${match[4] ?? ''}Z`);
  return Number.isNaN(ms) ? null : ms;
}

/**
 * The cheap checks SQLite itself leaves to the first unlucky query: the header's magic, and whether
 * the file is as long as the header says (a copy or a disk that cut it short). With a non-empty WAL
 * the length is left to SQLite, since a checkpoint cut by a crash is finished from the WAL.
 */
function checkHeader(file: string): void {
  const size = statSync(file).size;
  if (size === 0) return;
  const header = Buffer.alloc(100);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, header, 0, 100, 0);
  } finally {
    closeSync(fd);
  }
  if (size < 100 || header.toString('latin1', 0, 16) !== 'SQLite format 3\u0000') throw new DamagedFile('it is not an SQLite database');
  const wal = `${file}-wal`;
  if (existsSync(wal) && statSync(wal).size > 0) return;
  const raw = header.readUInt16BE(16);
  const pageSize = raw === 1 ? 65_536 : raw;
  const pages = header.readUInt32BE(28);
  // The page count is trusted only when the header says it is current (SQLite ≥ 3.7.0 writers).
  if (header.readUInt32BE(92) !== header.readUInt32BE(24) || pages === 0) return;
  if (size < pages * pageSize) throw new DamagedFile(`it is cut short: ${size} of ${pages * pageSize} bytes`);
}

/** Refuses clearly when SQLite would open the file read-only and fail at the first write. */
function checkWritable(dir: string, file: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new DatabaseProblem('read_only', file, `Promptreel cannot create its data folder ${dir} (${(error as NodeJS.ErrnoException).code ?? String(error)}). Make it writable, then start again.`, { cause: error });
  }
  try {
    accessSync(dir, constants.W_OK);
  } catch (error) {
    throw new DatabaseProblem(
      'read_only',
      file,
      `Promptreel cannot write in its data folder ${dir}, which holds the library database ${file} and its journal. Make the folder writable (for example chmod u+w "${dir}"), then start again.`,
      { cause: error },
    );
  }
  if (!existsSync(file)) return;
  try {
    accessSync(file, constants.W_OK);
  } catch (error) {
    throw new DatabaseProblem(
      'read_only',
      file,
      `The library database ${file} is read-only, and Promptreel writes to it on every action. Make it writable (for example chmod u+w "${file}"), then start again; nothing was changed.`,
      { cause: error },
    );
  }
}

/** Opens and migrates, then reads every table's first page so a damaged schema shows now, not mid-run. */
function openChecked(file: string, migrations: readonly Migration[]): Database {
  if (existsSync(file)) checkHeader(file);
  const db = openDatabase(file, migrations);
  try {
    const tables = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND sql NOT LIKE 'CREATE VIRTUAL%'").all() as { name: string }[];
    for (const { name } of tables) db.prepare(`SELECT * FROM "${name.replace(/"/g, '""')}" LIMIT 1`).all();
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

/** Moves the database and its WAL files aside under one time stamp; returns the main file's new path. */
function setAside(file: string, now: number): string {
  const name = basename(file).replace(/\.db$/, '');
  let target = join(file, '..', `${name}.corrupt-${stamp(now)}.db`);
  // A rename would replace an earlier damaged file set aside in the same second.
  for (let n = 2; existsSync(target); n++) target = join(file, '..', `${name}.corrupt-${stamp(now)}-${n}.db`);
  for (const suffix of ['', '-wal', '-shm']) {
    if (existsSync(`${file}${suffix}`)) renameSync(`${file}${suffix}`, `${target}${suffix}`);
  }
  return target;
}

export interface BackupFile {
  path: string;
  takenAt: number;
}

/** Newest first. */
export function listBackups(dataDir: string): BackupFile[] {
  const dir = join(dataDir, BACKUP_DIR);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((name) => ({ name, takenAt: parseStamp(/^promptreel-(.+)\.db$/.exec(name)?.[1] ?? '') }))
    .filter((entry): entry is { name: string; takenAt: number } => entry.takenAt !== null)
    .map(({ name, takenAt }) => ({ path: join(dir, name), takenAt }))
    .sort((a, b) => b.takenAt - a.takenAt);
}

/** A backup is used only if SQLite finds nothing wrong in it. */
function backupIsSound(path: string): boolean {
  try {
    checkHeader(path);
    const db = new DatabaseSync(path, { readOnly: true });
    try {
      const rows = db.prepare('PRAGMA quick_check').all() as { quick_check: string }[];
      return rows.length === 1 && rows[0]?.quick_check === 'ok';
    } finally {
      db.close();
    }
  } catch {
    return false;
  }
}

/** Jobs the backup shows as not yet sent may have been sent since it was taken: the user decides. */
function holdUnsentJobs(db: Database, backupTakenAt: number, now: number): void {
  const hasJobs = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'jobs'").get();
  if (!hasJobs) return;
  db.prepare(
    `UPDATE jobs SET status = 'needs_attention', owner = NULL, lease_until = NULL, updated_at = ?,
       attention = ? WHERE status IN ('queued', 'submitting')`,
  ).run(now, `Restored from the backup of ${new Date(backupTakenAt).toISOString()}: this job may have been sent to the vendor since. Submit it again only if it did not run.`);
}

function describe(error: unknown): string {
  if (error instanceof DamagedFile) return error.message;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Opens `<dataDir>/promptreel.db` for the app, the shell and the CLI; see the module comment for what
 * happens to a damaged or read-only file. Throws `DatabaseProblem` when it cannot be opened at all.
 */
export function openAppDatabase(dataDir: string, options: OpenAppDatabaseOptions = {}): { db: Database; notice: DatabaseNotice | null } {
  const file = join(dataDir, DATABASE_FILE);
  const now = options.now ?? Date.now;
  const migrations = options.migrations ?? MIGRATIONS;
  checkWritable(dataDir, file);
  let damage: unknown;
  try {
    return { db: openChecked(file, migrations), notice: null };
  } catch (error) {
    if (!isDamage(error)) throw explain(file, error);
    damage = error;
  }
  const setAsideAs = setAside(file, now());
  const reason = describe(damage);
  // The reason, not the error: a stack of our own header check would only look like a crash.
  options.log?.error('database: damaged, set aside', { file, setAsideAs, reason });
  const said = `The library database ${file} was damaged (${reason}). It was set aside as ${setAsideAs}, not deleted.`;
  for (const backup of listBackups(dataDir)) {
    if (!backupIsSound(backup.path)) {
      options.log?.warn('database: a backup is damaged too, skipped', { backup: backup.path });
      continue;
    }
    copyFileSync(backup.path, file, constants.COPYFILE_EXCL);
    try {
      const db = openChecked(file, migrations);
      holdUnsentJobs(db, backup.takenAt, now());
      const when = new Date(backup.takenAt).toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, ' UTC');
      const message = `${said} Promptreel restored the backup of ${when} (${backup.path}): what changed after it is missing, and jobs that were waiting to be sent wait for you to submit them again.`;
      options.log?.warn('database: restored from a backup', { file, backup: backup.path });
      return { db, notice: { kind: 'restored', message, file, setAsideAs, backup: backup.path } };
    } catch (error) {
      options.log?.warn('database: a restored backup would not open, skipped', { backup: backup.path, error });
      rmSync(file, { force: true });
    }
  }
  const db = openChecked(file, migrations);
  const message = `${said} No backup existed yet (they are kept in ${join(dataDir, BACKUP_DIR)}), so Promptreel started with an empty library. Your media files are untouched: import their folder to add them back.`;
  return { db, notice: { kind: 'fresh', message, file, setAsideAs, backup: null } };
}

function explain(file: string, error: unknown): Error {
  if (error instanceof DatabaseProblem) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/newer Promptreel/.test(message)) return new DatabaseProblem('newer', file, `${file}: ${message}`, { cause: error });
  if (sqliteCode(error) === SQLITE_READONLY || sqliteCode(error) === SQLITE_CANTOPEN) {
    return new DatabaseProblem('read_only', file, `Promptreel cannot write its library database ${file} (${message}). Check that the file and its folder are writable and the disk is not read-only, then start again.`, { cause: error });
  }
  return new DatabaseProblem('unreadable', file, `Promptreel cannot open its library database ${file}: ${message}`, { cause: error });
}

/**
 * For readers that must not change anything (`promptreel jobs`, `show`): the database as it is, even
 * when read-only. A damaged file is treated like `openAppDatabase` does when it can be written.
 */
export function openDatabaseForReading(dataDir: string, options: OpenAppDatabaseOptions = {}): { db: Database; notice: DatabaseNotice | null } {
  const file = join(dataDir, DATABASE_FILE);
  try {
    return openAppDatabase(dataDir, options);
  } catch (error) {
    if (!(error instanceof DatabaseProblem) || error.kind !== 'read_only' || !existsSync(file)) throw error;
    try {
      checkHeader(file);
      return { db: new DatabaseSync(file, { readOnly: true }), notice: null };
    } catch (cause) {
      throw new DatabaseProblem('read_only', file, `${error.message} (Reading it failed too: ${describe(cause)}.)`, { cause });
    }
  }
}

// ---- backups ------------------------------------------------------------------------------------

/**
 * `VACUUM INTO` on a worker thread with its own connection: a copy of a large library takes seconds,
 * which the main thread (the app's window, the downloads) must not wait through. WAL lets it read a
 * consistent snapshot while the app goes on writing.
 */
const BACKUP_WORKER = `
const { workerData, parentPort } = require('node:worker_threads');
const { DatabaseSync } = require('node:sqlite');
const db = new DatabaseSync(workerData.source, { readOnly: true, timeout: 5000 });
try {
  db.prepare('VACUUM INTO ?').run(workerData.target);
  parentPort.postMessage({ ok: true });
} catch (error) {
  parentPort.postMessage({ ok: false, error: String((error && error.message) || error) });
} finally {
  db.close();
}
`;

function vacuumInto(source: string, target: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(BACKUP_WORKER, { eval: true, workerData: { source, target } });
    let answered = false;
    worker.once('message', (reply: { ok: boolean; error?: string }) => {
      answered = true;
      if (reply.ok) resolve();
      else reject(new Error(reply.error ?? 'VACUUM INTO failed'));
    });
    worker.once('error', reject);
    worker.once('exit', () => {
      if (!answered) reject(new Error('The backup worker stopped.'));
    });
  });
}

/**
 * Takes a backup when the newest is a day old (or there is none), then keeps the newest three.
 * A failed copy (a damaged database, a full disk) leaves the existing backups as they were.
 * Returns the new backup's path, or null when none was due.
 */
export async function backupIfDue(dataDir: string, options: { now?: () => number; everyMs?: number; keep?: number } = {}): Promise<string | null> {
  const now = (options.now ?? Date.now)();
  const newest = listBackups(dataDir)[0];
  if (newest && now - newest.takenAt < (options.everyMs ?? BACKUP_EVERY_MS) && newest.takenAt <= now) return null;
  const dir = join(dataDir, BACKUP_DIR);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `promptreel-${stamp(now)}.db`);
  if (existsSync(path)) return null;
  // Written under a name `listBackups` ignores, and renamed once complete: a half copy is never "newest".
  const temp = `${path}.partial`;
  rmSync(temp, { force: true });
  try {
    await vacuumInto(join(dataDir, DATABASE_FILE), temp);
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  for (const old of listBackups(dataDir).slice(options.keep ?? BACKUPS_KEPT)) rmSync(old.path, { force: true });
  return path;
}

/**
 * Looks every minute (a directory listing) whether a backup is due, so an app left open for days still
 * takes one a day; the first look is a minute after the start, which is not the moment to read the
 * whole file. A failed backup is retried with a growing pause and logged once. The returned stop waits
 * for a backup in progress.
 */
export function scheduleBackups(dataDir: string, options: { log?: Logger; now?: () => number; checkEveryMs?: number } = {}): () => Promise<void> {
  let running: Promise<unknown> | undefined;
  const stop = every(
    options.checkEveryMs ?? 60_000,
    () => {
      running = backupIfDue(dataDir, options.now ? { now: options.now } : {}).then((path) => {
        if (path) options.log?.info('database: backup taken', { path });
      });
      return running;
    },
    {
      onError: (error, failures) => {
        if (failures === 1) options.log?.error('database: backup failed; retrying', { error });
      },
      onRecovered: () => options.log?.info('database: backups work again'),
      maxBackoffMs: 6 * 60 * 60 * 1000,
    },
  );
  return async () => {
    stop();
    await running?.catch(() => undefined);
  };
}
