import type { RateCategory, VendorId } from '@shared/operations';
import { HIDREAM_CONCURRENCY, type HidreamLevel } from '@shared/settings';

export interface VendorLimits {
  /** Submissions per minute per category; each image or video of a submission counts as one. */
  perMinute: Record<RateCategory, number>;
  /** Tasks the vendor runs at once for this account, across categories. */
  concurrent: number;
  /** The membership level the concurrency comes from (HiDream), for "membership: free, 1 at a time". */
  tier?: string;
}

/** What the settings store keeps; `resolveLimits` turns it into numbers. */
export interface LimitSettings {
  hidream: { membership: HidreamLevel; perMinute: Record<RateCategory, number>; /** Overrides the membership's number. */ concurrent?: number };
  haiper: VendorLimits;
}

export const DEFAULT_LIMIT_SETTINGS: LimitSettings = {
  hidream: { membership: 'free', perMinute: { image: 100, video: 10, stylize: 2 } },
  // UNCERTAIN: Cloudsway publishes no limits for Haiper. These are deliberately modest; a rate-limit answer
  // only delays jobs (re-queued with backoff), so users with a bigger quota can raise them in settings.
  haiper: { perMinute: { image: 10, video: 10, stylize: 10 }, concurrent: 2 },
};

export function resolveLimits(settings: LimitSettings): Record<VendorId, VendorLimits> {
  return {
    hidream: {
      perMinute: settings.hidream.perMinute,
      concurrent: settings.hidream.concurrent ?? HIDREAM_CONCURRENCY[settings.hidream.membership],
      tier: settings.hidream.membership,
    },
    haiper: settings.haiper,
  };
}

interface WindowEntry {
  jobId: string;
  weight: number;
  /** When the vendor answered; Infinity while the request is in flight (it counts until then). */
  at: number;
}

export type Acquired =
  | { ok: true }
  | {
      ok: false;
      /** When to look again; null = when something is released. */
      retryAt: number | null;
      /** `penalty`: the vendor itself said "too many" a moment ago. */
      reason: 'concurrency' | 'per_minute' | 'penalty';
    };

/**
 * Keeps the engine inside the vendors' limits, counted the way the vendor counts them.
 *
 * Per-minute windows slide per vendor+category. A submission enters the window when it is sent and is
 * dated by when the vendor *answered*: the vendor received it at or before that moment, so our count over
 * any window is never below the vendor's. A concurrency slot is held from sending until the engine sees
 * the task final (which is at or after the vendor freed it), again erring on the safe side.
 */
export class RateLimiter {
  private limits: Record<VendorId, VendorLimits>;
  private readonly windows = new Map<string, WindowEntry[]>();
  /** jobId → time the slot frees itself (Infinity: until released). */
  private readonly slots: Record<VendorId, Map<string, number>> = { hidream: new Map(), haiper: new Map() };
  private readonly penalties = new Map<string, number>();

  constructor(
    limits: Record<VendorId, VendorLimits>,
    private readonly windowMs = 60_000,
  ) {
    this.limits = limits;
  }

  setLimits(limits: Record<VendorId, VendorLimits>): void {
    this.limits = limits;
  }

  private window(vendor: VendorId, category: RateCategory, now: number): WindowEntry[] {
    const key = `${vendor}:${category}`;
    // Inclusive at the edge: a vendor counting "within the last minute" inclusively never sees one more.
    const entries = (this.windows.get(key) ?? []).filter((e) => e.at >= now - this.windowMs);
    this.windows.set(key, entries);
    return entries;
  }

  private activeSlots(vendor: VendorId, now: number): Map<string, number> {
    const slots = this.slots[vendor];
    for (const [jobId, until] of slots) if (until <= now) slots.delete(jobId);
    return slots;
  }

