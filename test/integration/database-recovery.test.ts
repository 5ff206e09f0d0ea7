import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '@main/core/db/database';
import { MIGRATIONS } from '@main/core/db/migrations';
import { backupIfDue, listBackups, openAppDatabase, scheduleBackups } from '@main/core/db/storage';
import type { DatabaseNotice } from '@main/core/db/storage';
import { createLogger } from '@main/core/log';
import { createEngine } from '@main/runtime';

/**
 * The database file as it really goes wrong: overwritten with garbage, cut short by a copy or a full
 * disk, made read-only; and the daily backups that let a user get the library back.
 */
const DAY = 24 * 60 * 60 * 1000;
const T0 = Date.UTC(2026, 11, 1, 7, 30, 0);
let dataDir: string;

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'promptreel-db-'));
});
afterEach(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

const dbFile = (): string => join(dataDir, 'promptreel.db');
const version = (db: Database): number => (db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version;

function addJob(db: Database, id: string, status: string): void {
  // Big params make the file span many pages, as a real library's does.
  db.prepare('INSERT INTO jobs (id, operation, vendor, status, params, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
    id,
    'hidream.txt2video',
    'hidream',
    status,
    JSON.stringify({ prompt: randomBytes(3000).toString('hex') }),
    T0,
    T0,
  );
}

const jobIds = (db: Database): string[] => (db.prepare('SELECT id FROM jobs ORDER BY id').all() as { id: string }[]).map((r) => r.id);

/** A real database with `jobs` rows, closed cleanly (WAL checkpointed and removed). */
function realDatabase(jobs: [string, string][]): void {
  const db = openDatabase(dbFile());
  for (const [id, status] of jobs) addJob(db, id, status);
  db.close();
}

describe('a damaged database', () => {
  it('of garbage bytes: the app starts on a fresh one, says so, and keeps the bad file beside it', () => {
    const garbage = Buffer.from('this is not a database, it is a holiday photo '.repeat(200));
    writeFileSync(dbFile(), garbage);
    const notices: DatabaseNotice[] = [];
    const runtime = createEngine(dataDir, {
      host: { transport: 'browser', log: createLogger({ sink: () => undefined }), onStorageNotice: (notice) => notices.push(notice) },
    });
    try {
      expect(runtime.library.search({}).items).toEqual([]);
    } finally {
      void runtime.close();
    }
    expect(notices).toHaveLength(1);
    const [notice] = notices;
    expect(notice?.kind).toBe('fresh');
    expect(notice?.message).toContain(`The library database ${dbFile()} was damaged (it is not an SQLite database)`);
    expect(notice?.message).toContain(`set aside as ${notice?.setAsideAs ?? '?'}, not deleted`);
    expect(notice?.message).toContain(`No backup existed yet (they are kept in ${join(dataDir, 'backups')})`);
    expect(basename(notice?.setAsideAs ?? '')).toMatch(/^promptreel\.corrupt-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z\.db$/);
    expect(readFileSync(notice?.setAsideAs ?? '')).toEqual(garbage);
  });

  it('cut in half: restored from the newest backup, with the jobs not yet sent held for the user', async () => {
    realDatabase([
      ['a-done', 'succeeded'],
      ['b-waiting', 'queued'],
    ]);
    expect(await backupIfDue(dataDir, { now: () => T0 })).not.toBeNull();
    const db = openDatabase(dbFile());
    for (let i = 0; i < 40; i++) addJob(db, `c-later-${i}`, 'succeeded');
    db.close();
    const before = readFileSync(dbFile());
    truncateSync(dbFile(), Math.floor(before.length / 2));

    const { db: restored, notice } = openAppDatabase(dataDir, { now: () => T0 + DAY / 2 });
    try {
      expect(notice?.kind).toBe('restored');
      expect(notice?.backup).toBe(listBackups(dataDir)[0]?.path);
      expect(notice?.message).toContain(`Promptreel restored the backup of 2026-12-01 07:30:00 UTC (${notice?.backup ?? '?'})`);
      expect(jobIds(restored)).toEqual(['a-done', 'b-waiting']);
      const held = restored.prepare("SELECT status, attention FROM jobs WHERE id = 'b-waiting'").get() as { status: string; attention: string };
      expect(held.status).toBe('needs_attention');
      expect(held.attention).toMatch(/may have been sent to the vendor since/);
      expect(version(restored)).toBe(MIGRATIONS.length);
    } finally {
      restored.close();
    }
    expect(readFileSync(notice?.setAsideAs ?? '')).toEqual(before.subarray(0, Math.floor(before.length / 2)));
  });

  it('damaged twice in the same second: the first damaged file is not replaced by the second', () => {
    writeFileSync(dbFile(), 'first garbage');
    const first = openAppDatabase(dataDir, { now: () => T0 });
    first.db.close();
    writeFileSync(dbFile(), 'second garbage');
    const second = openAppDatabase(dataDir, { now: () => T0 });
    second.db.close();
    expect(second.notice?.setAsideAs).not.toBe(first.notice?.setAsideAs);
    expect(readFileSync(first.notice?.setAsideAs ?? '', 'utf8')).toBe('first garbage');
    expect(readFileSync(second.notice?.setAsideAs ?? '', 'utf8')).toBe('second garbage');
  });

  it('missing only its last pages (which SQLite would find at the first unlucky query): set aside too', () => {
    realDatabase(Array.from({ length: 30 }, (_, i): [string, string] => [`job-${i}`, 'succeeded']));
    const size = statSync(dbFile()).size;
    truncateSync(dbFile(), size - 4096);
    const { db, notice } = openAppDatabase(dataDir, { now: () => T0 });
    db.close();
    expect(notice?.kind).toBe('fresh');
    expect(notice?.message).toMatch(/it is cut short: \d+ of \d+ bytes/);
  });

  it('skips a damaged backup and restores the next older one', async () => {
    realDatabase([['old', 'succeeded']]);
    await backupIfDue(dataDir, { now: () => T0 });
    const db = openDatabase(dbFile());
    addJob(db, 'newer', 'succeeded');
    db.close();
    const newest = await backupIfDue(dataDir, { now: () => T0 + DAY });
    writeFileSync(newest ?? '', 'garbage');
    writeFileSync(dbFile(), 'garbage');
    const { db: restored, notice } = openAppDatabase(dataDir, { now: () => T0 + 2 * DAY });
    try {
      expect(jobIds(restored)).toEqual(['old']);
      expect(notice?.backup).toBe(listBackups(dataDir)[1]?.path);
    } finally {
      restored.close();
    }
  });
});

describe('a read-only database', () => {
  /**
   * Run in a child process as an unprivileged user when the tests run as root (root writes anyway), so
   * the file system really refuses the write.
   */
  function openAs(dir: string, mode: 'app' | 'read'): { kind?: string; message?: string; jobs?: string[] } {
    const script = join(dataDir, 'open.ts');
    writeFileSync(
      script,
      `import { openAppDatabase, openDatabaseForReading } from ${JSON.stringify(resolve('src/main/core/db/storage.ts'))};
try {
  const { db } = ${mode === 'app' ? 'openAppDatabase' : 'openDatabaseForReading'}(${JSON.stringify(dir)});
  const jobs = db.prepare('SELECT id FROM jobs').all().map((r) => r.id);
  db.close();
  console.log(JSON.stringify({ jobs }));
} catch (error) {
  console.log(JSON.stringify({ kind: error.kind, message: error.message }));
}
`,
    );
    chmodSync(dataDir, 0o755);
    chmodSync(script, 0o644);
    const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const child = spawnSync(process.execPath, [resolve('node_modules/tsx/dist/cli.mjs'), '--tsconfig', 'tsconfig.node.json', script], {
      encoding: 'utf8',
      env: { ...process.env, HOME: dataDir, TMPDIR: join(dataDir, 'tmp') },
      ...asNobody,
    });
    const line = child.stdout.trim().split('\n').at(-1) ?? '';
    if (!line.startsWith('{')) throw new Error(`the child failed: ${child.stderr}`);
    return JSON.parse(line) as { kind?: string; message?: string; jobs?: string[] };
  }

  function prepare(): { dir: string; bytes: Buffer } {
    const dir = join(dataDir, 'data');
    mkdirSync(dir);
    const tmp = join(dataDir, 'tmp');
    mkdirSync(tmp);
    chmodSync(tmp, 0o777);
    const db = openDatabase(join(dir, 'promptreel.db'));
    addJob(db, 'kept', 'succeeded');
    db.close();
    const owner = process.getuid?.() === 0 ? 65534 : (process.getuid?.() ?? 0);
    chownSync(dir, owner, owner);
    chownSync(join(dir, 'promptreel.db'), owner, owner);
    return { dir, bytes: readFileSync(join(dir, 'promptreel.db')) };
  }

  it('as a file: the start stops with a sentence naming it, nothing is set aside, and `jobs` can still read it', () => {
    const { dir, bytes } = prepare();
    chmodSync(join(dir, 'promptreel.db'), 0o444);
    const refused = openAs(dir, 'app');
    expect(refused.kind).toBe('read_only');
    expect(refused.message).toBe(
      `The library database ${join(dir, 'promptreel.db')} is read-only, and Promptreel writes to it on every action. Make it writable (for example chmod u+w "${join(dir, 'promptreel.db')}"), then start again; nothing was changed.`,
    );
    expect(readdirSync(dir)).toEqual(['promptreel.db']);
    expect(readFileSync(join(dir, 'promptreel.db'))).toEqual(bytes);
    expect(openAs(dir, 'read').jobs).toEqual(['kept']);
  });

  it('as a folder: the start stops and says the folder must be writable', () => {
    const { dir } = prepare();
    chmodSync(dir, 0o555);
    const refused = openAs(dir, 'app');
    expect(refused.kind).toBe('read_only');
    expect(refused.message).toContain(`Promptreel cannot write in its data folder ${dir}`);
    expect(existsSync(join(dir, 'promptreel.db'))).toBe(true);
  });
});

describe('backups', () => {
  it('are taken once a day into <data>/backups, the newest three kept, each a working copy of its day', async () => {
    const db = openDatabase(dbFile());
    const taken: (string | null)[] = [];
    for (let day = 0; day < 5; day++) {
      addJob(db, `day-${day}`, 'succeeded');
      taken.push(await backupIfDue(dataDir, { now: () => T0 + day * DAY }));
      // Later the same day: not due again.
      expect(await backupIfDue(dataDir, { now: () => T0 + day * DAY + 3 * 60 * 60 * 1000 })).toBeNull();
    }
    db.close();
    expect(taken.every((path) => path !== null)).toBe(true);
    const kept = listBackups(dataDir);
    expect(kept.map((b) => basename(b.path))).toEqual(['promptreel-2026-12-05T07-30-00Z.db', 'promptreel-2026-12-04T07-30-00Z.db', 'promptreel-2026-12-03T07-30-00Z.db']);
    expect(readdirSync(join(dataDir, 'backups'))).toHaveLength(3);
    for (const [i, backup] of kept.entries()) {
      const copy = openDatabase(backup.path);
      expect(jobIds(copy)).toEqual(Array.from({ length: 5 - i }, (_, d) => `day-${d}`));
      copy.close();
    }
  });

  it('run on a schedule without blocking, and a stop waits for one in progress', async () => {
    openDatabase(dbFile()).close();
    const stop = scheduleBackups(dataDir, { checkEveryMs: 5, now: () => T0 });
    await expect.poll(() => listBackups(dataDir).length, { timeout: 10_000 }).toBe(1);
    await stop();
    // Looked at again and again, but a day's backup is taken once.
    expect(listBackups(dataDir)).toHaveLength(1);
  });
});
