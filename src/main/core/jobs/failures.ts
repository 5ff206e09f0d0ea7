import { isAppError } from '@shared/errors';
import { VENDORS, type VendorId } from '@shared/catalog';
import { isVendorError } from '../vendors/types';

export const VENDOR_NAMES = Object.fromEntries(Object.entries(VENDORS).map(([id, d]) => [id, d.name.en])) as Record<VendorId, string>;

/**
 * What a failed submission means for the job:
 * - `rate_limit`: the vendor refused for now; re-queue with backoff.
 * - `auth`: the key is bad; pause the vendor's jobs until it changes.
 * - `not_sent`: the request never reached the vendor; safe to send again.
 * - `rejected`: the vendor (or our own check) refused this job for good; it fails.
 * - `unknown`: it may have reached the vendor (and been billed); only the user may send it again.
 */
export interface SubmitOutcome {
  kind: 'rate_limit' | 'auth' | 'not_sent' | 'rejected' | 'unknown';
  error: unknown;
  /** The vendor's `Retry-After`, when it gave one. */
  retryAfterMs?: number | null;
}

export function classifySubmitError(error: unknown): SubmitOutcome {
  if (!isAppError(error)) return { kind: 'unknown', error };
  // The vendor layer says whether a failed request may have reached the vendor; our own errors do not.
  const delivery = isVendorError(error) ? error.delivery : undefined;
  if (error.kind === 'rate_limit') return { kind: 'rate_limit', error, retryAfterMs: isVendorError(error) ? error.retryAfterMs : null };
  if (error.kind === 'auth') return { kind: 'auth', error };
  if (error.kind === 'validation' || error.kind === 'invalid_input') return { kind: 'rejected', error };
  switch (delivery) {
    case 'not_sent':
      return { kind: 'not_sent', error };
    case 'rejected':
      return { kind: 'rejected', error };
    default:
      // `maybe_sent`, or an error that does not say: when in doubt, ask the user.
      return { kind: 'unknown', error };
  }
}
