import { describe, expect, it } from 'vitest';
import { isExternalWebLink, isTrustedUrl } from '@main/trust';
import { createLogger, forgetSecret, redact, registerSecret } from '@main/core/log';

describe('isTrustedUrl', () => {
  it('trusts only the app origin, and the loopback dev server when one is set', () => {
    expect(isTrustedUrl('app://promptreel/index.html')).toBe(true);
    expect(isTrustedUrl('app://evil/index.html')).toBe(false);
    expect(isTrustedUrl('file:///tmp/index.html')).toBe(false);
    expect(isTrustedUrl('https://example.com')).toBe(false);
    expect(isTrustedUrl(undefined)).toBe(false);
    expect(isTrustedUrl('not a url')).toBe(false);
    expect(isTrustedUrl('http://localhost:5173/', 'http://localhost:5173')).toBe(true);
    expect(isTrustedUrl('http://localhost:5174/', 'http://localhost:5173')).toBe(false);
    expect(isTrustedUrl('http://localhost:5173/')).toBe(false);
  });

  it('sends only http(s) links to the system browser', () => {
    expect(isExternalWebLink('https://hidreamai.com')).toBe(true);
    expect(isExternalWebLink('file:///etc/passwd')).toBe(false);
    expect(isExternalWebLink('javascript:alert(1)')).toBe(false);
  });
});

describe('log redaction', () => {
  it('masks registered secrets and bearer tokens in every line', () => {
    const key = 'sk-live-0123456789abcdef';
    registerSecret(key);
    const lines: string[] = [];
    const log = createLogger({ sink: (l) => lines.push(l) });
    log.error('vendor said', { body: `invalid token ${key}`, header: 'Authorization: Bearer abcdefghijklmnop' });
    log.error('thrown', { error: new Error(`boom ${key}`) });
    const all = lines.join('\n');
    expect(all).not.toContain(key);
    expect(all).not.toContain('abcdefghijklmnop');
    expect(all).toContain('****cdef');
    forgetSecret(key);
    expect(redact(key)).toBe(key);
  });
});

describe('short secrets (an API-User-ID such as 4711)', () => {
  it('are masked as whole words only, and never shown in part', () => {
    registerSecret('4711');
    registerSecret('u-92');
    try {
      expect(redact('user 4711 has no quota; request 147112 took 4711ms')).toBe('user **** has no quota; request 147112 took 4711ms');
      expect(redact('{"user":"u-92"}')).toBe('{"user":"****"}');
      // Too short to tell apart from ordinary text: left alone.
      registerSecret('42');
      expect(redact('code 42')).toBe('code 42');
    } finally {
      forgetSecret('4711');
      forgetSecret('u-92');
    }
    expect(redact('user 4711')).toBe('user 4711');
  });
});
