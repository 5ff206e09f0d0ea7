import { describe, expect, it } from 'vitest';
import { formatIssue, fromErrorIssue, issueText, OPERATIONS, type VendorId } from '@shared/catalog';
import type { AppError } from '@shared/errors';
import { AHEAD_COUNTED, type Job, type JobStatus } from '@shared/jobs';
import { openDatabase, type Database } from '@main/core/db/database';
import { JobEngine, type EngineEvent } from '@main/core/jobs/engine';
import { JobStore } from '@main/core/jobs/store';
import { DEFAULT_LIMIT_SETTINGS, type LimitSettings } from '@main/core/jobs/limiter';
import { createLogger } from '@main/core/log';
import { FakeClock } from '../support/fake-clock';
import { FakeDownloader, FakeVendor, fakeClients, vendorError } from '../support/fake-vendor';

const quiet = createLogger({ sink: () => {} });
const roomy: LimitSettings = {
  hidream: { perMinute: { image: 100, video: 100, stylize: 100 }, concurrency: 10 },
  haiper: { perMinute: { image: 100, video: 100, stylize: 100 }, concurrency: 100 },
};

function setup(options: { limits?: LimitSettings; db?: Database; clock?: FakeClock; owner?: string; vendors?: Record<VendorId, FakeVendor> } = {}) {
  const clock = options.clock ?? new FakeClock();
  const db = options.db ?? openDatabase(':memory:');
  const vendors = options.vendors ?? { hidream: new FakeVendor('hidream', clock), haiper: new FakeVendor('haiper', clock) };
  const clients = fakeClients(vendors);
  const downloader = new FakeDownloader();
  const engine = new JobEngine({ db, clients, downloader, outputDir: '/library', clock, limits: options.limits ?? roomy, owner: options.owner ?? 'A', log: quiet });
  const events: EngineEvent[] = [];
  engine.subscribe((e) => events.push(e));
  const status = (id: string) => engine.get(id).status;
  const until = (id: string, wanted: JobStatus) => clock.until(() => status(id) === wanted);
  return { clock, db, vendors, clients, downloader, engine, events, status, until };
}

