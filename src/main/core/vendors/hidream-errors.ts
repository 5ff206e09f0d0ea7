import type { ErrorKind } from '@shared/errors';

/**
 * What a HiDream `code != 0` means, decided by the code alone. HiDream publishes no table of codes, so
 * every entry says where it comes from; a code not listed here is an unknown refusal: the job fails
 * showing HiDream's own words (never a vendor-wide pause, never an endless requeue). Messages are not
 * read for meaning: "prompt is too long: at most 77 tokens" mentions tokens and is not about the key.
 *
 * Auth is an HTTP 401/403 (see `statusError`) or one of the auth codes below.
 */
export interface HidreamCodeEntry {
  kind: Extract<ErrorKind, 'auth' | 'rate_limit' | 'validation' | 'vendor'>;
  /** Words for the job when HiDream's own message is empty. */
  meaning: string;
}

export const HIDREAM_CODES: Readonly<Record<number, HidreamCodeEntry>> = {
  // Gateways in front of the API echo the HTTP status in `code` on a refused token (the 401 body the
  // sandbox sends mirrors it); only ever read together with a 200, where the status said nothing.
  401: { kind: 'auth', meaning: 'the token was refused' },
  403: { kind: 'auth', meaning: 'the token may not use this API' },
  // UNCERTAIN: the sandbox's code for a parameter the vendor refused (its page lists no codes). A
  // refusal of this job's input: it fails, the user edits it.
  1001: { kind: 'validation', meaning: 'a parameter was refused' },
  // UNCERTAIN: the sandbox's code for an expired token. The vendor's older docs say an expired token
  // "shows up as an auth error on submit and on polling"; this is the code we model that with.
  1002: { kind: 'auth', meaning: 'the token expired' },
  // UNCERTAIN: the sandbox's codes for "over the per-minute limit" and "over the concurrency limit".
  // The vendor documents the limits ("over a limit the API rejects the submission") but not the codes.
  1012: { kind: 'rate_limit', meaning: 'over the per-minute task limit' },
  1013: { kind: 'rate_limit', meaning: 'over the concurrent task limit' },
  // Observed live: a retired model version. Final for this job.
  2031: { kind: 'vendor', meaning: 'the model version is retired' },
};

/** The entry for `code`, or an unknown refusal (`vendor`: the job fails with HiDream's words). */
export function hidreamCodeKind(code: number): HidreamCodeEntry['kind'] {
  return HIDREAM_CODES[code]?.kind ?? 'vendor';
}
