import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Job } from '@shared/jobs';
import { defaultMembership, limitsFor } from '@shared/catalog';
import { MAX_VIDEO_BYTES } from '@shared/files';
import type { LimitSettings } from '@main/core/jobs/limiter';
import { DEFAULT_MAX_UPLOAD_BYTES } from '@main/core/vendors';
import { closeJobEnvs, compressedSandbox, engineOn } from '../support/job-env';
import type { SandboxOptions } from '@main/sandbox';
import type { JobServices } from '@main/core/jobs/services';

/*
 * What a job says against a vendor as unkind as the real ones can be: the sandbox's markers make it
 * list sub-tasks late, refuse in words that mention tokens, break its batch path, refuse for
 * concurrency, report statuses it never documented and hand out links that are dead at first download.
 * The real engine, a real SQLite file and the real download manager over loopback; time compressed.
 */
afterEach(closeJobEnvs);

async function setup(speedup: number, options: SandboxOptions = {}, limits?: LimitSettings) {
  const sandbox = await compressedSandbox(speedup, options);
  const dataDir = mkdtempSync(join(tmpdir(), 'promptreel-truth-'));
  return { sandbox, dataDir, ...engineOn(sandbox, dataDir, speedup, limits ? { limits } : {}) };
}

const finalOrWaiting = (j: Job) => ['succeeded', 'partial', 'failed', 'canceled', 'needs_attention'].includes(j.status);

/** Every download of the job settled, and the job's word on it recorded. */
async function settledFiles(services: JobServices, job: Job): Promise<void> {
  for (const output of job.outputs) if (output.downloadId) await services.downloader.whenSettled(output.downloadId);
}

describe('1. a job ends only when every output it asked for is final', () => {
  it('HiDream lists sub-tasks only once they started: four images, four results on disk', async () => {
    const { engine, services, until } = await setup(40);
    const job = await engine.submit({ operation: 'hidream.txt2img', params: { prompt: 'four lanterns [staggered]', img_count: 4 } });
    // Seen the moment it ends: not one output may still be pending then.
    const done = await until(job.id, finalOrWaiting);
    expect(done.status).toBe('succeeded');
    expect(done.outputs.map((o) => o.status)).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded']);
    await settledFiles(services, done);
    const files = engine.get(job.id).outputs.map((o) => o.downloadId);
    expect(files.every(Boolean)).toBe(true);
    expect(engine.get(job.id).status).toBe('succeeded');
  });

  it('a submit answer without sub_task_ids still expects img_count results', async () => {
    const { engine, services, until } = await setup(40);
    const job = await engine.submit({ operation: 'hidream.txt2img', params: { prompt: 'three boats [no-subtasks]', img_count: 3 } });
    const done = await until(job.id, finalOrWaiting);
    expect(done).toMatchObject({ status: 'succeeded' });
    expect(done.outputs).toHaveLength(3);
    expect(new Set(done.outputs.map((o) => o.subTaskId)).size).toBe(3);
    expect(new Set(done.outputs.map((o) => o.url)).size).toBe(3);
    await settledFiles(services, done);
    expect(engine.get(job.id).outputs.filter((o) => o.downloadId)).toHaveLength(3);
  });
});

describe('2. a refusal is read by its code, not its words', () => {
  it('"prompt is too long: at most 77 tokens" fails that job with the vendor’s words; the vendor is not paused', async () => {
    const { engine, until } = await setup(40);
    const refused = await engine.submit({ operation: 'hidream.txt2img', params: { prompt: 'a very long prompt [tokens]' } });
    const failed = await until(refused.id, finalOrWaiting);
    expect(failed).toMatchObject({ status: 'failed', attention: null, error: { kind: 'validation', message: expect.stringContaining('at most 77 tokens') as string } });
    expect(engine.isPaused('hidream')).toBe(false);
    const next = await engine.submit({ operation: 'hidream.txt2img', params: { prompt: 'a short prompt' } });
    expect((await until(next.id, finalOrWaiting)).status).toBe('succeeded');
  });

  it('"insufficient quota" under an unknown code fails once, showing the vendor’s words, and is not requeued', async () => {
    const { engine, sandbox, until } = await setup(40);
    const job = await engine.submit({ operation: 'hidream.txt2video', params: { prompt: 'a storm [quota]' } });
    const failed = await until(job.id, finalOrWaiting);
    expect(failed).toMatchObject({ status: 'failed', attempts: 1, error: { kind: 'vendor', message: expect.stringContaining('insufficient quota') as string } });
    await new Promise((r) => setTimeout(r, 300));
    expect(sandbox.stats().submissions.filter((s) => (s.markers as string[]).includes('[quota]'))).toHaveLength(1);
    expect(engine.isPaused('hidream')).toBe(false);
  });
});