describe('job engine', () => {
  it('runs a job from queued to succeeded and hands every result to the downloader', async () => {
    const { engine, clock, downloader, events, until } = setup();
    const job = await engine.submit({ operation: 'hidream.txt2img', params: { prompt: 'a fox', img_count: 2 } });
    expect(job).toMatchObject({ status: 'queued', vendor: 'hidream', params: { prompt: 'a fox', img_count: 2, resolution: '1024*1024' } });
    await until(job.id, 'succeeded');
    const done = engine.get(job.id);
    expect(done.outputs.map((o) => [o.status, o.downloadId])).toEqual([
      ['succeeded', 'dl-1'],
      ['succeeded', 'dl-2'],
    ]);
    expect(downloader.requests.map((r) => [r.destDir, r.outputId, r.naming.index, r.naming.prompt])).toEqual([
      ['/library', done.outputs[0]?.id, 0, 'a fox'],
      ['/library', done.outputs[1]?.id, 1, 'a fox'],
    ]);
    const statuses = events.flatMap((e) => (e.type === 'updated' ? [e.job.status] : []));
    expect([...new Set(statuses)]).toEqual(['queued', 'submitting', 'running', 'succeeded']);
    expect(clock.now()).toBeGreaterThan(0);
  });

  it('reports progress between status changes, rising, and ends with the full record', async () => {
    const { engine, vendors, events, until } = setup();
    vendors.haiper.duration = 90_000;
    const job = await engine.submit({ operation: 'haiper.generate', params: { prompt: 'sea' } });
    await until(job.id, 'succeeded');
    const progress = events.flatMap((e) => (e.type === 'progress' ? [e.progress.progress] : []));
    expect(progress.length).toBeGreaterThan(2);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);
    expect(events.at(-1)).toMatchObject({ type: 'updated', job: { status: 'succeeded', progress: 1 } });
  });

  it('never lets progress go backwards, even when the vendor reports less than before', async () => {
    const { engine, vendors, events, until } = setup();
    vendors.haiper.duration = 90_000;
    const query = vendors.haiper.query.bind(vendors.haiper);
    let answers = 0;
    vendors.haiper.query = async (operation, taskIds) => {
      const statuses = await query(operation, taskIds);
      // Every third answer a quarter of the last: what a vendor restarting a count looks like.
      if (++answers % 3 === 0) for (const s of statuses) for (const o of s.outputs) if (o.state === 'running') o.progress /= 4;
      return statuses;
    };
    const job = await engine.submit({ operation: 'haiper.generate', params: { prompt: 'sea' } });
    await until(job.id, 'succeeded');
    expect(answers).toBeGreaterThan(3);
    const seen = events.flatMap((e) => (e.type === 'progress' ? [e.progress.progress] : e.type === 'updated' && e.job.id === job.id ? [e.job.progress] : []));
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
    expect(seen.at(-1)).toBe(1);
  });

  it('a long line is not rewritten each time it moves: jobs past the counted ones get one "more than" reason', async () => {
    const { engine, vendors, events, until } = setup({ limits: { ...roomy, haiper: { ...roomy.haiper, concurrency: 1 } } });
    vendors.haiper.duration = 5_000;
    const jobs: Job[] = [];
    for (let i = 0; i < AHEAD_COUNTED + 40; i++) jobs.push(await engine.submit({ operation: 'haiper.generate', params: { prompt: `line ${i}` } }));
    await until(jobs[3]?.id ?? '', 'succeeded');
    const near = jobs[10]?.id ?? '';
    const far = new Set(jobs.slice(AHEAD_COUNTED + 10).map((j) => j.id));
    const updates = (ids: Set<string>) => events.filter((e) => e.type === 'updated' && ids.has(e.job.id) && e.job.waiting !== null).length;
    // The counted ones move up one place per submission; the far ones were told once.
    expect(updates(new Set([near]))).toBeGreaterThan(2);
    expect(updates(far)).toBe(far.size);
    expect(engine.get(jobs.at(-1)?.id ?? '').waiting).toMatchObject({ kind: 'concurrency', ahead: AHEAD_COUNTED + 1, until: null });
    const ahead = (i: number) => engine.get(jobs[i]?.id ?? '').waiting?.ahead ?? 0;
    expect(ahead(9) - ahead(8)).toBe(1);
    expect(ahead(8)).toBeGreaterThan(0);
  });

  it('rejects invalid parameters naming the field by its label, coded for any language, and sends and stores nothing', async () => {
    const { engine, vendors } = setup();
    const error: unknown = await engine.submit({ operation: 'haiper.generate', params: { prompt: 'x', settings: { duration: 3 } } }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      kind: 'invalid_input',
      message: 'Duration must be one of: 2 s, 4 s, 8 s.',
      issues: [{ path: 'settings.duration', code: 'not_one_of', message: 'Duration must be one of: 2 s, 4 s, 8 s.' }],
    });
    // The renderer words the same coded issue in Chinese with the one formatter.
    const issue = (error as AppError).issues?.[0];
    expect(issue && issueText(OPERATIONS['haiper.generate'], issue, 'zh-CN')).toBe('时长必须是以下之一：2 秒、4 秒、8 秒。');
    await expect(engine.submit({ operation: 'hidream.txt2img', params: {}, file: '/tmp/a.mp4' })).rejects.toMatchObject({
      kind: 'invalid_input',
      issues: [{ path: 'file' }],
    });
    expect(engine.list().total).toBe(0);
    expect(vendors.haiper.submits).toHaveLength(0);
  });

  it.each([
    ['hidream.txt2video', { prompt: 'x', camera_move_depth: 6, motion_strength: 0 }, undefined],
    ['hidream.txt2img', { prompt: 'x', aspect_ratio: '1:1' }, undefined],
    ['hidream.video_stylize', { video_name: 'https://x/v.mp4' }, '/tmp/clip.mp4'],
    ['haiper.generate', { settings: { seed: 1.5 } }, undefined],
    ['haiper.upscale', { config: { sourceVideo: 'ftp://x/v.mp4' } }, undefined],
    ['haiper.extend', { prompt: 'x'.repeat(2_001), config: { sourceVideo: 'https://x/v.mp4' } }, undefined],
  ] as const)('words every invalid_input issue of %s with formatIssue, in English on the error and in Chinese from its code', async (operation, params, file) => {
    const { engine } = setup();
    const spec = OPERATIONS[operation];
    const error: unknown = await engine.submit({ operation, params, ...(file ? { file } : {}) }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'invalid_input' });
    const issues = (error as AppError).issues ?? [];
    expect(issues.length).toBeGreaterThan(0);
    const coded = issues.map((issue) => fromErrorIssue(issue));
    expect(coded.every((issue) => issue !== undefined)).toBe(true);
    for (const [i, issue] of issues.entries()) {
      const code = coded[i];
      if (!code) continue;
      expect(issue.message).toBe(formatIssue(spec, code, 'en'));
      expect(issueText(spec, issue, 'zh-CN')).toBe(formatIssue(spec, code, 'zh-CN'));
      expect(issueText(spec, issue, 'zh-CN')).toMatch(/[\u4e00-\u9fff]/);
    }
    expect((error as AppError).message).toBe(issues.map((issue) => issue.message).join(' '));
    expect(engine.list().total).toBe(0);
  });

  it('keeps 30 queued jobs inside the concurrency and per-minute limits', async () => {
    const limits: LimitSettings = { ...DEFAULT_LIMIT_SETTINGS, haiper: { perMinute: { image: 5, video: 5, stylize: 5 }, concurrency: 2 } };
    const { engine, vendors, clock } = setup({ limits });
    vendors.haiper.duration = 8_000;
    const submittedAt: number[] = [];
    const original = vendors.haiper.submit.bind(vendors.haiper);
    vendors.haiper.submit = (request) => {
      submittedAt.push(clock.now());
      return original(request);
    };
    const jobs = await Promise.all(Array.from({ length: 30 }, (_, i) => engine.submit({ operation: 'haiper.generate', params: { prompt: `p${i}` } })));
    await clock.until(() => jobs.every((j) => engine.get(j.id).status === 'succeeded'), 3_600_000, 1_000);
    expect(vendors.haiper.maxRunning).toBeLessThanOrEqual(2);
    for (const t of submittedAt) expect(submittedAt.filter((s) => s > t - 60_000 && s <= t).length).toBeLessThanOrEqual(5);
    expect(submittedAt).toHaveLength(30);
  });

  it('re-queues a rate-limited submission with backoff instead of failing it', async () => {
    const { engine, vendors, clock, until } = setup();
    vendors.hidream.nextSubmitError = vendorError('rate_limit', 'rejected');
    const job = await engine.submit({ operation: 'hidream.txt2video', params: { prompt: 'a' } });
    await clock.advance(100);
    expect(engine.get(job.id)).toMatchObject({ status: 'queued', error: { kind: 'rate_limit' } });
    expect(engine.get(job.id).notBefore).toBeGreaterThan(clock.now());
    await until(job.id, 'succeeded');
    expect(vendors.hidream.submits).toHaveLength(1);
  });

  it('pauses a vendor on an auth error at submission and resumes when its key changes', async () => {
    const { engine, vendors, clients, clock, until } = setup();
    vendors.hidream.submitError = vendorError('auth', 'rejected', 'HiDream refused the token');
    const a = await engine.submit({ operation: 'hidream.txt2video', params: { prompt: 'a' } });
    const b = await engine.submit({ operation: 'hidream.txt2video', params: { prompt: 'b' } });
    const other = await engine.submit({ operation: 'haiper.generate', params: { prompt: 'c' } });
    await clock.advance(60_000);
    for (const id of [a.id, b.id]) {
      expect(engine.get(id)).toMatchObject({ status: 'queued', error: { kind: 'auth' }, attention: expect.stringContaining('token expired or invalid') as string });
    }
    expect(engine.get(other.id).status).toBe('succeeded');
    vendors.hidream.submitError = null;
    clients.changed('hidream');
    await until(a.id, 'succeeded');
    await until(b.id, 'succeeded');
    expect(engine.get(a.id)).toMatchObject({ attention: null, error: null });
  });

  it('pauses running jobs on an auth error while polling, without failing them', async () => {
    const { engine, vendors, clients, clock, until } = setup();
    const job = await engine.submit({ operation: 'haiper.generate', params: { prompt: 'a' } });
    await until(job.id, 'running');
    vendors.haiper.queryError = vendorError('auth', 'rejected');
    await clock.advance(5_000);
    expect(engine.get(job.id)).toMatchObject({ status: 'running', attention: expect.stringContaining('token expired or invalid') as string });
    const asked = vendors.haiper.queries.length;
    await clock.advance(120_000);
    expect(vendors.haiper.queries).toHaveLength(asked);
    expect(engine.get(job.id).status).toBe('running');
    vendors.haiper.queryError = null;
    clients.changed('haiper');
    await until(job.id, 'succeeded');
  });

  it('sets a submission that may have reached the vendor aside for the user, and resubmits it with the same request id', async () => {
    const { engine, vendors, clock, until } = setup();
    vendors.hidream.nextSubmitError = vendorError('timeout', 'maybe_sent');
    const job = await engine.submit({ operation: 'hidream.txt2video', params: { prompt: 'a' } });
    await until(job.id, 'needs_attention');
    expect(engine.get(job.id).attention).toMatch(/may have been billed/);
    await clock.advance(600_000);
    expect(vendors.hidream.submits).toHaveLength(0);
    engine.resolve(job.id, 'resubmit');
    await until(job.id, 'succeeded');
    expect(vendors.hidream.submits.map((s) => s.requestId)).toEqual([job.requestId]);
  });

  it('never resubmits a job found mid-submission after a crash', async () => {
    const first = setup({ owner: 'crashed' });
    let calls = 0;
    first.vendors.hidream.submitGate = new Promise(() => {});
    const submit = first.vendors.hidream.submit.bind(first.vendors.hidream);
    first.vendors.hidream.submit = (r) => {
      calls++;
      return submit(r);
    };
    const job = await first.engine.submit({ operation: 'hidream.txt2video', params: { prompt: 'a' } });
    await first.until(job.id, 'submitting');
    // The process dies: its clock stops and its lease runs out while another engine starts.
    const clock = new FakeClock(first.clock.now() + 60_000);
    const second = setup({ db: first.db, clock, owner: 'B', vendors: { hidream: new FakeVendor('hidream', clock), haiper: new FakeVendor('haiper', clock) } });
    expect(second.engine.resumeAll().map((j) => j.id)).toEqual([job.id]);
    expect(second.engine.get(job.id)).toMatchObject({ status: 'needs_attention', attention: expect.stringMatching(/cannot tell whether HiDream received it/) as string });
    await clock.advance(600_000);
    expect(second.vendors.hidream.submits).toHaveLength(0);
    expect(calls).toBe(1);
  });

  it('resumes polling a running job in a new engine, without submitting it again', async () => {
    const first = setup({ owner: 'crashed' });
    first.vendors.haiper.duration = 60_000;
    const job = await first.engine.submit({ operation: 'haiper.generate', params: { prompt: 'a' } });
    await first.until(job.id, 'running');
    const clock = new FakeClock(first.clock.now() + 40_000);
    first.vendors.haiper.clock = clock;
    const second = setup({ db: first.db, clock, owner: 'B', vendors: first.vendors });
    // The first engine's lease is still live: it is not taken.
    const early = new FakeClock(first.clock.now() + 1_000);
    const third = setup({ db: first.db, clock: early, owner: 'C', vendors: first.vendors });
    expect(third.engine.resumeAll()).toEqual([]);
    expect(second.engine.resumeAll().map((j) => j.id)).toEqual([job.id]);
    await clock.until(() => second.status(job.id) === 'succeeded');
    expect(first.vendors.haiper.submits).toHaveLength(1);
    expect(second.downloader.requests).toHaveLength(1);
  });

  it('cancels a running job: no more polls, no download, and its vendor slot stays taken for a while', async () => {
    const limits: LimitSettings = { ...DEFAULT_LIMIT_SETTINGS, haiper: { perMinute: { image: 100, video: 100, stylize: 100 }, concurrency: 1 } };
    const { engine, vendors, downloader, clock, until } = setup({ limits });
    vendors.haiper.duration = 30_000;
    const a = await engine.submit({ operation: 'haiper.generate', params: { prompt: 'a' } });
    const b = await engine.submit({ operation: 'haiper.generate', params: { prompt: 'b' } });
    await until(a.id, 'running');
    expect(engine.cancel(a.id).status).toBe('canceled');
    const asked = vendors.haiper.queries.length;
    await clock.advance(60_000);
    expect(vendors.haiper.queries).toHaveLength(asked);
    expect(engine.get(b.id).status).toBe('queued');
    await until(b.id, 'succeeded');
    expect(downloader.requests.map((r) => r.jobId)).toEqual([b.id]);
    expect(() => engine.cancel(a.id)).toThrow(/already canceled/);
  });

  it('fails a job the vendor failed, and retries it as a new job with the same parameters', async () => {
    const { engine, vendors, until } = setup();
    vendors.hidream.failTasks = true;
    const job = await engine.submit({ operation: 'hidream.txt2img', params: { prompt: 'x' } });
    await until(job.id, 'failed');
    expect(engine.get(job.id).error).toMatchObject({ kind: 'moderation' });
    vendors.hidream.failTasks = false;
    const again = await engine.retry(job.id);
    expect(again.id).not.toBe(job.id);
    expect(again.params).toEqual(job.params);
    await until(again.id, 'succeeded');
  });

  it('fails a job whose submission the vendor refused for good', async () => {
    const { engine, vendors, until } = setup();
    vendors.haiper.nextSubmitError = vendorError('vendor', 'rejected', 'Haiper says no');
    const job = await engine.submit({ operation: 'haiper.generate', params: { prompt: 'x' } });
    await until(job.id, 'failed');
    expect(engine.get(job.id).error).toEqual({ kind: 'vendor', message: 'Haiper says no' });
  });

  it('sends again a submission that never reached the vendor', async () => {
    const { engine, vendors, until } = setup();
    vendors.haiper.nextSubmitError = vendorError('network', 'not_sent', 'connection refused');
    const job = await engine.submit({ operation: 'haiper.generate', params: { prompt: 'x' } });
    await until(job.id, 'succeeded');
    expect(engine.get(job.id).attempts).toBe(2);
  });

  it('hands results over after a restart when the process died between success and hand-over', () => {
    const { db, clock } = setup({ owner: 'gone' });
    const store = new JobStore(db);
    const job = store.create({ operation: 'haiper.generate', vendor: 'haiper', params: { prompt: 'x' }, inputFile: null, outputDir: '/elsewhere', parentItemId: null }, 'gone', 0, clock.now());
    store.beginSubmit(job.id, 'gone', clock.now());
    store.accept(job.id, 'gone', { taskId: 'T', subTaskIds: [] }, 'video', clock.now());
    store.finish(job.id, 'gone', 'succeeded', null, [{ subTaskId: null, state: 'succeeded', progress: 1, kind: 'video', url: 'https://cdn.example/T.mp4', expiresAt: null, error: null }], clock.now());
    const next = setup({ db, clock, owner: 'B' });
    next.engine.resumeAll();
    expect(next.downloader.requests.map((r) => [r.url, r.destDir])).toEqual([['https://cdn.example/T.mp4', '/elsewhere']]);
    next.engine.resumeAll();
    expect(next.downloader.requests).toHaveLength(1);
  });

  it('adopts, every so often, unfinished jobs that no live engine holds (a CLI run that exited)', async () => {
    const clock = new FakeClock();
    const db = openDatabase(':memory:');
    const vendors = { hidream: new FakeVendor('hidream', clock), haiper: new FakeVendor('haiper', clock) };
    const app = new JobEngine({ db, clients: fakeClients(vendors), downloader: new FakeDownloader(), outputDir: '/library', clock, limits: roomy, owner: 'app', log: quiet, adoptEveryMs: 30_000 });
    const cli = new JobEngine({ db, clients: fakeClients(vendors), downloader: new FakeDownloader(), outputDir: '/library', clock, limits: roomy, owner: 'cli', log: quiet });
    const job = await cli.submit({ operation: 'haiper.generate', params: { prompt: 'left behind' } });
    await clock.until(() => cli.get(job.id).status === 'running');
    await cli.close();
    await clock.until(() => app.get(job.id).status === 'succeeded', 120_000);
    expect(vendors.haiper.submits).toHaveLength(1);
    await app.close();
  });
});
