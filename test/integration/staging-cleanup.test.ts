import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Job, JobStatus } from '@shared/jobs';
import { createLogger } from '@main/core/log';
import { DEFAULT_LIMIT_SETTINGS } from '@main/core/jobs/limiter';
import { createEngine, type Runtime } from '@main/runtime';
import { startSandbox, type Sandbox } from '@main/sandbox';
import { eventually } from '../support/cli-process';
import { caller, value, type Call } from '../support/runtime-call';

/**
 * Staged uploads (a real staging folder under a real data folder, the real job engine against the
 * sandbox vendor) are deleted once no job needs them, and what a previous run left is swept at start.
 */
const CLIP = readFileSync('test/fixtures/clip.mp4');
const quiet = createLogger({ sink: () => undefined });

let runtime: Runtime | undefined;
let sandbox: Sandbox | undefined;
afterEach(async () => {
  await runtime?.close();
  await sandbox?.close();
  runtime = undefined;
  sandbox = undefined;
});

async function start(dataDir: string): Promise<{ call: Call; runtime: Runtime }> {
  sandbox ??= await startSandbox({ timeScale: 0.01, log: quiet, hidreamLimits: { perMinute: { stylize: 100 }, concurrency: 10 } });
  const s = sandbox;
  const r = createEngine(dataDir, {
    host: { transport: 'browser', log: quiet },
    vendors: {
      // The engine in the sandbox's time: vendor time runs a hundred times faster.
      timeScale: 100,
      sandbox: () => Promise.resolve(s),
      // Several jobs at once, without the per-minute wait between stylize jobs.
      limits: { ...DEFAULT_LIMIT_SETTINGS, hidream: { perMinute: { image: 100, video: 100, stylize: 100 }, concurrency: 10 } },
    },
  });
  runtime = r;
  return { call: caller(r), runtime: r };
}

/** What the browser shell does with a dropped video: `files.stage*` in frames. */
async function stage(call: Call): Promise<string> {
  const { uploadId } = value(await call('files.stage', { name: 'clip.mp4', size: CLIP.length }));
  value(await call('files.stageChunk', { uploadId, offset: 0, data: CLIP.toString('base64') }));
  return value(await call('files.stageCommit', { uploadId })).path;
}

/** A sandbox marker in the prompt picks how the vendor answers (see the sandbox's markers). */
const stylize = async (call: Call, file: string, prompt = 'a calm sea'): Promise<Job> =>
  value(await call('jobs.submit', { operation: 'hidream.video_stylize', params: { style: 'anime', prompt }, file }));

function waitFor(r: Runtime, id: string, statuses: JobStatus[]): Promise<Job> {
  return eventually(() => {
    const job = r.jobs.engine.get(id);
    return statuses.includes(job.status) ? job : undefined;
  }, 20_000, `job ${id} ${statuses.join('/')}`);
}

describe('staged uploads are deleted when no job needs them', () => {
  it('once the vendor has the video, and not while another job that may send it again names the same copy', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'promptreel-staged-'));
    const { call, runtime: r } = await start(dataDir);
    const path = await stage(call);
    expect(existsSync(path)).toBe(true);

    const first = await stylize(call, path);
    await waitFor(r, first.id, ['running', 'succeeded']);
    await eventually(() => (existsSync(path) ? undefined : true), 5_000, 'staged file deleted');
    expect(readdirSync(join(dataDir, 'staging'))).toEqual([]);

    // A second copy used by two jobs (a duplicate): kept until the last one has been sent.
    const shared = await stage(call);
    // `b`'s answer is lost, so it waits for the user, who may resubmit it: the copy stays after `a` was sent.
    const b = await stylize(call, shared, 'two [cut]');
    await waitFor(r, b.id, ['needs_attention']);
    const a = await stylize(call, shared, 'one');
    await waitFor(r, a.id, ['running', 'succeeded']);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(existsSync(shared)).toBe(true);
    // Discarded by the user: now nothing needs it.
    value(await call('jobs.resolve', { id: b.id, action: 'discard' }));
    await eventually(() => (existsSync(shared) ? undefined : true), 5_000, 'shared staged file deleted');
  });

  it('a duplicate after the copy is gone is refused in plain words', async () => {
    const { call, runtime: r } = await start(mkdtempSync(join(tmpdir(), 'promptreel-staged-')));
    const path = await stage(call);
    const job = await stylize(call, path);
    await waitFor(r, job.id, ['running', 'succeeded']);
    await eventually(() => (existsSync(path) ? undefined : true), 5_000, 'staged file deleted');
    expect(await call('jobs.submit', { operation: 'hidream.video_stylize', params: { style: 'anime' }, file: path })).toMatchObject({
      ok: false,
      error: { kind: 'not_found', message: expect.stringMatching(/deleted once the vendor had it; choose or drop the video again/) as unknown },
    });
  });

  it('when the job is canceled before it was sent', async () => {
    const { call, runtime: r } = await start(mkdtempSync(join(tmpdir(), 'promptreel-staged-')));
    // The sandbox refuses it as over the per-minute limit, so the job waits in the queue, file and all.
    const path = await stage(call);
    const job = await stylize(call, path, 'waves [limit]');
    await eventually(() => (r.jobs.engine.get(job.id).attempts > 0 && r.jobs.engine.get(job.id).status === 'queued' ? true : undefined), 10_000, 'job requeued');
    expect(existsSync(path)).toBe(true);
    value(await call('jobs.cancel', { id: job.id }));
    await eventually(() => (existsSync(path) ? undefined : true), 5_000, 'staged file deleted');
  });

  it('at start: copies whose jobs are past them, and old orphans and partial uploads; nothing a job still needs', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'promptreel-staged-'));
    const first = await start(dataDir);
    const used = await stage(first.call);
    const job = await stylize(first.call, used);
    await waitFor(first.runtime, job.id, ['running', 'succeeded']);
    // The vendor took this one but its answer was lost: it waits for the user, who may resubmit it.
    const kept = await stage(first.call);
    const unsure = await stylize(first.call, kept, 'waves [cut]');
    await waitFor(first.runtime, unsure.id, ['needs_attention']);
    await first.runtime.close();
    runtime = undefined;

    // What a crash could leave: the copy of a finished job (deleted before the crash could not say so).
    const staging = join(dataDir, 'staging');
    mkdirSync(staging, { recursive: true });
    writeFileSync(used, CLIP);
    const old = Date.now() / 1000 - 48 * 3600;
    const orphan = join(staging, '0a1b2c3d-0000-4000-8000-000000000001.mp4');
    const youngOrphan = join(staging, '0a1b2c3d-0000-4000-8000-000000000002.mp4');
    const part = join(staging, '0a1b2c3d-0000-4000-8000-000000000003.part');
    const foreign = join(staging, 'notes.txt');
    for (const file of [orphan, youngOrphan, part, foreign]) writeFileSync(file, CLIP);
    for (const file of [orphan, part, foreign, kept]) utimesSync(file, old, old);

    const second = await start(dataDir);
    await eventually(() => (existsSync(used) ? undefined : true), 5_000, 'copy of a finished job swept');
    // Kept: the copy a job still needs (however old), a young orphan a page may be about to submit, and
    // anything the staging never names (not ours to delete).
    expect(readdirSync(staging).sort()).toEqual(['0a1b2c3d-0000-4000-8000-000000000002.mp4', kept.slice(staging.length + 1), 'notes.txt'].sort());
    await second.runtime.close();
  });
});
