import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '@main/sandbox';
import { openDatabase } from '@main/core/db/database';
import { JsonFileSettingsBacking, SettingsStore } from '@main/core/settings/store';
import { JobStore } from '@main/core/jobs/store';
import { cliEnv, compressedSandbox, eventually, runCli, sandboxCliEnv, spawnCli } from '../support/cli-process';
import { startStallingProxy } from '../support/stalling-proxy';

/*
 * The `promptreel` command as automation uses it: a real child process (the built out/main/cli.js) against
 * a sandbox vendor running in this test process, configured through the documented environment variables.
 * Time is compressed 10× on both sides (sandbox durations × 0.1, engine poll timing ÷ 10).
 */
let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await compressedSandbox();
});

afterAll(async () => {
  await sandbox.close();
});

const env = (dataDir: string, origin = sandbox.origin, vendor = sandbox): NodeJS.ProcessEnv => sandboxCliEnv(dataDir, vendor, origin);

function dataDir(): string {
  return mkdtempSync(join(tmpdir(), 'promptreel-cli-'));
}

function jsonLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

describe('promptreel CLI', () => {
  it('rejects bad usage and invalid parameters with exit 2, naming the field, and sends nothing', async () => {
    const dir = dataDir();
    const before = sandbox.stats().submissions.length;
    const notVideo = join(dir, 'notes.mp4');
    writeFileSync(notVideo, 'just text, not a video');
    const cases: [string[], RegExp][] = [
      [['run', 'hidream.txt2gif', '--params', '{}'], /operation: unknown "hidream.txt2gif"/],
      [['run', 'haiper.generate'], /--params is required/],
      [['run', 'haiper.generate', '--params', '{"prompt": '], /--params: not valid JSON/],
      [['run', 'haiper.generate', '--params', '[1]'], /--params must be a JSON object/],
      [['run', 'haiper.generate', '--params', '{"prompt":"x","settings":{"duration":3}}'], /--params settings\.duration: Duration must be one of: 2 s, 4 s, 8 s\. \(values: 2, 4, 8\)/],
      [['run', 'hidream.txt2video', '--params', '{"prompt":"x","colour":"red"}'], /--params colour: HiDream · Text to video has no field “colour”\. \(fields: prompt, negative_prompt, /],
      [['run', 'hidream.video_stylize', '--params', '{"style":"anime"}', '--file', join(dir, 'missing.mp4')], /--file: .*missing\.mp4/],
      [['run', 'hidream.video_stylize', '--params', '{"style":"anime"}', '--file', notVideo], /--file: notes\.mp4 is not a video/],
      [['run', 'hidream.txt2img', '--params', '{"prompt":"x"}', '--file', notVideo], /--file: HiDream · Text to image does not take a local file \(only HiDream · Stylize a video does\)\./],
      [['run', 'haiper.generate', '--params', '@nope.json'], /--params: cannot read/],
      [['jobs', '--wait'], /--wait is not an option of "promptreel jobs"/],
      [['run', 'haiper.generate', '--params', '{}', '--colour'], /Unknown option '--colour'/],
      [['show', 'no-such-job'], /jobId: no job with id no-such-job/],
      [['frobnicate'], /Unknown command "frobnicate"/],
    ];
    for (const [args, message] of cases) {
      const result = await runCli(args, env(dir), dir);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toMatch(message);
      expect(result.stdout).toBe('');
    }
    expect(sandbox.stats().submissions.length).toBe(before);
  });

  it('runs a job with --wait --json: one line with the contract keys, the files written and hashed', async () => {
    const dir = dataDir();
    const out = join(dir, 'out');
    const result = await runCli(['run', 'hidream.txt2img', '--params', '{"prompt":"a red fox","img_count":2}', '--wait', '--out', out, '--json'], env(dir));
    expect(result.code, result.stderr).toBe(0);
    const [line, ...more] = jsonLines(result.stdout);
    expect(more).toEqual([]);
    expect(Object.keys(line ?? {})).toEqual(['id', 'operation', 'status', 'error', 'outputs']);
    expect(line).toMatchObject({ operation: 'hidream.txt2img', status: 'succeeded', error: null });
    const outputs = line?.['outputs'] as { url: string; path: string; bytes: number; sha256: string }[];
    expect(outputs).toHaveLength(2);
    for (const output of outputs) {
      expect(Object.keys(output)).toEqual(['url', 'path', 'bytes', 'sha256']);
      expect(output.path.startsWith(out)).toBe(true);
      expect(statSync(output.path).size).toBe(output.bytes);
      expect(sha256(output.path)).toBe(output.sha256);
    }
    // The same record through `show` and `jobs`.
    const shown = await runCli(['show', String(line?.['id']), '--json'], env(dir));
    expect(jsonLines(shown.stdout)).toEqual([line]);
    const listed = await runCli(['jobs', '--json'], env(dir));
    expect(jsonLines(listed.stdout)).toEqual([line]);
    const table = await runCli(['jobs'], env(dir));
    expect(table.stdout).toMatch(/ID\s+STATUS\s+OPERATION/);
    expect(table.stdout).toContain('a red fox');
  });

  it("writes results into the app's download folder with its file-name template unless --out says otherwise", async () => {
    const dir = dataDir();
    const library = join(dir, 'My Library');
    const settings = SettingsStore.open({ backing: new JsonFileSettingsBacking(join(dir, 'settings.json')), dataDir: dir });
    // Auto-download off only holds the app's downloads for a click: a CLI run with --wait still gets its files.
    settings.update({ downloadDir: library, fileNameTemplate: 'cli-{n}.{ext}', autoDownload: false });
    const result = await runCli(['run', 'hidream.txt2img', '--params', '{"prompt":"a blue owl","img_count":2}', '--wait', '--json'], env(dir));
    expect(result.code, result.stderr).toBe(0);
    const outputs = jsonLines(result.stdout)[0]?.['outputs'] as { path: string; sha256: string }[];
    // The extension comes from the bytes the sandbox serves.
    expect(outputs.map((o) => o.path.replace(/\.[a-z]+$/, '')).sort()).toEqual([join(library, 'cli-1'), join(library, 'cli-2')]);
    for (const output of outputs) expect(sha256(output.path)).toBe(output.sha256);
    // The same engine as the app's: the files are library items at once, with the job's prompt.
    const db = openDatabase(join(dir, 'promptreel.db'));
    const items = db.prepare('SELECT path, prompt FROM items ORDER BY path').all();
    db.close();
    expect(items).toEqual(outputs.map((o) => ({ path: o.path, prompt: 'a blue owl' })).sort((a, b) => a.path.localeCompare(b.path)));
    // Keys given by the environment reach the engine only: no file in the data directory holds one.
    const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((f) => f.isFile());
    expect(files.length).toBeGreaterThan(2);
    for (const file of files) {
      const bytes = readFileSync(join(file.parentPath, file.name));
      expect(bytes.includes(sandbox.hidream.token), file.name).toBe(false);
      expect(bytes.includes(sandbox.haiper.accessKey), file.name).toBe(false);
    }
  });

  it('without --wait exits once the vendor accepted the job; resume --wait finishes it', async () => {
    const dir = dataDir();
    const accepted = await runCli(['run', 'haiper.generate', '--params', '{"prompt":"waves"}', '--json'], env(dir));
    expect(accepted.code, accepted.stderr).toBe(0);
    const [line] = jsonLines(accepted.stdout);
    expect(line).toMatchObject({ status: 'running', error: null, outputs: [] });
    const resumed = await runCli(['resume', '--wait', '--json'], env(dir));
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(jsonLines(resumed.stdout)).toMatchObject([{ id: line?.['id'], status: 'succeeded' }]);
    const nothing = await runCli(['resume', '--json'], env(dir));
    expect(nothing).toMatchObject({ code: 0, stdout: '' });
  });

  it('without keys uses the built-in sandbox, and says a job left behind cannot finish without it', async () => {
    const dir = dataDir();
    const keyless = cliEnv({ PROMPTREEL_DATA_DIR: dir, PROMPTREEL_TIME_SCALE: '10' });
    const accepted = await runCli(['run', 'haiper.generate', '--params', '{"prompt":"a demo"}', '--json'], keyless);
    expect(accepted.code, accepted.stderr).toBe(0);
    expect(accepted.stderr).toMatch(/built-in sandbox, which stops when this command exits\. Use --wait/);
    const resumed = await runCli(['resume', '--wait', '--json'], keyless);
    expect(resumed.code).toBe(1);
    expect(jsonLines(resumed.stdout)).toMatchObject([{ status: 'failed', error: { kind: 'vendor', message: expect.stringMatching(/built-in sandbox that accepted this job has stopped/) as string } }]);
  });

  it('never resends a submission that may have been billed, unless told to with resume --resubmit', async () => {
    const dir = dataDir();
    const cuts = () => sandbox.stats().submissions.filter((s) => (s.markers as string[]).includes('[cut]')).length;
    const first = await runCli(['run', 'hidream.txt2video', '--params', '{"prompt":"a bridge [cut]"}', '--wait', '--json'], env(dir));
    expect(first.code).toBe(1);
    const [line] = jsonLines(first.stdout);
    expect(line).toMatchObject({ status: 'needs_attention', error: { kind: expect.any(String) as string } });
    expect(first.stderr).toMatch(/may have been billed[\s\S]*promptreel resume --resubmit/);
    expect(cuts()).toBe(1);
    const resumed = await runCli(['resume', '--wait', '--json'], env(dir));
    expect(resumed.code).toBe(1);
    expect(jsonLines(resumed.stdout)).toMatchObject([{ id: line?.['id'], status: 'needs_attention' }]);
    expect(cuts()).toBe(1);
    const resubmitted = await runCli(['resume', '--resubmit', '--wait', '--json'], env(dir));
    expect(jsonLines(resubmitted.stdout)).toMatchObject([{ id: line?.['id'] }]);
    expect(cuts()).toBe(2);
  });

  it('stops on a refused token with exit 1 and a hint, never printing the token', async () => {
    const dir = dataDir();
    const token = 'hd-not-a-valid-token-8c1f2e';
    const result = await runCli(['run', 'hidream.txt2img', '--params', '{"prompt":"a gate"}', '--wait', '--json'], { ...env(dir), PROMPTREEL_HIDREAM_TOKEN: token, PROMPTREEL_LOG_LEVEL: 'debug' });
    expect(result.code).toBe(1);
    expect(jsonLines(result.stdout)).toMatchObject([{ status: 'queued', error: { kind: 'auth', message: expect.stringMatching(/token expired or invalid/) as string } }]);
    expect(result.stderr).toMatch(/set PROMPTREEL_HIDREAM_TOKEN to a valid key, then run: promptreel resume --wait/);
    expect(result.stdout + result.stderr).not.toContain(token);
  });

  it('runs through bin/promptreel.mjs, the installed command', async () => {
    const { spawnSync } = await import('node:child_process');
    const result = spawnSync(process.execPath, ['bin/promptreel.mjs', '--version'], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^promptreel \d+\.\d+\.\d+/);
  });

  it('exits 1 with the error kind when the vendor fails the job', async () => {
    const dir = dataDir();
    const result = await runCli(['run', 'hidream.txt2video', '--params', '{"prompt":"a storm [moderation]"}', '--wait', '--json'], env(dir));
    expect(result.code).toBe(1);
    expect(jsonLines(result.stdout)).toMatchObject([{ status: 'failed', error: { kind: 'moderation' }, outputs: [] }]);
  });

  it('a partly done job says so in its --json line, keeps the files it has, and exits 1', async () => {
    const dir = dataDir();
    const result = await runCli(['run', 'hidream.txt2img', '--params', '{"prompt":"three kites [partial]","img_count":3}', '--wait', '--json'], env(dir));
    expect(result.code, result.stderr).toBe(1);
    const [line] = jsonLines(result.stdout);
    expect(line).toMatchObject({ status: 'partial', error: { kind: 'moderation', message: '2 of 3 images; 1 rejected by moderation' } });
    const outputs = line?.['outputs'] as { path: string; sha256: string }[];
    expect(outputs).toHaveLength(2);
    for (const output of outputs) expect(sha256(output.path)).toBe(output.sha256);
  });

  it('a result whose link is dead at first download fails the job with that reason, exit 1', async () => {
    const dir = dataDir();
    const result = await runCli(['run', 'hidream.txt2video', '--params', '{"prompt":"a harbour [expired]"}', '--wait', '--json'], env(dir));
    expect(result.code).toBe(1);
    expect(jsonLines(result.stdout)).toMatchObject([{ status: 'failed', error: { kind: 'expired', message: expect.stringMatching(/^Not saved: /) as string }, outputs: [{ path: null }] }]);
  });

  it('two runs on one data folder share one free-tier HiDream slot: the second waits, saying why, and the vendor refuses nothing', async () => {
    // Clips long enough (5-6 s) that the second run surely starts while the first one's task runs.
    const vendor = await startSandbox({ timeScale: 0.1, durations: { image: [8_000, 10_000], video: [50_000, 60_000] }, limitWindowMs: 6_000, hidreamLimits: { concurrency: 1 } });
    const dir = dataDir();
    const db = openDatabase(join(dir, 'promptreel.db'));
    const store = new JobStore(db);
    const run = (prompt: string) => spawnCli(['run', 'hidream.txt2video', '--params', JSON.stringify({ prompt }), '--wait', '--json'], env(dir, vendor.origin, vendor));
    // Both at once: whichever submits first holds the one slot, and the other waits for it.
    const first = run('the first clip');
    const second = run('the second clip');
    const waiting = await eventually(() => store.list({ offset: 0, limit: 10 }).jobs.find((j) => j.waiting !== null), 30_000, 'a job waiting');
    expect(waiting).toMatchObject({ status: 'queued', attention: 'Waiting for a free HiDream slot (membership: free, 1 at a time).' });
    const [a, b] = await Promise.all([first.result, second.result]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    expect(vendor.stats().limitViolations).toEqual({ total: 0 });
    expect(vendor.stats().submissions.map((s) => s.outcome)).toEqual(['created', 'created']);
    db.close();
    await vendor.close();
  });

  it('a refusal that mentions tokens fails the job with the vendor’s words (exit 1), not a paused key', async () => {
    const dir = dataDir();
    const result = await runCli(['run', 'hidream.txt2img', '--params', '{"prompt":"a long prompt [tokens]"}', '--wait', '--json'], env(dir));
    expect(result.code).toBe(1);
    expect(jsonLines(result.stdout)).toMatchObject([{ status: 'failed', error: { kind: 'validation', message: expect.stringContaining('at most 77 tokens') as string } }]);
    expect(result.stderr).not.toMatch(/PROMPTREEL_HIDREAM_TOKEN/);
  });

  it('survives kill -9 while polling and while downloading: resume --wait completes both, one submission each', async () => {
    // A vendor of its own, so its counters hold only this test's requests.
    const vendor = await compressedSandbox();
    const proxy = await startStallingProxy(vendor.origin);
    const direct = (d: string) => env(d, vendor.origin, vendor);
    const viaProxy = (d: string) => env(d, proxy.origin, vendor);
    const dir = dataDir();
    const db = openDatabase(join(dir, 'promptreel.db'));
    const store = new JobStore(db);
    const jobWith = (operation: string) => store.list({ offset: 0, limit: 10 }).jobs.find((j) => j.operation === operation);

    // 1. Killed while polling: the job is running on the vendor.
    const polling = spawnCli(['run', 'hidream.txt2video', '--params', '{"prompt":"a slow river"}', '--wait', '--json'], direct(dir));
    const running = await eventually(() => {
      const job = jobWith('hidream.txt2video');
      return job?.status === 'running' ? job : undefined;
    }, 20_000, 'the first job running');
    polling.kill('SIGKILL');
    expect((await polling.result).code).toBe(null);

    // 2. Killed while downloading: the result file stalls after its first bytes.
    proxy.stall = true;
    const downloading = spawnCli(['run', 'haiper.generate', '--params', '{"prompt":"a fast car"}', '--wait', '--json'], viaProxy(dir));
    await proxy.stalled();
    const midDownload = jobWith('haiper.generate');
    expect(midDownload?.status).toBe('succeeded');
    downloading.kill('SIGKILL');
    expect((await downloading.result).code).toBe(null);
    proxy.stall = false;

    const resumed = await runCli(['resume', '--wait', '--json'], viaProxy(dir));
    expect(resumed.code, resumed.stderr).toBe(0);
    const lines = jsonLines(resumed.stdout);
    expect(lines.map((l) => l['id']).sort()).toEqual([running.id, midDownload?.id].sort());
    for (const line of lines) {
      expect(line).toMatchObject({ status: 'succeeded', error: null });
      for (const output of line['outputs'] as { path: string; sha256: string }[]) expect(sha256(output.path)).toBe(output.sha256);
    }
    // Server-side: exactly one submission per job, and the tasks polled are the ones first created.
    const stats = vendor.stats();
    expect(stats.submissions.map((s) => s.outcome)).toEqual(['created', 'created']);
    expect(stats.submissions.map((s) => s.taskId).sort()).toEqual(store.list({ offset: 0, limit: 10 }).jobs.map((j) => j.taskId).sort());
    db.close();
    await proxy.close();
    await vendor.close();
  });
});
