import { AppError } from '@shared/errors';
import { VENDOR_IDS, VENDORS, type VendorId } from '@shared/catalog';

const byVendor = <T>(value: (vendor: VendorId) => T): Record<VendorId, T> => Object.fromEntries(VENDOR_IDS.map((v) => [v, value(v)])) as Record<VendorId, T>;

/** Where each vendor lives unless the user says otherwise (vendor docs). */
export const DEFAULT_BASE_URLS = byVendor((v) => VENDORS[v].defaultBaseUrl);

// Keys belong to an account at the service (Cloudsway for Haiper), so messages about keys name it.
export const VENDOR_NAMES = byVendor((v) => VENDORS[v].account.en);

export const KEY_LABELS = byVendor((v) => VENDORS[v].keyName.en);

const MIN_KEY_LENGTH = 8;
const MAX_KEY_LENGTH = 4096;

/**
 * A key goes into an HTTP header, so it must be printable ASCII without spaces. Whitespace around a
 * pasted key is never part of it and is dropped; everything else wrong is refused, and the message
 * never repeats the value (it may be most of a real key).
 */
export function normalizeKey(vendor: VendorId, raw: string): string {
  const label = KEY_LABELS[vendor];
  const key = raw.trim();
  if (key === '') throw new AppError('invalid_input', `The ${label} is empty.`);
  if (/^bearer\s/i.test(key)) throw new AppError('invalid_input', `Paste the ${label} without the “Bearer ” in front of it.`);
  if (/\s/.test(key)) throw new AppError('invalid_input', `The ${label} contains spaces or line breaks; copy it again without them.`);
  if (!/^[\x21-\x7e]+$/.test(key)) {
    throw new AppError('invalid_input', `The ${label} contains characters a key never has; copy it again from the vendor’s page.`);
  }
  if (key.length < MIN_KEY_LENGTH) throw new AppError('invalid_input', `The ${label} is too short to be a real key.`);
  if (key.length > MAX_KEY_LENGTH) throw new AppError('invalid_input', `The ${label} is longer than ${MAX_KEY_LENGTH} characters.`);
  return key;
}

/** HiDream's optional API-User-ID header: any printable ASCII identifier. Empty means none. */
export function normalizeUserId(raw: string): string | undefined {
  const id = raw.trim();
  if (id === '') return undefined;
  if (!/^[\x21-\x7e]{1,256}$/.test(id)) {
    throw new AppError('invalid_input', 'The API-User-ID may contain only letters, digits and punctuation, without spaces.');
  }
  return id;
}

/** An http(s) origin or path prefix, without credentials, query or fragment; no trailing slash. */
export function normalizeBaseUrl(vendor: VendorId, raw: string): string {
  const label = `${VENDOR_NAMES[vendor]} base URL`;
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new AppError('invalid_input', `The ${label} is not a valid URL; it looks like ${DEFAULT_BASE_URLS[vendor]}.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new AppError('invalid_input', `The ${label} must start with https:// (or http://).`);
  if (url.username || url.password) throw new AppError('invalid_input', `The ${label} must not contain a user name or password.`);
  if (url.search || url.hash) throw new AppError('invalid_input', `The ${label} must not contain ? or #.`);
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new AppError('invalid_input', `The ${label} must start with https://; http:// is only for this computer (localhost, 127.0.0.1).`);
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

// ---- Where a key may be sent (kept apart from the field rules above) ---------------------------

/**
 * Hosts that never leave this computer: a key sent there in the clear (http://) crosses no network.
 * No other name is trusted to resolve to loopback (a resolver may answer anything for `x.localhost`).
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host === '::1') return true;
  return /^127(\.\d{1,3}){3}$/.test(host);
}

/** The host a key is sent to (scheme, name and port): changing it needs the key again. */
export function originOf(baseUrl: string): string {
  try {
    return new URL(baseUrl).origin;
  } catch {
    return baseUrl;
  }
}

/**
 * Cloudsway's per-deployment path segment(s). Stored without leading or trailing slashes; the vendor
 * client joins `{baseUrl}/{endpointPath}/video/...`. UNCERTAIN: the exact shape of an endpointPath is not
 * documented publicly, so only what could break a URL is refused.
 */
export function normalizeEndpointPath(raw: string): string {
  const path = raw.trim().replace(/^\/+|\/+$/g, '');
  if (path === '') throw new AppError('invalid_input', 'The Cloudsway endpoint path is empty; copy it from your Cloudsway deployment.');
  if (path.length > 512) throw new AppError('invalid_input', 'The Cloudsway endpoint path is longer than 512 characters.');
  const segments = path.split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..' || !/^[A-Za-z0-9._~-]+$/.test(s))) {
    throw new AppError('invalid_input', 'The Cloudsway endpoint path may contain only letters, digits, - _ . ~ and single slashes.');
  }
  return path;
}
