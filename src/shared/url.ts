/**
 * "Is this a URL a vendor can fetch from the internet?" — the one answer, for every field that hands a
 * URL to a vendor (Haiper's `sourceImage`/`sourceVideo`, HiDream's `video_name`). A vendor cannot reach
 * a loopback, private, link-local or `.local` host, but it may still bill the submission it fails on, so
 * such a URL is refused before anything is sent. Pure: no DNS lookups (a public name that resolves to a
 * private address is the vendor's problem to report, and we cannot know what it resolves to for them).
 */

export type PublicUrlProblem = 'not_url' | 'not_http' | 'credentials' | 'loopback' | 'private' | 'link_local' | 'local_name' | 'unspecified';

export type PublicUrlCheck = { ok: true; url: URL } | { ok: false; problem: PublicUrlProblem; message: string };

export interface PublicUrlOptions {
  /**
   * Loopback hosts are accepted (the built-in sandbox vendor serves its results on 127.0.0.1 and can
   * fetch them itself; a real vendor never can).
   */
  allowLoopback?: boolean;
}

function ipv4(host: string): number[] | null {
  const parts = host.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p))) return null;
  const bytes = parts.map(Number);
  return bytes.every((b) => b <= 255) ? bytes : null;
}

function classifyIpv4([a = 0, b = 0]: number[]): PublicUrlProblem | null {
  if (a === 127) return 'loopback';
  if (a === 0) return 'unspecified';
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127)) return 'private';
  if (a === 169 && b === 254) return 'link_local';
  return null;
}

function classifyIpv6(host: string): PublicUrlProblem | null {
  const h = host.toLowerCase();
  if (h === '::1') return 'loopback';
  if (h === '::') return 'unspecified';
  // IPv4-mapped (::ffff:a.b.c.d; the URL parser writes it as ::ffff:xxxx:xxxx).
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(h);
  if (mapped) {
    const hi = parseInt(mapped[1] ?? '0', 16);
    const lo = parseInt(mapped[2] ?? '0', 16);
    return classifyIpv4([hi >> 8, hi & 255, lo >> 8, lo & 255]);
  }
  if (/^f[cd][0-9a-f]{0,2}:/.test(h)) return 'private';
  if (/^fe[89ab][0-9a-f]?:/.test(h)) return 'link_local';
  return null;
}

const WORDS: Record<PublicUrlProblem, string> = {
  not_url: 'is not a valid URL',
  not_http: 'must be an http(s) URL',
  credentials: 'must not contain a user name or password',
  loopback: 'points at this computer (a loopback address), which the vendor cannot reach',
  private: 'points at a private network address, which the vendor cannot reach',
  link_local: 'points at a link-local address, which the vendor cannot reach',
  local_name: 'names a host on the local network (a .local name or one without a domain), which the vendor cannot reach',
  unspecified: 'has no usable host (0.0.0.0 or ::)',
};

/** Checks `value`; `what` names the field in the message (e.g. `config.sourceVideo`). */
export function checkPublicUrl(value: string, what = 'The URL', options: PublicUrlOptions = {}): PublicUrlCheck {
  const fail = (problem: PublicUrlProblem): PublicUrlCheck => ({
    ok: false,
    problem,
    message: `${what} ${WORDS[problem]}${problem === 'not_url' || problem === 'not_http' ? '' : '; give a public http(s) link'}.`,
  });
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return fail('not_url');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return fail('not_http');
  if (url.username || url.password) return fail('credentials');
  const host = url.hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
  let problem: PublicUrlProblem | null;
  const v4 = ipv4(host);
  if (v4) problem = classifyIpv4(v4);
  else if (host.includes(':')) problem = classifyIpv6(host);
  else if (host === 'localhost' || host.endsWith('.localhost')) problem = 'loopback';
  else if (host.endsWith('.local') || !host.includes('.')) problem = 'local_name';
  else problem = null;
  if (problem === 'loopback' && options.allowLoopback) problem = null;
  return problem ? fail(problem) : { ok: true, url };
}

/** True when `value` is an http(s) URL a vendor on the internet could fetch. */
export function isPublicHttpUrl(value: string, options: PublicUrlOptions = {}): boolean {
  return checkPublicUrl(value, 'The URL', options).ok;
}

/**
 * A vendor served from this computer (the built-in sandbox, `npm run sandbox`) can fetch loopback URLs,
 * such as its own results; no real vendor can.
 */
export function isLoopbackOrigin(url: URL): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Whether a configured base URL points at this computer (false for anything that is not a URL). */
export function isLoopbackBaseUrl(baseUrl: string): boolean {
  return URL.canParse(baseUrl) && isLoopbackOrigin(new URL(baseUrl));
}

/**
 * Whether a value is an absolute http(s) URL at all (any host). Which hosts a vendor can reach is
 * `checkPublicUrl`'s question.
 */
export function isHttpUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const { protocol } = new URL(value);
  return protocol === 'http:' || protocol === 'https:';
}
