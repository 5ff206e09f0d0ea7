import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '@main/core/db/database';
import { CLI, cliEnv } from '../support/cli-process';

/**
 * The built CLI and browser shell (`npm run build`) facing a damaged or read-only database: one clear
 * line, no stack trace.
 */
let root: string;
let dataDir: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'promptreel-cli-db-'));
  chmodSync(root, 0o755);
  dataDir = join(root, 'data');
  mkdirSync(dataDir);
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

/** As an unprivileged user when the tests run as root, for whom no file is read-only. */
function cli(args: string[], options: { unprivileged?: boolean } = {}): { code: number | null; stdout: string; stderr: string } {
  const asNobody = options.unprivileged && process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: cliEnv({ PROMPTREEL_DATA_DIR: dataDir, HOME: root }), ...asNobody });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('the CLI and a damaged database', () => {
  it('says in one line that it was damaged and set aside, then works on a fresh one', () => {
    writeFileSync(join(dataDir, 'promptreel.db'), 'garbage, not a database');
    const listed = cli(['jobs', '--json']);
    expect(listed.stderr.trim().split('\n')).toHaveLength(1);
    expect(listed.stderr).toMatch(/^promptreel: The library database .*promptreel\.db was damaged \(it is not an SQLite database\)\. It was set aside as .*promptreel\.corrupt-.*\.db, not deleted\./);
    expect(listed.code).toBe(0);
    expect(readdirSync(dataDir).some((name) => /^promptreel\.corrupt-.*\.db$/.test(name))).toBe(true);
    const again = cli(['resume']);
    expect(again.stderr).toMatch(/^Nothing to resume/);
    expect(again.code).toBe(0);
  });
});

describe('the CLI and a read-only database', () => {
  it('refuses to run with one line naming the file, and still lists the jobs in it', () => {
    const db = openDatabase(join(dataDir, 'promptreel.db'));
    db.prepare("INSERT INTO jobs (id, operation, vendor, status, params, created_at, updated_at) VALUES ('kept', 'hidream.txt2video', 'hidream', 'succeeded', '{}', 1, 1)").run();
    db.close();
    const owner = process.getuid?.() === 0 ? 65534 : (process.getuid?.() ?? 0);
    chownSync(dataDir, owner, owner);
    chownSync(join(dataDir, 'promptreel.db'), owner, owner);
    chmodSync(join(dataDir, 'promptreel.db'), 0o444);

    const resumed = cli(['resume'], { unprivileged: true });
    expect(resumed.code).toBe(1);
    expect(resumed.stderr).toBe(
      `promptreel: The library database ${join(dataDir, 'promptreel.db')} is read-only, and Promptreel writes to it on every action. Make it writable (for example chmod u+w "${join(dataDir, 'promptreel.db')}"), then start again; nothing was changed.\n`,
    );
    const listed = cli(['jobs', '--json'], { unprivileged: true });
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain('"id":"kept"');
  });
});

describe('the browser shell and its database', () => {
  /** Runs the built shell until it listens (then stops it) or exits by itself. */
  function shell(options: { unprivileged?: boolean } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const asNobody = options.unprivileged && process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const child = spawn(process.execPath, ['out/main/shell.js'], {
      env: { ...cliEnv({ PROMPTREEL_DATA_DIR: dataDir, HOME: root }), PROMPTREEL_SHELL_PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...asNobody,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (/token=\S+\n/.test(stdout)) child.kill('SIGTERM');
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
  }

  it('starts on a fresh database after saying in one line what happened to the damaged one', async () => {
    writeFileSync(join(dataDir, 'promptreel.db'), 'garbage, not a database');
    const run = await shell();
    // Beside the shell's structured log, which goes to stderr too.
    expect(run.stderr.split('\n').filter((line) => line.startsWith('promptreel:'))).toHaveLength(1);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.stderr).toMatch(/^promptreel: The library database .* was damaged .* set aside as .*promptreel\.corrupt-.*\.db, not deleted\./m);
    expect(run.stdout).toMatch(/Open:\nhttp:\/\/127\.0\.0\.1:\d+\/\S*token=/);
  });

  it('does not start on a read-only data folder, and says which folder in one line', async () => {
    openDatabase(join(dataDir, 'promptreel.db')).close();
    chmodSync(dataDir, 0o555);
    const run = await shell({ unprivileged: true });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`^promptreel: Promptreel cannot write in its data folder ${dataDir},[^\n]*\n$`));
  });
});
