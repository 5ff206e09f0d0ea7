import type { Text } from '../i18n-text';

/*
 * Every fact about a vendor, once. The settings schema, the job queue's limits, the poller, the IPC
 * schemas, the key cards and the sandbox read this; adding a vendor here is what makes it exist.
 * Pure data: no imports from main or the renderer.
 */

/** Which vendor quota a submission counts against (HiDream's per-minute limits are per category). */
export const RATE_CATEGORIES = ['image', 'video', 'stylize'] as const;
export type RateCategory = (typeof RATE_CATEGORIES)[number];

/**
 * How many tasks run at once and how many are submitted per minute.
 * - `tiers`: the vendor publishes them per membership level; the user only picks the level.
 * - `custom`: the vendor publishes none; the user enters both numbers, starting from cautious defaults.
 */
export type LimitsSpec =
  | {
      kind: 'tiers';
      /** Concurrent tasks per membership level, in the vendor's order (lowest first). */
      concurrency: Readonly<Record<string, number>>;
      defaultTier: string;
      /** How a level is shown, where it is more than its id. */
      tierLabels?: Readonly<Record<string, Text>>;
      /** Submissions per minute per category; each image or video of a submission counts as one. */
      perMinute: Readonly<Record<RateCategory, number>>;
    }
  | {
      kind: 'custom';
      defaults: { readonly concurrency: number; readonly perMinute: number };
      /** The most the settings accept, so a typo cannot flood the vendor. */
      max: { readonly concurrency: number; readonly perMinute: number };
    };

/** One credential input on a key card, and the field name `keys.set` takes it as. */
export interface KeyField {
  name: string;
  label: Text;
  /** Secret fields are never shown back; non-secret ones (base URL, endpoint) are edited in the clear. */
  secret: boolean;
  required: boolean;
}

export interface VendorDescriptor {
  /** The short name in job lists, errors and filters. */
  name: Text;
  /** The longer name on the key card (which account the key belongs to). */
  service: Text;
  /** Who issues the key, as messages about keys name it. */
  account: Text;
  /** The key itself, in a sentence ("The HiDream token is empty."). */
  keyName: Text;
  /** Where the vendor lives unless the user says otherwise (vendor docs). */
  defaultBaseUrl: string;
  limits: LimitsSpec;
  /** Whether several tasks of one operation can be asked for in one request. */
  batchQuery: boolean;
  keyFields: readonly KeyField[];
  /** This vendor's key in the library's search index rows: stored on disk, so never change or reuse one. */
  searchKey: number;
}

const baseUrl = (en: string, zh: string): KeyField => ({ name: 'baseUrl', label: { en, 'zh-CN': zh }, secret: false, required: false });

export const VENDORS = {
  hidream: {
    name: { en: 'HiDream', 'zh-CN': 'HiDream' },
    service: { en: 'HiDream (Pixeling)', 'zh-CN': 'HiDream（智象 Pixeling）' },
    account: { en: 'HiDream', 'zh-CN': 'HiDream' },
    keyName: { en: 'HiDream token', 'zh-CN': 'HiDream Token' },
    defaultBaseUrl: 'https://www.hidreamai.com',
    limits: {
      kind: 'tiers',
      concurrency: { free: 1, L1: 3, L2: 5, L3: 7, L4: 10 },
      defaultTier: 'free',
      tierLabels: { free: { en: 'Free', 'zh-CN': '免费' } },
      perMinute: { image: 100, video: 10, stylize: 2 },
    },
    batchQuery: true,
    searchKey: 0xe030,
    keyFields: [
      { name: 'token', label: { en: 'Token', 'zh-CN': 'Token' }, secret: true, required: true },
      { name: 'userId', label: { en: 'API-User-ID', 'zh-CN': 'API-User-ID' }, secret: true, required: false },
      baseUrl('Base URL', '接口地址'),
    ],
  },
  haiper: {
    name: { en: 'Haiper', 'zh-CN': 'Haiper' },
    service: { en: 'Haiper via Cloudsway', 'zh-CN': 'Haiper（通过 Cloudsway）' },
    account: { en: 'Cloudsway (Haiper)', 'zh-CN': 'Cloudsway（Haiper）' },
    keyName: { en: 'Cloudsway AccessKey', 'zh-CN': 'Cloudsway AccessKey' },
    defaultBaseUrl: 'https://genaiapi.cloudsway.net/v1/ai',
    // UNCERTAIN: Cloudsway publishes no limits for Haiper. These are deliberately modest; a rate-limit answer
    // only delays jobs (re-queued with backoff), so users with a bigger quota can raise them in settings.
    limits: { kind: 'custom', defaults: { concurrency: 2, perMinute: 10 }, max: { concurrency: 50, perMinute: 600 } },
    batchQuery: false,
    searchKey: 0xe031,
    keyFields: [
      { name: 'accessKey', label: { en: 'AccessKey', 'zh-CN': 'AccessKey' }, secret: true, required: true },
      { name: 'endpointPath', label: { en: 'Endpoint path', 'zh-CN': '接入点路径' }, secret: false, required: true },
      baseUrl('Base URL', '接口地址'),
    ],
  },
} as const satisfies Record<string, VendorDescriptor>;

