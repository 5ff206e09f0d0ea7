import { describe, expect, it } from 'vitest';
import { classifyError } from '@main/core/downloads/transfer';
import { createLogger } from '@main/core/log';
import { networkSentence } from '@main/core/net/words';

function systemError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('network failures in plain words', () => {
  it('names the host for each common failure and never shows the system code', () => {
    const cases: [string, RegExp][] = [
      ['ENOTFOUND', /^The server example\.com was not found\. Check the address/],
      ['ECONNREFUSED', /^example\.com refused the connection\./],
      ['ETIMEDOUT', /^example\.com did not respond in time\./],
      ['ECONNRESET', /^The connection to example\.com was cut off\.$/],
      ['CERT_HAS_EXPIRED', /^The security certificate of example\.com has expired/],
      ['DEPTH_ZERO_SELF_SIGNED_CERT', /^The security certificate of example\.com could not be verified/],
      ['ERR_TLS_CERT_ALTNAME_INVALID', /^The security certificate of example\.com could not be verified/],
    ];
    for (const [code, words] of cases) {
      const sentence = networkSentence(code, 'example.com');
      expect(sentence, code).toMatch(words);
      expect(sentence, code).not.toContain(code);
    }
    expect(networkSentence('EWHATEVER', 'example.com')).toBeNull();
  });

  it('a download from a host that does not exist says so, not "getaddrinfo ENOTFOUND example.com"', () => {
    const error = classifyError(systemError('ENOTFOUND', 'getaddrinfo ENOTFOUND example.com'), new AbortController().signal, 'https://example.com/a.mp4');
    expect(error.reason).toBe('network');
    expect(error.message).toBe('The server example.com was not found. Check the address and your internet connection.');
    expect(error.code).toBe('ENOTFOUND');
    const certificate = classifyError(systemError('CERT_HAS_EXPIRED', 'certificate has expired'), new AbortController().signal, 'https://cdn.example.com:8443/x');
    expect(certificate.message).toMatch(/^The security certificate of cdn\.example\.com:8443 has expired/);
  });

  it('keeps the code and the cause in the log', () => {
    const lines: string[] = [];
    const log = createLogger({ sink: (line) => lines.push(line) });
    log.warn('failed', { error: new Error('Could not connect to HiDream.', { cause: systemError('ENOTFOUND', 'getaddrinfo ENOTFOUND example.com') }) });
    const record = JSON.parse(lines[0] ?? '{}') as { error: { cause: { code: string; message: string } } };
    expect(record.error.cause).toMatchObject({ code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND example.com' });
  });
});

describe('network failure reasons in data', () => {
  it('codes each known failure so the app can word it in the user’s language, and the English sentence is the same', async () => {
    const { networkReason, netSentence } = await import('@main/core/net/words');
    expect(networkReason('ENOTFOUND')).toBe('not_found');
    expect(networkReason('ECONNREFUSED')).toBe('refused');
    expect(networkReason('UND_ERR_SOCKET')).toBe('cut_off');
    expect(networkReason('ERR_TLS_CERT_ALTNAME_INVALID')).toBe('cert_untrusted');
    expect(networkReason('EWHATEVER')).toBeNull();
    expect(netSentence({ reason: 'refused', host: 'example.com' })).toBe(networkSentence('ECONNREFUSED', 'example.com'));
  });
});