describe('3. batch queries fall back to single queries', () => {
  it('a 401 from the batch path does not pause HiDream: the single queries decide', async () => {
    const { engine, until } = await setup(20, { durations: { video: [20_000, 30_000] } });
    const jobs = await Promise.all(['a [batch-401]', 'b [batch-401]', 'c [batch-401]'].map((prompt) => engine.submit({ operation: 'hidream.txt2video', params: { prompt } })));
    for (const job of jobs) expect((await until(job.id, finalOrWaiting)).status).toBe('succeeded');
    expect(engine.isPaused('hidream')).toBe(false);
  });

  it('an empty batch answer stops being tried after three polls instead of costing a batch plus N singles each time', async () => {
    const { engine, sandbox, until } = await setup(20, { durations: { video: [40_000, 50_000] } });
    const jobs = await Promise.all(['a [batch-empty]', 'b [batch-empty]', 'c'].map((prompt) => engine.submit({ operation: 'hidream.txt2video', params: { prompt } })));
    for (const job of jobs) expect((await until(job.id, finalOrWaiting)).status).toBe('succeeded');
    const stats = sandbox.stats();
    // Polled many times over the tasks' life, but the batch path only until it proved useless.
    expect(Object.values(stats.queriesByTask).every((n) => n > 4)).toBe(true);
    expect(stats.batchQueries).toBeLessThanOrEqual(3);
  });
});

describe('4. lost results do not look done', () => {
  it('one image of three rejected by moderation: partial, "2 of 3 images; 1 rejected by moderation", two files saved', async () => {
    const { engine, services, until } = await setup(40);
    const job = await engine.submit({ operation: 'hidream.txt2img', params: { prompt: 'three kites [partial]', img_count: 3 } });
    const done = await until(job.id, finalOrWaiting);
    expect(done).toMatchObject({ status: 'partial', error: { kind: 'moderation', message: '2 of 3 images; 1 rejected by moderation' } });
    await settledFiles(services, done);
    const saved = engine.get(job.id).outputs.filter((o) => o.downloadId);
    expect(saved).toHaveLength(2);
    for (const output of saved) {
      const download = await services.downloader.whenSettled(output.downloadId ?? '');
      expect(download.status).toBe('completed');
      expect(existsSync(download.path ?? '')).toBe(true);
    }
  });

  it('a HiDream link that is dead at first download: the job fails with that reason, not only the download', async () => {
    const { engine, services, until } = await setup(40);
    const job = await engine.submit({ operation: 'hidream.txt2video', params: { prompt: 'a harbour [expired]' } });
    const vendorDone = await until(job.id, finalOrWaiting);
    await settledFiles(services, vendorDone);
    const after = await until(job.id, (j) => j.status !== 'succeeded');
    expect(after).toMatchObject({ status: 'failed', error: { kind: 'expired', message: expect.stringMatching(/^Not saved: .*403/) as string } });
    expect(after.outputs[0]).toMatchObject({ status: 'failed', error: { kind: 'expired' } });
  });

  it('a Haiper result whose expireTime passed before it was seen fails the job as expired', async () => {
    const { engine, until } = await setup(40);
    const job = await engine.submit({ operation: 'haiper.generate', params: { prompt: 'a car [expired]' } });
    expect(await until(job.id, finalOrWaiting)).toMatchObject({ status: 'failed', error: { kind: 'expired' } });
  });
});

