import { isAppError } from '@shared/errors';
import type { ConnectionResult } from '@shared/ipc/keys';
import type { VendorId } from '@shared/catalog';
import type { CredentialSource, Credentials } from '../credentials';
import { redact, type Logger } from '../log';
import type { VendorClient } from '../vendors/types';
import { VENDOR_NAMES } from './validate';

/** Builds a client for the given credentials; the vendor layer provides it. */
export type VendorClientFactory = (credentials: Credentials) => VendorClient;

/** Long enough for a slow vendor, short enough that "Test connection" never looks hung. */
export const CONNECTION_CHECK_TIMEOUT_MS = 20_000;

function detail(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // Vendor bodies end up in messages; a key must not ride along into the UI.
  return redact(message).slice(0, 300);
}

/**
 * "Test connection": one cheap authenticated request with the saved key, which creates no billable
 * work, answered in the user's terms: it works, the key is refused, the vendor cannot be reached, or
 * the vendor answered something unexpected.
 */
export async function checkConnection(
  vendor: VendorId,
  credentials: CredentialSource,
  connect: VendorClientFactory,
  options: { log?: Logger; timeoutMs?: number } = {},
): Promise<ConnectionResult> {
  const name = VENDOR_NAMES[vendor];
  const current = credentials.get(vendor);
  if (!current) return { ok: false, reason: 'not_configured', message: `No ${name} key is saved yet.` };
  let client: VendorClient | undefined;
  const signal = AbortSignal.timeout(options.timeoutMs ?? CONNECTION_CHECK_TIMEOUT_MS);
  try {
    client = connect(current);
    await client.checkConnection(signal);
    return { ok: true };
  } catch (error) {
    options.log?.info('keys: connection check failed', { vendor, error });
    // Whatever the client made of the abort (a TimeoutError, `canceled`, `timeout`), the vendor was too slow.
    if (signal.aborted) return { ok: false, reason: 'unreachable', message: `${name} did not answer in time (${current.baseUrl}).` };
    if (!isAppError(error)) return { ok: false, reason: 'unexpected', message: `${name} answered in an unexpected way: ${detail(error)}` };
    // The vendor layer's messages are already in plain words; the base URL is added where it is the likely culprit.
    if (error.kind === 'auth') return { ok: false, reason: 'invalid_key', message: detail(error) };
    if (error.kind === 'network' || error.kind === 'timeout') return { ok: false, reason: 'unreachable', message: `${detail(error)} (${current.baseUrl})` };
    return { ok: false, reason: 'unexpected', message: detail(error) };
  } finally {
    await client?.close().catch(() => undefined);
  }
}
