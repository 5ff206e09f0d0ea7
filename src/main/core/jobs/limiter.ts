import { defaultMembership, limitsFor, type RateCategory, type VendorId, type VendorLimits } from '@shared/catalog';

export type { VendorLimits };

/** Each vendor's numbers, as the settings' membership resolves them (`limitsFor`), or a test's own. */
export type LimitSettings<V extends string = VendorId> = Record<V, VendorLimits>;

export const DEFAULT_LIMIT_SETTINGS: LimitSettings = limitsFor(defaultMembership());

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
export class RateLimiter<V extends string = VendorId> {
  private limits: LimitSettings<V>;
  private readonly windows = new Map<string, WindowEntry[]>();
  /** Per vendor: jobId → time the slot frees itself (Infinity: until released). */
  private readonly slots = new Map<V, Map<string, number>>();
  /** Per vendor+category: the "too many" answers still in force, with the job each answered. */
  private readonly penalties = new Map<string, { jobId: string; until: number }[]>();

  constructor(
    limits: LimitSettings<V>,
    private readonly windowMs = 60_000,
  ) {
    this.limits = limits;
  }

  setLimits(limits: LimitSettings<V>): void {
    this.limits = limits;
  }

  private slotsOf(vendor: V): Map<string, number> {
    let slots = this.slots.get(vendor);
    if (!slots) {
      slots = new Map();
      this.slots.set(vendor, slots);
    }
    return slots;
  }

  private window(vendor: V, category: RateCategory, now: number): WindowEntry[] {
    const key = `${vendor}:${category}`;
    // Inclusive at the edge: a vendor counting "within the last minute" inclusively never sees one more.
    const entries = (this.windows.get(key) ?? []).filter((e) => e.at >= now - this.windowMs);
    this.windows.set(key, entries);
    return entries;
  }

  private activeSlots(vendor: V, now: number): Map<string, number> {
    const slots = this.slotsOf(vendor);
    for (const [jobId, until] of slots) if (until <= now) slots.delete(jobId);
    return slots;
  }

  /** Reserves a slot and a window entry for a submission about to be sent, if the limits allow. */
  tryAcquire(jobId: string, vendor: V, category: RateCategory, weight: number, now: number): Acquired {
    const penalty = this.penaltyUntil(vendor, category, now);
    if (penalty > now) return { ok: false, retryAt: penalty, reason: 'penalty' };

    const slots = this.activeSlots(vendor, now);
    if (slots.size >= this.limits[vendor].concurrency) {
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
  answered(jobId: string, vendor: V, category: RateCategory, at: number): void {
    const entry = this.windows.get(`${vendor}:${category}`)?.find((e) => e.jobId === jobId && !Number.isFinite(e.at));
    if (entry) entry.at = at;
  }

  /** The submission never left: it does not count against the window. */
  withdraw(jobId: string, vendor: V, category: RateCategory): void {
    const key = `${vendor}:${category}`;
    const entries = this.windows.get(key);
    if (entries) this.windows.set(key, entries.filter((e) => e.jobId !== jobId));
  }

  /** Frees the job's concurrency slot now, or at `until` (a canceled task may still run remotely). */
  release(jobId: string, vendor: V, until?: number): void {
    if (until === undefined) this.slotsOf(vendor).delete(jobId);
    else this.slotsOf(vendor).set(jobId, until);
  }

  /** Counts a job already running on the vendor (found at start-up) against the concurrency limit. */
  hold(jobId: string, vendor: V, until = Infinity): void {
    this.slotsOf(vendor).set(jobId, until);
  }

  /** A submission answered before a restart, still inside the window. */
  seed(jobId: string, vendor: V, category: RateCategory, weight: number, at: number): void {
    const key = `${vendor}:${category}`;
    const entries = this.windows.get(key) ?? [];
    if (entries.some((e) => e.jobId === jobId)) return;
    entries.push({ jobId, weight: Math.min(weight, Math.max(1, this.limits[vendor].perMinute[category])), at });
    this.windows.set(key, entries);
  }

  /**
   * The vendor said "too many" to `jobId`: nothing more of this category goes before `until`. The pause
   * belongs to that answer: when the job is canceled or discarded, `forgive` lifts it, so the backoff
   * of a job nobody wants any more (which grows with its attempts) holds no other job back.
   */
  penalize(vendor: V, category: RateCategory, until: number, jobId: string): void {
    const key = `${vendor}:${category}`;
    const entries = (this.penalties.get(key) ?? []).filter((e) => e.jobId !== jobId);
    entries.push({ jobId, until });
    this.penalties.set(key, entries);
  }

  /** Lifts every pause that answers to `jobId` gave. */
  forgive(jobId: string): void {
    for (const [key, entries] of this.penalties) this.penalties.set(key, entries.filter((e) => e.jobId !== jobId));
  }

  private penaltyUntil(vendor: V, category: RateCategory, now: number): number {
    const key = `${vendor}:${category}`;
    const live = (this.penalties.get(key) ?? []).filter((e) => e.until > now);
    this.penalties.set(key, live);
    return live.reduce((max, e) => Math.max(max, e.until), 0);
  }

  limitsOf(vendor: V): VendorLimits {
    return this.limits[vendor];
  }

  /** Units of the per-minute window in use by this engine (sent or answered within the window). */
  used(vendor: V, category: RateCategory, now: number): number {
    return this.window(vendor, category, now).reduce((sum, e) => sum + e.weight, 0);
  }

  /** Whether this engine's window for the category already counts `jobId`. */
  counts(vendor: V, category: RateCategory, jobId: string): boolean {
    return (this.windows.get(`${vendor}:${category}`) ?? []).some((e) => e.jobId === jobId);
  }

  /** Slots in use, for tests and diagnostics. */
  inUse(vendor: V, now: number): number {
    return this.activeSlots(vendor, now).size;
  }
}