describe('5. limits are per account, counted across every process on the data folder', () => {
  it('two engines on one database share one free-tier HiDream slot, and the waiting job says why', async () => {
    const speedup = 20;
    const free: LimitSettings = limitsFor({ ...defaultMembership(), hidream: 'free', haiper: { concurrency: 3, perMinute: 10 } });
    const sandbox = await compressedSandbox(speedup, { hidreamLimits: { concurrency: 1 }, durations: { video: [30_000, 40_000] } });
    const dataDir = mkdtempSync(join(tmpdir(), 'promptreel-truth-'));
    const app = engineOn(sandbox, dataDir, speedup, { limits: free });
    const cli = engineOn(sandbox, dataDir, speedup, { limits: free });
    const first = await app.engine.submit({ operation: 'hidream.txt2video', params: { prompt: 'the app’s clip' } });
    await app.until(first.id, (j) => j.status === 'running');
    const second = await cli.engine.submit({ operation: 'hidream.txt2video', params: { prompt: 'the CLI’s clip' } });
    const waiting = await cli.until(second.id, (j) => j.waiting !== null);
    expect(waiting).toMatchObject({
      status: 'queued',
      waiting: { kind: 'concurrency', vendor: 'hidream', limit: 1, tier: 'free' },
      attention: 'Waiting for a free HiDream slot (membership: free, 1 at a time).',
    });
    expect((await app.until(first.id, finalOrWaiting)).status).toBe('succeeded');
    expect((await cli.until(second.id, finalOrWaiting, 40_000)).status).toBe('succeeded');
    expect(cli.engine.get(second.id)).toMatchObject({ waiting: null, attempts: 1 });
    // The vendor never had to refuse anything: no concurrency violation, one task each.
    expect(sandbox.stats().limitViolations).toEqual({ total: 0 });
    expect(sandbox.stats().tasksCreated).toBe(2);
  });

  it('two engines on one database share the per-minute stylization quota', async () => {
    const speedup = 20;
    const sandbox = await compressedSandbox(speedup, { durations: { video: [8_000, 10_000] } });
    const dataDir = mkdtempSync(join(tmpdir(), 'promptreel-truth-'));
    const app = engineOn(sandbox, dataDir, speedup);
    const cli = engineOn(sandbox, dataDir, speedup);
    const stylize = (prompt: string) => ({ operation: 'hidream.video_stylize' as const, params: { style: 'anime', prompt, video_name: 'https://cdn.example.com/in.mp4' } });
    const mine = [await app.engine.submit(stylize('one')), await app.engine.submit(stylize('two'))];
    await Promise.all(mine.map((j) => app.until(j.id, (x) => x.submittedAt !== null)));
    const third = await cli.engine.submit(stylize('three'));
    const waiting = await cli.until(third.id, (j) => j.waiting !== null);
    expect(waiting).toMatchObject({ status: 'queued', waiting: { kind: 'per_minute', category: 'stylize', limit: 2 }, attention: "Waiting for HiDream's per-minute limit (2 stylizations a minute)." });
    expect((await cli.until(third.id, finalOrWaiting)).status).toBe('succeeded');
    expect(sandbox.stats().limitViolations).toEqual({ total: 0 });
  });

  it('a concurrency refusal from the vendor itself requeues the job, which then goes through', async () => {
    const { engine, sandbox, until } = await setup(40);
    const job = await engine.submit({ operation: 'haiper.generate', params: { prompt: 'a crowded moment [busy]' } });
    const done = await until(job.id, finalOrWaiting);
    expect(done).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(sandbox.stats().submissions.map((s) => s.outcome)).toEqual(['refused_limit', 'created']);
  });
});

