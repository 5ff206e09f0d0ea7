import type { NetFailure, NetReason } from '@shared/errors';

/**
 * One plain sentence for a failed connection, naming the host. Node's own text ("getaddrinfo ENOTFOUND
 * example.com", "connect ECONNREFUSED 127.0.0.1:443") means nothing to most users; its code goes to the
 * log beside this sentence instead.
 */
const CERTIFICATE_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** The reason behind a connection error's system code; null for a code without plain words. */
export function networkReason(code: string): NetReason | null {
  switch (code) {
    case 'ENOTFOUND':
      return 'not_found';
    case 'EAI_AGAIN':
      return 'lookup_failed';
    case 'ECONNREFUSED':
      return 'refused';
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'no_response';
    case 'ECONNRESET':
    case 'EPIPE':
    case 'ECONNABORTED':
    case 'UND_ERR_SOCKET':
      return 'cut_off';
    case 'ENETUNREACH':
    case 'ENETDOWN':
    case 'EHOSTUNREACH':
    case 'EHOSTDOWN':
      return 'unreachable';
    default:
      if (code === 'CERT_HAS_EXPIRED') return 'cert_expired';
      if (CERTIFICATE_CODES.has(code) || code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_')) return 'cert_untrusted';
      return null;
  }
}

/** The English sentence of each reason (the app's own languages: the jobs locales' `errors.net`). */
const SENTENCES: Record<NetReason, (host: string) => string> = {
  not_found: (host) => `The server ${host} was not found. Check the address and your internet connection.`,
  lookup_failed: (host) => `The address of ${host} could not be looked up right now. Check your internet connection.`,
  refused: (host) => `${host} refused the connection. The service may be down, or the address or port is wrong.`,
  no_response: (host) => `${host} did not respond in time. Check your internet connection.`,
  cut_off: (host) => `The connection to ${host} was cut off.`,
  unreachable: (host) => `${host} cannot be reached from this network. Check your internet connection.`,
  cert_expired: (host) => `The security certificate of ${host} has expired, so the connection was not trusted.`,
  cert_untrusted: (host) => `The security certificate of ${host} could not be verified, so the connection was not trusted.`,
};

export function netSentence(failure: NetFailure): string {
  return SENTENCES[failure.reason](failure.host);
}

export function networkSentence(code: string, host: string): string | null {
  const reason = networkReason(code);
  return reason ? netSentence({ reason, host }) : null;
}

/** The host of a URL or origin for messages, or the text itself when it is not a URL. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host || url;
  } catch {
    return url;
  }
}
