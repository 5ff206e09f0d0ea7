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

export function networkSentence(code: string, host: string): string | null {
  switch (code) {
    case 'ENOTFOUND':
      return `The server ${host} was not found. Check the address and your internet connection.`;
    case 'EAI_AGAIN':
      return `The address of ${host} could not be looked up right now. Check your internet connection.`;
    case 'ECONNREFUSED':
      return `${host} refused the connection. The service may be down, or the address or port is wrong.`;
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return `${host} did not respond in time. Check your internet connection.`;
    case 'ECONNRESET':
    case 'EPIPE':
    case 'ECONNABORTED':
    case 'UND_ERR_SOCKET':
      return `The connection to ${host} was cut off.`;
    case 'ENETUNREACH':
    case 'ENETDOWN':
    case 'EHOSTUNREACH':
    case 'EHOSTDOWN':
      return `${host} cannot be reached from this network. Check your internet connection.`;
    default:
      if (code === 'CERT_HAS_EXPIRED') return `The security certificate of ${host} has expired, so the connection was not trusted.`;
      if (CERTIFICATE_CODES.has(code) || code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_')) {
        return `The security certificate of ${host} could not be verified, so the connection was not trusted.`;
      }
      return null;
  }
}

/** The host of a URL or origin for messages, or the text itself when it is not a URL. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host || url;
  } catch {
    return url;
  }
}
