import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Job } from '@shared/jobs';
import type { OperationId } from '@shared/catalog';
import { startSandbox, type Sandbox, type SandboxOptions } from '@main/sandbox';
import { MemoryCredentialSource } from '../support/credentials-memory';
import { createJobServices, type JobServices } from '@main/core/jobs/services';
import type { LimitSettings } from '@main/core/jobs/limiter';
import { createLogger } from '@main/core/log';
import { DownloadManager } from '@main/core/downloads/manager';
import { DEFAULT_FILE_NAME_TEMPLATE } from '@main/core/downloads/naming';
import { openRuntimeDatabase } from '@main/runtime';
import { eventually } from '../support/cli-process';

/*
 * The engine against the real sandbox vendor over loopback, with a real SQLite file and real downloads.
 * Time is compressed: the sandbox runs its tasks and its "minute" `speedup` times faster, and the engine's
 * schedule (polls, backoff, limit windows) is told the same.
 */
const quiet = createLogger({ sink: () => {} });
const open: { services: JobServices; downloads: DownloadManager; sandbox: Sandbox }[] = [];

afterEach(async () => {
  for (const { services, downloads, sandbox } of open.splice(0)) {
    await services.close();
    await downloads.close();
    services.db.close();
    await sandbox.close();
  }
});

// Both vendors have keys for the test's own sandbox: the engine never needs a stand-in of its own.
const noSandbox = (): Promise<never> => Promise.reject(new Error('both vendors are configured'));

async function setup(speedup: number, sandboxOptions: SandboxOptions = {}, limits?: LimitSettings) {
  const sandbox = await startSandbox({ timeScale: 1 / speedup, limitWindowMs: 60_000 / speedup, ...sandboxOptions });
  const credentials = new MemoryCredentialSource([sandbox.hidream, sandbox.haiper]);
  const dataDir = mkdtempSync(join(tmpdir(), 'promptreel-engine-'));
  const db = openRuntimeDatabase(dataDir);
  // The app's own download manager takes the results, as in the runtime.
  const downloads = new DownloadManager({
    db,
    log: quiet,
    settings: () => ({ concurrency: 3, sizeCapBytes: 1024 ** 3, fileNameTemplate: DEFAULT_FILE_NAME_TEMPLATE, autoDownload: true, directory: join(dataDir, 'Library') }),
  });
  const services = createJobServices({ dataDir, db, credentials, downloader: downloads, log: quiet, timeScale: speedup, startSandbox: noSandbox, ...(limits ? { limits } : {}) });
  open.push({ services, downloads, sandbox });
  const { engine } = services;
  const all = (ids: string[], done: (j: Job) => boolean) => eventually(() => (ids.every((id) => done(engine.get(id))) ? true : undefined), 60_000);
  return { sandbox, credentials, services, engine, all, dataDir };
}

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