/** A vendor table of any extent: the real one, or a test's with a vendor added. */
export type VendorCatalog = Readonly<Record<string, VendorDescriptor>>;

export type VendorId = keyof typeof VENDORS;
export const VENDOR_IDS = Object.keys(VENDORS) as [VendorId, ...VendorId[]];

export function vendorIds<C extends VendorCatalog>(vendors: C): (keyof C & string)[] {
  return Object.keys(vendors);
}

/** What the settings keep per vendor: a membership level, or the user's own numbers. */
export type MembershipOf<D extends VendorDescriptor> = D['limits'] extends { kind: 'tiers'; concurrency: infer T }
  ? keyof T & string
  : { concurrency: number; perMinute: number };

export type Membership<C extends VendorCatalog = typeof VENDORS> = { [V in keyof C & string]: MembershipOf<C[V]> };

/** The membership a new installation starts with, for a given vendor table. */
export function catalogMembership<C extends VendorCatalog>(vendors: C): Membership<C> {
  const entries = Object.entries(vendors).map(([id, d]) => [id, d.limits.kind === 'tiers' ? d.limits.defaultTier : { ...d.limits.defaults }]);
  return Object.fromEntries(entries) as Membership<C>;
}

export function defaultMembership(): Membership {
  return catalogMembership(VENDORS);
}

/** The numbers the job queue keeps to, one spelling for the app and the sandbox. */
export interface VendorLimits {
  /** Submissions per minute per category; each image or video of a submission counts as one. */
  perMinute: Record<RateCategory, number>;
  /** Tasks the vendor runs at once for this account, across categories. */
  concurrency: number;
  /** The membership level the numbers come from (tiered vendors), for "membership: free, 1 at a time". */
  tier?: string;
}

export function limitsOf(descriptor: VendorDescriptor, membership: unknown): VendorLimits {
  const limits = descriptor.limits;
  if (limits.kind === 'tiers') {
    const tier = typeof membership === 'string' && membership in limits.concurrency ? membership : limits.defaultTier;
    return { perMinute: { ...limits.perMinute }, concurrency: limits.concurrency[tier] ?? 1, tier };
  }
  const own = (typeof membership === 'object' && membership !== null ? membership : limits.defaults) as { concurrency: number; perMinute: number };
  const perMinute = Object.fromEntries(RATE_CATEGORIES.map((c) => [c, own.perMinute])) as Record<RateCategory, number>;
  return { perMinute, concurrency: own.concurrency };
}

/** Every vendor's limits for a membership, for a given vendor table. */
export function catalogLimits<C extends VendorCatalog>(vendors: C, membership: Membership<C>): Record<keyof C & string, VendorLimits> {
  const byVendor = membership as Record<string, unknown>;
  return Object.fromEntries(Object.entries(vendors).map(([id, d]) => [id, limitsOf(d, byVendor[id])])) as Record<keyof C & string, VendorLimits>;
}

/** Every vendor's limits for the settings' membership. */
export function limitsFor(membership: Membership): Record<VendorId, VendorLimits> {
  return catalogLimits(VENDORS, membership);
}

/** A tiered vendor's levels in order, with their labels and concurrency. */
export function tiersOf(descriptor: VendorDescriptor, locale: 'en' | 'zh-CN'): { id: string; label: string; concurrency: number }[] {
  const limits = descriptor.limits;
  if (limits.kind !== 'tiers') return [];
  return Object.entries(limits.concurrency).map(([id, concurrency]) => ({ id, label: limits.tierLabels?.[id]?.[locale] ?? id, concurrency }));
}