  /** Reserves a slot and a window entry for a submission about to be sent, if the limits allow. */
  tryAcquire(jobId: string, vendor: VendorId, category: RateCategory, weight: number, now: number): Acquired {
    const penalty = this.penalties.get(`${vendor}:${category}`) ?? 0;
    if (penalty > now) return { ok: false, retryAt: penalty, reason: 'penalty' };

    const slots = this.activeSlots(vendor, now);
    if (slots.size >= this.limits[vendor].concurrent) {
      const timed = [...slots.values()].filter(Number.isFinite);
      return { ok: false, retryAt: timed.length ? Math.min(...timed) : null, reason: 'concurrency' };
    }

    const limit = Math.max(1, this.limits[vendor].perMinute[category]);
    // A submission heavier than the whole limit (4 images against a limit of 2) could never go; let it
    // go alone in an empty window rather than wait forever.
    const cost = Math.min(weight, limit);
    const entries = this.window(vendor, category, now);
    const used = entries.reduce((sum, e) => sum + e.weight, 0);
    if (used + cost > limit) return { ok: false, retryAt: this.freeAt(entries, used + cost - limit), reason: 'per_minute' };

    entries.push({ jobId, weight: cost, at: Infinity });
    slots.set(jobId, Infinity);
    return { ok: true };
  }

  /** When enough answered entries leave the window to free `needed` units; null if in-flight ones block. */
  private freeAt(entries: WindowEntry[], needed: number): number | null {
    let freed = 0;
    for (const entry of [...entries].sort((a, b) => a.at - b.at)) {
      if (!Number.isFinite(entry.at)) return null;
      freed += entry.weight;
      if (freed >= needed) return entry.at + this.windowMs + 1;
    }
    return null;
  }

  /** The vendor answered the submission (accepted or not): date its window entry. */
  answered(jobId: string, vendor: VendorId, category: RateCategory, at: number): void {
    const entry = this.windows.get(`${vendor}:${category}`)?.find((e) => e.jobId === jobId && !Number.isFinite(e.at));
    if (entry) entry.at = at;
  }

  /** The submission never left: it does not count against the window. */
  withdraw(jobId: string, vendor: VendorId, category: RateCategory): void {
    const key = `${vendor}:${category}`;
    const entries = this.windows.get(key);
    if (entries) this.windows.set(key, entries.filter((e) => e.jobId !== jobId));
  }

  /** Frees the job's concurrency slot now, or at `until` (a canceled task may still run remotely). */
  release(jobId: string, vendor: VendorId, until?: number): void {
    if (until === undefined) this.slots[vendor].delete(jobId);
    else this.slots[vendor].set(jobId, until);
  }

  /** Counts a job already running on the vendor (found at start-up) against the concurrency limit. */
  hold(jobId: string, vendor: VendorId, until = Infinity): void {
    this.slots[vendor].set(jobId, until);
  }

  /** A submission answered before a restart, still inside the window. */
  seed(jobId: string, vendor: VendorId, category: RateCategory, weight: number, at: number): void {
    const key = `${vendor}:${category}`;
    const entries = this.windows.get(key) ?? [];
    if (entries.some((e) => e.jobId === jobId)) return;
    entries.push({ jobId, weight: Math.min(weight, Math.max(1, this.limits[vendor].perMinute[category])), at });
    this.windows.set(key, entries);
  }

  /** The vendor said "too many": nothing more of this category goes before `until`. */
  penalize(vendor: VendorId, category: RateCategory, until: number): void {
    const key = `${vendor}:${category}`;
    this.penalties.set(key, Math.max(until, this.penalties.get(key) ?? 0));
  }

  limitsOf(vendor: VendorId): VendorLimits {
    return this.limits[vendor];
  }

  /** Units of the per-minute window in use by this engine (sent or answered within the window). */
  used(vendor: VendorId, category: RateCategory, now: number): number {
    return this.window(vendor, category, now).reduce((sum, e) => sum + e.weight, 0);
  }

  /** Whether this engine's window for the category already counts `jobId`. */
  counts(vendor: VendorId, category: RateCategory, jobId: string): boolean {
    return (this.windows.get(`${vendor}:${category}`) ?? []).some((e) => e.jobId === jobId);
  }

  /** Slots in use, for tests and diagnostics. */
  inUse(vendor: VendorId, now: number): number {
    return this.activeSlots(vendor, now).size;
  }
}
