import { describe, expect, it } from 'vitest';
import { storedParams, type OperationId, type VendorId } from '@shared/catalog';
import { Poller, POLL, pollDelay } from '@main/core/jobs/poller';
import { FakeClock } from '../support/fake-clock';
import { FakeVendor, vendorError } from '../support/fake-vendor';

function setup(duration = 60_000) {
  const clock = new FakeClock(0);
  const vendors: Record<VendorId, FakeVendor> = { hidream: new FakeVendor('hidream', clock), haiper: new FakeVendor('haiper', clock) };
  for (const v of Object.values(vendors)) v.duration = duration;
  const finished = new Map<string, number>();
  const errors: string[] = [];
  const poller = new Poller({
    clock,
    timeScale: 1,
    query: (vendor, operation, taskIds) => vendors[vendor].query(operation, taskIds),
    batchable: (vendor) => vendor === 'hidream',
    onStatus: (jobId, status) => {
      const final = status.outputs.length > 0 && status.outputs.every((o) => o.state === 'succeeded' || o.state === 'failed');
      if (final) finished.set(jobId, clock.now());
      return final;
    },
    onError: (_vendor, jobIds, error) => errors.push(`${jobIds.join(',')}:${String(error)}`),
  });
  const start = async (vendor: VendorId, count: number, operation: OperationId = vendor === 'hidream' ? 'hidream.txt2video' : 'haiper.generate') => {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const { taskId } = await vendors[vendor].submit({ operation, params: storedParams({}), requestId: `r${i}` });
      poller.track({ jobId: `job-${taskId}`, vendor, operation, taskId, since: clock.now() });
      ids.push(`job-${taskId}`);
    }
    return ids;
  };
  return { clock, vendors, poller, finished, errors, start };
}

describe('poll schedule', () => {
  it('starts quick and slows down as a job runs, and aims at the end when progress is known', () => {
    expect(pollDelay(2_000, 0)).toBe(POLL.min);
    expect(pollDelay(20_000, 0)).toBe(6_000);
    expect(pollDelay(300_000, 0)).toBe(POLL.max);
    // 25 % after 10 s: about 30 s left, capped.
    expect(pollDelay(10_000, 0.25)).toBe(POLL.max);
    // 80 % after 40 s: 10 s left.
    expect(pollDelay(40_000, 0.8)).toBeCloseTo(10_000);
    // Stuck near the end: never faster than a tenth of the age.
    expect(pollDelay(100_000, 0.999)).toBe(10_000);
  });

  it('polls one job far less than every 2 s and stops at its final state', async () => {
    const { clock, vendors, finished, start } = setup(60_000);
    const [id] = await start('haiper', 1);
    await clock.advance(1_999);
    expect(vendors.haiper.queries).toHaveLength(0);
    await clock.advance(1);
    expect(vendors.haiper.queries).toHaveLength(1);
    await clock.until(() => finished.has(id ?? ''));
    const polls = vendors.haiper.queries.length;
    expect(polls).toBeLessThanOrEqual(8);
    expect((finished.get(id ?? '') ?? 0) - 60_000).toBeLessThan(POLL.max);
    await clock.advance(120_000);
    expect(vendors.haiper.queries).toHaveLength(polls);
  });

  it('never has two requests in flight for one job, even when the vendor is slow to answer', async () => {
    const { clock, vendors, finished, start } = setup(30_000);
    let release = () => {};
    vendors.haiper.queryGate = new Promise<void>((resolve) => (release = resolve));
    const [id] = await start('haiper', 1);
    await clock.advance(60_000);
    expect(vendors.haiper.queries).toHaveLength(1);
    vendors.haiper.queryGate = null;
    release();
    await clock.until(() => finished.has(id ?? ''));
    expect(vendors.haiper.maxQueriesInFlightPerTask).toBe(1);
  });

  it('asks HiDream about several tasks of one operation in one batch request', async () => {
    const { clock, vendors, finished, start } = setup(40_000);
    const ids = [...(await start('hidream', 3)), ...(await start('hidream', 2, 'hidream.txt2img'))];
    await clock.advance(300);
    ids.push(...(await start('hidream', 3)));
    await clock.until(() => ids.every((id) => finished.has(id)));
    const queries = vendors.hidream.queries;
    expect(queries.some((q) => q.taskIds.length >= 5)).toBe(true);
    // One operation per request.
    for (const q of queries) expect(new Set(q.taskIds.map((t) => vendors.hidream.tasks.get(t)?.operation)).size).toBe(1);
    const perTaskRequests = queries.reduce((n, q) => n + q.taskIds.length, 0);
    expect(queries.length).toBeLessThan(perTaskRequests / 2);
  });

  it('sends nothing for a paused vendor and looks at once when it resumes', async () => {
    const { clock, vendors, poller, finished, start } = setup(20_000);
    const [id] = await start('haiper', 1);
    poller.pause('haiper');
    await clock.advance(60_000);
    expect(vendors.haiper.queries).toHaveLength(0);
    poller.resume('haiper');
    await clock.advance(0);
    expect(vendors.haiper.queries).toHaveLength(1);
    expect(finished.has(id ?? '')).toBe(true);
  });

  it('backs off after failures and splits a failed batch so one bad task cannot block the rest', async () => {
    const { clock, vendors, errors, finished, start } = setup(10_000);
    const ids = await start('hidream', 3);
    vendors.hidream.queryError = vendorError('server', 'maybe_sent');
    await clock.advance(2_000);
    expect(errors).toHaveLength(1);
    expect(vendors.hidream.queries.at(-1)?.taskIds).toHaveLength(3);
    await clock.advance(1_000);
    expect(vendors.hidream.queries).toHaveLength(1);
    vendors.hidream.queryError = null;
    await clock.until(() => ids.every((id) => finished.has(id)));
    // The retries go one task per request; tasks that answer rejoin the batch afterwards.
    expect(vendors.hidream.queries.slice(1, 4).map((q) => q.taskIds.length)).toEqual([1, 1, 1]);
  });
});
