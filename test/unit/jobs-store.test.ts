import { describe, expect, it } from 'vitest';
import { openDatabase } from '@main/core/db/database';
import { JobStore, type NewJob } from '@main/core/jobs/store';

const input: NewJob = {
  operation: 'hidream.txt2img',
  vendor: 'hidream',
  params: { prompt: 'a fox', img_count: 2 },
  inputFile: null,
  outputDir: null,
  parentItemId: null,
};

function setup() {
  const store = new JobStore(openDatabase(':memory:'));
  const job = store.create(input, 'A', 1_000, 0);
  return { store, job };
}

describe('job store', () => {
  it('creates a queued job owned by its engine, with a request id kept for the vendor', () => {
    const { store, job } = setup();
    expect(job).toMatchObject({ status: 'queued', attempts: 0, taskId: null, outputs: [], params: input.params });
    expect(job.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(store.get(job.id)).toEqual(job);
  });

  it('moves through submitting and running only from the expected state and owner', () => {
    const { store, job } = setup();
    expect(store.beginSubmit(job.id, 'B', 1).ok).toBe(false);
    expect(store.beginSubmit(job.id, 'A', 1).ok).toBe(true);
    expect(store.beginSubmit(job.id, 'A', 2).ok).toBe(false);
    expect(store.get(job.id)).toMatchObject({ status: 'submitting', attempts: 1 });
    expect(store.accept(job.id, 'A', { taskId: 'T', subTaskIds: ['s0', 's1'] }, 'image', 3)).toBe(true);
    const running = store.require(job.id);
    expect(running).toMatchObject({ status: 'running', taskId: 'T', submittedAt: 3 });
    expect(running.outputs.map((o) => [o.index, o.subTaskId, o.status])).toEqual([
      [0, 's0', 'pending'],
      [1, 's1', 'pending'],
    ]);
  });

  it('records per-output results by sub-task and finishes once', () => {
    const { store, job } = setup();
    store.beginSubmit(job.id, 'A', 1);
    store.accept(job.id, 'A', { taskId: 'T', subTaskIds: ['s0', 's1'] }, 'image', 2);
    const out = (sub: string, state: 'succeeded' | 'failed', url: string | null) => ({
      subTaskId: sub,
      state,
      progress: 1,
      kind: 'image' as const,
      url,
      expiresAt: 99,
      error: state === 'failed' ? { kind: 'moderation' as const, message: 'no' } : null,
    });
    expect(store.finish(job.id, 'A', 'succeeded', null, [out('s1', 'failed', null), out('s0', 'succeeded', 'https://x.example/0.png')], 5)).toBe(true);
    expect(store.finish(job.id, 'A', 'failed', null, [], 6)).toBe(false);
    const done = store.require(job.id);
    expect(done).toMatchObject({ status: 'succeeded', progress: 1, finishedAt: 5 });
    expect(done.outputs.map((o) => [o.status, o.url, o.error?.kind ?? null])).toEqual([
      ['succeeded', 'https://x.example/0.png', null],
      ['failed', null, 'moderation'],
    ]);
  });

  it('lets the user cancel whoever owns the job, and then no engine write lands', () => {
    const { store, job } = setup();
    store.beginSubmit(job.id, 'A', 1);
    expect(store.cancel(job.id, 2)).toBe('submitting');
    expect(store.accept(job.id, 'A', { taskId: 'T', subTaskIds: [] }, 'video', 3)).toBe(false);
    store.recordLateTask(job.id, 'T', 3);
    expect(store.require(job.id)).toMatchObject({ status: 'canceled', taskId: 'T', outputs: [] });
    expect(store.cancel(job.id, 4)).toBe('canceled');
  });

  it('hands a job to another engine only when its lease lapsed or its owner is dead', () => {
    const { store, job } = setup();
    const alive = () => false;
    expect(store.claim(job.id, 'B', 2_000, 500, alive)).toBeUndefined();
    expect(store.claim(job.id, 'B', 2_000, 500, (owner) => owner === 'A')?.id).toBe(job.id);
    expect(store.claim(job.id, 'C', 3_000, 1_999, alive)).toBeUndefined();
    expect(store.claim(job.id, 'C', 3_000, 2_001, alive)?.id).toBe(job.id);
    expect(store.renewLeases('B', 9_000).has(job.id)).toBe(false);
    expect(store.renewLeases('C', 9_000).has(job.id)).toBe(true);
    store.releaseLeases('C');
    expect(store.claim(job.id, 'D', 1, 0, alive)?.id).toBe(job.id);
  });

  it('finds results not yet handed to the downloader, and lets only one engine hand each over', () => {
    const { store, job } = setup();
    store.beginSubmit(job.id, 'A', 1);
    store.accept(job.id, 'A', { taskId: 'T', subTaskIds: ['s0'] }, 'image', 2);
    store.finish(job.id, 'A', 'succeeded', null, [{ subTaskId: 's0', state: 'succeeded', progress: 1, kind: 'image', url: 'https://x', expiresAt: null, error: null }], 3);
    const [waiting] = store.awaitingHandOff();
    const output = waiting?.outputs[0];
    if (!output) throw new Error('expected an output awaiting hand-off');
    expect(store.claimHandOff(output.id, 'A', () => false)).toBe(true);
    expect(store.claimHandOff(output.id, 'B', () => false)).toBe(false);
    // A crashed engine's claim is taken over.
    expect(store.claimHandOff(output.id, 'B', (owner) => owner === 'A')).toBe(true);
    store.setDownloadId(output.id, 'dl-1');
    expect(store.awaitingHandOff()).toEqual([]);
    expect(store.require(job.id).outputs[0]?.downloadId).toBe('dl-1');
  });

  it('lists newest first with a total per status filter', () => {
    const { store } = setup();
    store.create(input, 'A', 1_000, 10);
    const third = store.create(input, 'A', 1_000, 20);
    store.cancel(third.id, 21);
    expect(store.list({ offset: 0, limit: 2 })).toMatchObject({ total: 3, jobs: [{ id: third.id }, {}] });
    expect(store.list({ status: ['queued'], offset: 0, limit: 10 }).total).toBe(2);
  });

  it('reports recent submissions for the rate limiter, including ones whose outcome is unknown', () => {
    const { store, job } = setup();
    const other = store.create(input, 'A', 1_000, 0);
    store.beginSubmit(job.id, 'A', 100);
    store.accept(job.id, 'A', { taskId: 'T', subTaskIds: [] }, 'image', 150);
    store.beginSubmit(other.id, 'A', 200);
    expect(store.submissionsSince(120).map((s) => [s.id, s.at]).sort()).toEqual([
      [job.id, 150],
      [other.id, 200],
    ].sort());
    expect(store.submissionsSince(300)).toEqual([]);
  });
});