describe('job engine against the sandbox vendor', () => {
  it('runs all six operations and writes every result to disk', async () => {
    const { engine, services, all, dataDir } = await setup(50, { hidreamLimits: { concurrency: 10 } }, {
      hidream: { perMinute: { image: 100, video: 10, stylize: 2 }, concurrency: 10 },
      haiper: { perMinute: { image: 10, video: 10, stylize: 10 }, concurrency: 3 },
    });
    const clip = resolve('resources/sandbox/haiper-16x9.mp4');
    const inputs: { operation: OperationId; params: Record<string, unknown>; file?: string }[] = [
      { operation: 'hidream.txt2video', params: { prompt: 'a lighthouse at dusk' } },
      { operation: 'hidream.txt2img', params: { prompt: 'a paper boat', img_count: 3 } },
      { operation: 'hidream.video_stylize', params: { style: 'ink_wash' }, file: clip },
      { operation: 'haiper.generate', params: { prompt: 'a fox running', settings: { duration: 4 } } },
      { operation: 'haiper.upscale', params: { config: { sourceVideo: 'https://example.com/clip.mp4' } } },
      { operation: 'haiper.extend', params: { prompt: 'keeps running', config: { sourceVideo: 'https://example.com/clip.mp4' } } },
    ];
    const jobs = await Promise.all(inputs.map((input) => engine.submit(input)));
    await all(jobs.map((j) => j.id), (j) => j.status === 'succeeded' && j.outputs.every((o) => o.downloadId));
    for (const job of jobs) {
      const done = engine.get(job.id);
      for (const output of done.outputs) {
        const download = await services.downloader.whenSettled(output.downloadId ?? '');
        expect(download).toMatchObject({ status: 'completed', jobId: job.id, outputId: output.id });
        expect(download.path?.startsWith(join(dataDir, 'Library'))).toBe(true);
        expect(sha256(download.path ?? '')).toBe(download.sha256);
      }
    }
    expect(engine.get(jobs[1]?.id ?? '').outputs).toHaveLength(3);
  });

  it('keeps 200 queued jobs inside tiny vendor limits: the sandbox counts no violation', async () => {
    const tiny = { hidream: { perMinute: { image: 4, video: 3, stylize: 1 }, concurrency: 3 }, haiper: { perMinute: 3, concurrency: 2 } };
    const { engine, sandbox, all } = await setup(200, { hidreamLimits: tiny.hidream, haiperLimits: tiny.haiper, durations: { image: [3_000, 6_000], video: [8_000, 15_000] } }, {
      hidream: { perMinute: tiny.hidream.perMinute, concurrency: tiny.hidream.concurrency },
      haiper: { perMinute: { image: 3, video: 3, stylize: 3 }, concurrency: tiny.haiper.concurrency },
    });
    const plan: [OperationId, Record<string, unknown>, number][] = [
      ['hidream.txt2img', { prompt: 'tiles', img_count: 2 }, 20],
      ['hidream.txt2img', { prompt: 'tile' }, 50],
      ['hidream.txt2video', { prompt: 'wave' }, 50],
      ['hidream.video_stylize', { style: 'anime', video_name: 'https://example.com/in.mp4' }, 20],
      ['haiper.generate', { prompt: 'cloud' }, 60],
    ];
    const jobs: Job[] = [];
    for (const [operation, params, count] of plan) for (let i = 0; i < count; i++) jobs.push(await engine.submit({ operation, params }));
    expect(jobs).toHaveLength(200);
    await all(jobs.map((j) => j.id), (j) => j.status === 'succeeded');
    const stats = sandbox.stats();
    expect(stats.limitViolations).toEqual({ total: 0 });
    expect(stats.tasksCreated).toBe(200);
    expect(stats.maxConcurrent.hidream).toBeLessThanOrEqual(3);
    expect(stats.maxConcurrent.haiper).toBeLessThanOrEqual(2);
  });

  it('pauses a vendor whose token went bad, and resumes its jobs when the key changes', async () => {
    const { engine, sandbox, credentials, all } = await setup(20, { hidreamLimits: { concurrency: 10 }, durations: { video: [20_000, 30_000] } }, {
      hidream: { perMinute: { image: 100, video: 10, stylize: 2 }, concurrency: 10 },
      haiper: { perMinute: { image: 10, video: 10, stylize: 10 }, concurrency: 3 },
    });
    const running = await engine.submit({ operation: 'hidream.txt2video', params: { prompt: 'first' } });
    await all([running.id], (j) => j.status === 'running');
    sandbox.setTokenValid('hidream', false);
    const queued = await engine.submit({ operation: 'hidream.txt2video', params: { prompt: 'second' } });
    const other = await engine.submit({ operation: 'haiper.generate', params: { prompt: 'unaffected' } });
    await all([running.id, queued.id], (j) => j.attention?.includes('token expired or invalid') === true);
    expect(engine.get(running.id)).toMatchObject({ status: 'running', error: { kind: 'auth' } });
    expect(engine.get(queued.id)).toMatchObject({ status: 'queued', error: { kind: 'auth' } });
    expect(engine.isPaused('hidream')).toBe(true);
    await all([other.id], (j) => j.status === 'succeeded');

    sandbox.setTokenValid('hidream', true);
    credentials.set('hidream', sandbox.hidream);
    await all([running.id, queued.id], (j) => j.status === 'succeeded');
    expect(engine.get(running.id)).toMatchObject({ attention: null, error: null });
    expect(sandbox.stats().tasksCreated).toBe(3);
  });

  it('sets aside a submission whose answer was lost (it may have been billed) and re-queues a rate-limited one', async () => {
    const { engine, sandbox, all } = await setup(50, { hidreamLimits: { concurrency: 10 } }, {
      hidream: { perMinute: { image: 100, video: 10, stylize: 2 }, concurrency: 10 },
      haiper: { perMinute: { image: 10, video: 10, stylize: 10 }, concurrency: 3 },
    });
    const cut = await engine.submit({ operation: 'hidream.txt2video', params: { prompt: 'a bridge [cut]' } });
    const limited = await engine.submit({ operation: 'haiper.generate', params: { prompt: 'a tower [limit]' } });
    await all([cut.id], (j) => j.status === 'needs_attention');
    expect(engine.get(cut.id).attention).toMatch(/may have been billed/);
    await all([limited.id], (j) => j.attempts >= 2 && j.status === 'queued');
    expect(engine.get(limited.id)).toMatchObject({ status: 'queued', error: { kind: 'rate_limit' } });
    // The lost answer's task exists on the vendor, and nothing sent it again.
    expect(sandbox.stats().submissions.filter((s) => s.outcome === 'created')).toHaveLength(1);
    // Let the engine keep working (the limited job tries again, with backoff) before looking once more.
    await all([limited.id], (j) => j.attempts >= 3);
    expect(sandbox.stats().submissions.filter((s) => s.vendor === 'hidream')).toHaveLength(1);
    expect(engine.get(cut.id).status).toBe('needs_attention');
    engine.cancel(limited.id);
  });
});
