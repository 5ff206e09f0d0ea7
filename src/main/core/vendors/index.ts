import type { Credentials } from '../credentials';
import type { VendorClientOptions } from './common';
import { HaiperClient } from './haiper';
import { HidreamClient } from './hidream';
import type { VendorClient } from './types';

/**
 * The vendor layer's one entry point: a client for the vendor the credentials belong to, with its own
 * connection pool. Close it when the credentials change or the app quits. Throws `VendorError`
 * (`validation`) for credentials that cannot work: a base URL that is not http(s), a Haiper endpoint
 * path with slashes in it.
 */
export function createVendorClient(credentials: Credentials, options?: VendorClientOptions): VendorClient {
  return credentials.vendor === 'hidream' ? new HidreamClient(credentials, options) : new HaiperClient(credentials, options);
}

export type { VendorClientOptions } from './common';
export { DEFAULT_TIMEOUTS, type HttpTimeouts } from './http';
export { newRequestId } from './hidream';
export { backoffDelay, DEFAULT_QUERY_RETRY, type RetryPolicy } from './retry';
export { DEFAULT_MAX_UPLOAD_BYTES, inspectVideoFile } from './upload';
export * from './types';