describe('6. the compose form sends only what the user filled in, as the CLI does', () => {
  it('a stylization with a style sends no prompt; a Haiper clip with a prompt sends no negativePrompt', async () => {
    const { engine, sandbox, until } = await setup(40);
    // Exactly what the form submits for these drafts (asserted in test/component/operation-form.test.tsx
    // and compose-view.test.tsx): the blank prompt and negative prompt are left out.
    const clip = resolve('resources/sandbox/haiper-16x9.mp4');
    const jobs = [
      await engine.submit({ operation: 'hidream.video_stylize', params: { style: 'anime' }, file: clip }),
      await engine.submit({ operation: 'haiper.generate', params: { prompt: 'a kite over dunes' } }),
    ];
    for (const job of jobs) expect((await until(job.id, finalOrWaiting)).status).toBe('succeeded');
    const body = (operation: string) => sandbox.stats().submissions.find((s) => s.operation === operation)?.body ?? {};
    const [stylized, generated] = [body('hidream.video_stylize'), body('haiper.generate')];
    expect(stylized).not.toHaveProperty('prompt');
    expect(stylized).toMatchObject({ style: 'anime', video_name: expect.stringMatching(/bytes of base64 video/) as string });
    expect(generated).not.toHaveProperty('negativePrompt');
    expect(generated).toMatchObject({ prompt: 'a kite over dunes' });
    expect(JSON.stringify(generated)).not.toContain('""');
  });
});

describe('7. the smaller ones', () => {
  it('an undocumented Haiper status is polled for a bounded while, then needs attention with the raw value', async () => {
    const { engine, until } = await setup(100);
    const job = await engine.submit({ operation: 'haiper.generate', params: { prompt: 'a gull [unknown-status]' } });
    const running = await until(job.id, (j) => j.status === 'running' && j.progress > 0);
    expect(running.status).toBe('running');
    const attention = await until(job.id, finalOrWaiting);
    expect(attention).toMatchObject({ status: 'needs_attention', attention: expect.stringContaining('"CANCELLED"') as string });
  });

  it('an expireTime in seconds does not make a fresh result look expired', async () => {
    const { engine, services, until } = await setup(40);
    const job = await engine.submit({ operation: 'haiper.generate', params: { prompt: 'a pier [expire-seconds]' } });
    const done = await until(job.id, finalOrWaiting);
    expect(done.status).toBe('succeeded');
    expect(done.outputs[0]?.expiresAt).toBeGreaterThan(Date.now());
    await settledFiles(services, done);
    expect(engine.get(job.id).status).toBe('succeeded');
  });

  it('refuses a source URL the vendor cannot reach (loopback, private, link-local, .local) before anything is sent', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'promptreel-truth-'));
    // Keys for the real Cloudsway: nothing may be sent to it (there is no internet here), and its engine
    // is the one whose check a user meets.
    const { services } = engineOn(undefined, dataDir, 1, { credentials: [{ vendor: 'haiper', baseUrl: 'https://genaiapi.cloudsway.net/v1/ai', endpointPath: 'maas-ep', accessKey: 'ak-test' }] });
    for (const url of ['http://127.0.0.1:8080/clip.mp4', 'http://localhost/clip.mp4', 'http://192.168.1.20/clip.mp4', 'http://169.254.169.254/clip.mp4', 'http://nas.local/clip.mp4']) {
      await expect(services.engine.submit({ operation: 'haiper.upscale', params: { config: { sourceVideo: url } } })).rejects.toMatchObject({
        kind: 'invalid_input',
        message: expect.stringMatching(/Source video (points at|names) .*which the vendor cannot reach/) as string,
      });
    }
    expect(services.engine.list().total).toBe(0);
    // The sandbox on this computer can fetch its own (loopback) results, for chaining.
    const sandbox = await compressedSandbox(40);
    const local = engineOn(sandbox, mkdtempSync(join(tmpdir(), 'promptreel-truth-')), 40);
    await expect(local.engine.submit({ operation: 'haiper.upscale', params: { config: { sourceVideo: `${sandbox.origin}/clip.mp4` } } })).resolves.toMatchObject({ status: 'queued' });
  });

  it('one upload cap for the form, the staging IPC, the vendor client and the sandbox', () => {
    expect(DEFAULT_MAX_UPLOAD_BYTES).toBe(MAX_VIDEO_BYTES);
  });
});
