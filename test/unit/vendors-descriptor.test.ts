import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  catalogLimits,
  catalogMembership,
  defaultMembership,
  limitsFor,
  VENDOR_IDS,
  VENDORS,
  vendorIds,
  type Membership,
  type VendorCatalog,
} from '@shared/catalog';
import { membershipPatchSchema, membershipSchema, SETTINGS_DEFAULTS, settingsSchema } from '@shared/settings';
import { RateLimiter } from '@main/core/jobs/limiter';
import { Poller } from '@main/core/jobs/poller';
import type { TaskStatus } from '@main/core/vendors/types';
import { startSandbox } from '@main/sandbox';
import { createVendorClient, newRequestId } from '@main/core/vendors';
import { FakeClock } from '../support/fake-clock';
import { checked, instantRetries, vendorError } from '../support/vendors';

/** A made-up third vendor, described the way the real two are: nothing else is edited for it. */
const WITH_ACME = {
  ...VENDORS,
  acme: {
    name: { en: 'Acme', 'zh-CN': 'Acme' },
    service: { en: 'Acme Video', 'zh-CN': 'Acme 视频' },
    account: { en: 'Acme', 'zh-CN': 'Acme' },
    keyName: { en: 'Acme key', 'zh-CN': 'Acme 密钥' },
    defaultBaseUrl: 'https://api.acme.example',
    limits: { kind: 'tiers', concurrency: { basic: 2, pro: 6 }, defaultTier: 'basic', perMinute: { image: 100, video: 100, stylize: 100 } },
    batchQuery: false,
    keyFields: [{ name: 'apiKey', label: { en: 'API key', 'zh-CN': 'API 密钥' }, secret: true, required: true }],
    searchKey: 0xe0ff,
  },
} as const satisfies VendorCatalog;

type Acme = keyof typeof WITH_ACME;

describe('the vendor descriptor', () => {
  it('is the one list of vendors, and the app and the sandbox start from the same limits', async () => {
    expect(VENDOR_IDS).toEqual(['hidream', 'haiper']);
    expect(SETTINGS_DEFAULTS.membership).toEqual({ hidream: 'free', haiper: { concurrency: 2, perMinute: 10 } });
    expect(limitsFor(defaultMembership())).toEqual({
      hidream: { perMinute: { image: 100, video: 10, stylize: 2 }, concurrency: 1, tier: 'free' },
      haiper: { perMinute: { image: 10, video: 10, stylize: 10 }, concurrency: 2 },
    });
    // The sandbox used to run 3 Haiper tasks at a time while the app sent 2; now both read the descriptor.
    const sandbox = await startSandbox();
    const haiper = createVendorClient(sandbox.haiper, instantRetries());
    try {
      const submit = (): Promise<unknown> => haiper.submit({ ...checked('haiper.generate', { prompt: 'a kite' }), requestId: newRequestId() });
      await submit();
      await submit();
      expect(await vendorError(submit)).toMatchObject({ kind: 'rate_limit', message: expect.stringContaining('at most 2 at a time') as unknown });
    } finally {
      await haiper.close();
      await sandbox.close();
    }
  });

  it('a third vendor shows up in the settings: its membership level, with its default and its levels only', () => {
    const membership = catalogMembership(WITH_ACME);
    expectTypeOf(membership.acme).toEqualTypeOf<'basic' | 'pro'>();
    expect(membership).toEqual({ hidream: 'free', haiper: { concurrency: 2, perMinute: 10 }, acme: 'basic' });
    const schema = membershipSchema(WITH_ACME);
    expect(schema.parse({ ...membership, acme: 'pro' })).toEqual({ ...membership, acme: 'pro' });
    expect(schema.safeParse({ ...membership, acme: 'gold' }).success).toBe(false);
    expect(schema.safeParse({ hidream: 'free', haiper: { concurrency: 2, perMinute: 10 } }).success).toBe(false);
    const patch = membershipPatchSchema(WITH_ACME);
    expect(patch.parse({ acme: 'pro' })).toEqual({ acme: 'pro' });
    // The real settings know exactly the real vendors.
    expect(settingsSchema.shape.membership.safeParse({ ...SETTINGS_DEFAULTS.membership, acme: 'basic' }).success).toBe(false);
  });

  it('a third vendor shows up in the limiter: its level sets its concurrency, apart from the others', () => {
    const membership: Membership<typeof WITH_ACME> = { ...catalogMembership(WITH_ACME), acme: 'pro' };
    const limits = catalogLimits(WITH_ACME, membership);
    expect(limits.acme).toEqual({ perMinute: { image: 100, video: 100, stylize: 100 }, concurrency: 6, tier: 'pro' });
    const limiter = new RateLimiter<Acme>(limits, 60_000);
    for (let i = 0; i < 6; i++) expect(limiter.tryAcquire(`a${i}`, 'acme', 'video', 1, 0)).toEqual({ ok: true });
    expect(limiter.tryAcquire('a6', 'acme', 'video', 1, 0)).toMatchObject({ ok: false, retryAt: null });
    expect(limiter.inUse('acme', 0)).toBe(6);
    // HiDream's free level still allows one, whatever Acme does.
    expect(limiter.tryAcquire('h0', 'hidream', 'video', 1, 0)).toEqual({ ok: true });
    expect(limiter.tryAcquire('h1', 'hidream', 'video', 1, 0)).toMatchObject({ ok: false });
    limiter.release('a0', 'acme');
    expect(limiter.tryAcquire('a6', 'acme', 'video', 1, 0)).toEqual({ ok: true });
  });

  it('a third vendor shows up in the poller: its jobs are polled, one task per request as it cannot batch', async () => {
    const clock = new FakeClock(0);
    const queries: [Acme, string[]][] = [];
    const poller = new Poller<Acme>({
      vendors: vendorIds(WITH_ACME),
      clock,
      timeScale: 1,
      query: (vendor, _operation, taskIds) => {
        queries.push([vendor, taskIds]);
        return Promise.resolve(taskIds.map((taskId): TaskStatus => ({ taskId, outputs: [] })));
      },
      batchable: (vendor) => WITH_ACME[vendor].batchQuery,
      onStatus: () => false,
      onError: () => undefined,
    });
    try {
      for (const taskId of ['t1', 't2']) poller.track({ jobId: `job-${taskId}`, vendor: 'acme', operation: 'haiper.generate', taskId, since: 0 });
      await clock.advance(2_500);
      expect(queries).toEqual([
        ['acme', ['t1']],
        ['acme', ['t2']],
      ]);
    } finally {
      poller.close();
    }
  });
});
