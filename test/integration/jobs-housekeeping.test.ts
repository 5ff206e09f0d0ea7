import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Job } from '@shared/jobs';
import type { JobsRemoved } from '@shared/ipc/jobs';
import type { LibraryItem, LibraryPage } from '@shared/library';
import { defaultMembership, limitsFor } from '@shared/catalog';
import { startSandbox, type Sandbox } from '@main/sandbox';
import type { LimitSettings } from '@main/core/jobs/limiter';
import { createLogger } from '@main/core/log';
import { createEngine, type Runtime } from '@main/runtime';
import type { Credentials } from '@main/core/credentials';
import { closeJobEnvs, compressedSandbox, engineOn, ROOMY } from '../support/job-env';

/*
 * What the jobs list says about waiting, retried, discarded and deleted jobs, against the sandbox over
 * loopback with a real SQLite file; time compressed.
 */
const runtimes: Runtime[] = [];

afterEach(async () => {
  await closeJobEnvs();
  for (const runtime of runtimes.splice(0)) await runtime.close();
});

async function setup(speedup: number, limits: LimitSettings = ROOMY, credentials?: (sandbox: Sandbox) => Credentials[]) {
  const sandbox = await compressedSandbox(speedup);
  const dataDir = mkdtempSync(join(tmpdir(), 'promptreel-housekeeping-'));
  const { engine, until } = engineOn(sandbox, dataDir, speedup, { limits, ...(credentials ? { credentials: credentials(sandbox) } : {}) });
  return { sandbox, engine, until };
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('a vendor pause belongs to the job it answered', () => {
  it('canceling a rate-limited Haiper job lets the next Haiper job go at once, not after its growing backoff', async () => {
    const speedup = 8;
    const { engine, until } = await setup(speedup);
    const limited = await engine.submit({ operation: 'haiper.generate', params: { prompt: 'a crowded pier [limit]' } });
    // Refused three times: its backoff is now 20 s of vendor time (2.5 s here), and grows with each attempt.
    await until(limited.id, (j) => j.status === 'queued' && j.attempts >= 3 && j.error?.kind === 'rate_limit', 20_000);
    expect(engine.get(limited.id).notBefore ?? 0).toBeGreaterThan(Date.now() + 1_000);

    engine.cancel(limited.id);
    const canceledAt = Date.now();
    const next = await engine.submit({ operation: 'haiper.generate', params: { prompt: 'a quiet pier' } });
    const sent = await until(next.id, (j) => j.submittedAt !== null, 10_000);
    expect(sent.status).not.toBe('failed');
    expect((sent.submittedAt ?? 0) - canceledAt).toBeLessThan(1_000);
  });
});

describe('a waiting job says why and for how long', () => {
  it('per-minute limit: the second job waits until the window frees, and goes then; the third counts one ahead', async () => {
    const speedup = 40;
    const window = 60_000 / speedup;
    const limits: LimitSettings = { ...ROOMY, hidream: { ...ROOMY.hidream, perMinute: { ...ROOMY.hidream.perMinute, video: 1 } } };
    const { engine, until } = await setup(speedup, limits);
    const first = await engine.submit({ operation: 'hidream.txt2video', params: { prompt: 'first' } });
    const second = await engine.submit({ operation: 'hidream.txt2video', params: { prompt: 'second' } });
    const third = await engine.submit({ operation: 'hidream.txt2video', params: { prompt: 'third' } });
    // Once the first submission is answered the window's end is known (while it is in flight, it is not).
    const waiting = await until(second.id, (j) => j.waiting?.kind === 'per_minute' && typeof j.waiting.until === 'number', 5_000);
    const answered = engine.get(first.id).submittedAt ?? 0;
    expect(waiting.waiting).toMatchObject({ kind: 'per_minute', vendor: 'hidream', category: 'video', limit: 1 });
    const expected = waiting.waiting?.until ?? 0;
    expect(expected).toBeGreaterThan(answered + window - 50);
    expect(expected).toBeLessThanOrEqual(answered + window + 50);
    expect((await until(third.id, (j) => j.waiting?.ahead === 1, 5_000)).waiting).toMatchObject({ kind: 'per_minute', ahead: 1 });

    const sent = await until(second.id, (j) => j.submittedAt !== null, 10_000);
    // It went when the wait it showed ran out: the estimate was the truth.
    expect(sent.submittedAt ?? 0).toBeGreaterThanOrEqual(expected - 5);
    expect(sent.submittedAt ?? 0).toBeLessThan(expected + 500);
    expect(sent.waiting).toBeNull();
  });

  it('no free slot: the wait is estimated from the running task’s typical duration', async () => {
    const speedup = 40;
    const { engine, until } = await setup(speedup, limitsFor(defaultMembership()));
    const first = await engine.submit({ operation: 'hidream.txt2video', params: { prompt: 'first [slow]' } });
    const second = await engine.submit({ operation: 'hidream.txt2video', params: { prompt: 'second' } });
    const running = await until(first.id, (j) => j.status === 'running', 5_000);
    const waiting = await until(second.id, (j) => j.waiting?.kind === 'concurrency', 5_000);
    expect(running.expectedMs).toBe(120_000 / speedup);
    expect(waiting.waiting).toMatchObject({ kind: 'concurrency', vendor: 'hidream', limit: 1 });
    expect(waiting.waiting?.until).toBeGreaterThan(Date.now() - 1_000);
    expect(waiting.waiting?.until).toBeLessThanOrEqual((running.submittedAt ?? 0) + (running.expectedMs ?? 0) + 5);
  });

  it('a connection refused shows the reason in data (for the UI’s language), naming the host', async () => {
    const port = await closedPort();
    const { engine, until } = await setup(40, ROOMY, (sandbox) => [sandbox.hidream, { ...sandbox.haiper, baseUrl: `http://127.0.0.1:${port}` }]);
    const job = await engine.submit({ operation: 'haiper.generate', params: { prompt: 'nobody home' } });
    const retrying = await until(job.id, (j) => j.status === 'queued' && j.error !== null, 10_000);
    expect(retrying.error).toMatchObject({ kind: 'network', net: { reason: 'refused', host: `127.0.0.1:${port}` } });
    expect(retrying.error?.message).toContain(`127.0.0.1:${port} refused the connection`);
    expect(retrying.notBefore).not.toBeNull();
  });
});

describe('retries and discards tell their own story', () => {
  it('a retried job links to its original, and the original to it', async () => {
    const { engine, until } = await setup(40);
    const failed = await engine.submit({ operation: 'hidream.txt2img', params: { prompt: 'a storm [fail]' } });
    await until(failed.id, (j) => j.status === 'failed');
    const retry = await engine.retry(failed.id);
    expect(retry.retryOf).toBe(failed.id);
    expect(engine.get(failed.id).retriedBy).toBe(retry.id);
    expect(engine.list().jobs.find((j) => j.id === failed.id)?.retriedBy).toBe(retry.id);
  });

  it('a discarded job is canceled and marked discarded, not failed', async () => {
    const { engine, until } = await setup(40);
    const job = await engine.submit({ operation: 'hidream.txt2img', params: { prompt: 'a harbour [cut]' } });
    await until(job.id, (j) => j.status === 'needs_attention');
    const discarded = engine.resolve(job.id, 'discard');
    expect(discarded).toMatchObject({ status: 'canceled', discarded: true });
    const other = await engine.submit({ operation: 'hidream.txt2img', params: { prompt: 'a second harbour [fail]' } });
    await until(other.id, (j) => j.status === 'failed');
    expect(engine.get(other.id).discarded).toBe(false);
  });
});

describe('deleting finished jobs over IPC', () => {
  const ctx = { origin: 'test' };

  it('deletes one job and clears the finished ones; their library items stay; a running job is refused', async () => {
    const runtime = createEngine(mkdtempSync(join(tmpdir(), 'promptreel-clear-')), {
      host: { transport: 'browser', log: createLogger({ sink: () => {} }) },
      // The runtime closes the sandbox it started.
      vendors: { sandbox: () => startSandbox({ timeScale: 0.02 }) },
    });
    runtimes.push(runtime);
    const events: [string, unknown][] = [];
    runtime.events.subscribe((name, payload) => events.push([name, payload]));
    const call = async <T,>(name: string, input: unknown): Promise<T> => {
      const result = (await runtime.dispatch({ name, input }, ctx)) as { ok: boolean; value?: T; error?: unknown };
      if (!result.ok) throw new Error(`${name} refused: ${JSON.stringify(result.error)}`);
      return result.value as T;
    };
    const submit = (prompt: string) => call<Job>('jobs.submit', { operation: 'hidream.txt2img', params: { prompt } });
    const items = async () => (await call<LibraryPage>('library.search', { limit: 100 })).items;
    const poll = async (check: () => Promise<boolean>, what: string): Promise<void> => {
      for (const started = Date.now(); !(await check()); await new Promise((r) => setTimeout(r, 20))) {
        if (Date.now() - started > 20_000) throw new Error(`timed out waiting for ${what}`);
      }
    };
    const done = (id: string) => poll(async () => (await call<Job>('jobs.get', { id })).status === 'succeeded', id);

    const a = await submit('an orange lantern');
    const b = await submit('a blue lantern');
    await Promise.all([done(a.id), done(b.id)]);
    await poll(async () => (await items()).length === 2, 'two library items');
    const slow = await submit('a lantern that takes its time [slow]');

    expect(await runtime.dispatch({ name: 'jobs.delete', input: { id: 42 } }, ctx)).toMatchObject({ ok: false, error: { kind: 'invalid_input' } });
    expect(await runtime.dispatch({ name: 'jobs.delete', input: { id: slow.id } }, ctx)).toMatchObject({ ok: false, error: { kind: 'conflict' } });

    expect(await call<JobsRemoved>('jobs.delete', { id: a.id })).toEqual({ ids: [a.id] });
    expect(events).toContainEqual(['jobs.removed', { ids: [a.id] }]);
    expect(await runtime.dispatch({ name: 'jobs.get', input: { id: a.id } }, ctx)).toMatchObject({ ok: false, error: { kind: 'not_found' } });

    expect(await call<JobsRemoved>('jobs.clearFinished', {})).toEqual({ ids: [b.id] });
    const left = await call<{ jobs: Job[] }>('jobs.list', {});
    expect(left.jobs.map((j) => j.id)).toEqual([slow.id]);
    // The results stay in the library, with their prompts.
    const kept = await Promise.all((await items()).map((i) => call<LibraryItem>('library.get', { id: i.id })));
    expect(kept.map((i) => i.prompt).sort()).toEqual(['a blue lantern', 'an orange lantern']);
  });
});
