import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { isExternalWebLink, isTrustedUrl, lockDownContents, trustedDevServerUrl, WEB_PREFERENCES, type NavigationEvent } from '@main/trust';
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

describe('ELECTRON_RENDERER_URL', () => {
  it('is ignored in a packaged build, even on loopback', () => {
    expect(trustedDevServerUrl('http://localhost:5173', true)).toBeUndefined();
    expect(trustedDevServerUrl('http://127.0.0.1:5173', true)).toBeUndefined();
  });

  it('in development names only a loopback http(s) server', () => {
    expect(trustedDevServerUrl('http://localhost:5173', false)).toBe('http://localhost:5173');
    expect(trustedDevServerUrl('http://127.0.0.1:5173/', false)).toBe('http://127.0.0.1:5173/');
    expect(trustedDevServerUrl(undefined, false)).toBeUndefined();
    for (const foreign of ['https://evil.test', 'http://localhost.evil.test:5173', 'http://user:pw@localhost:5173', 'file:///tmp/index.html', 'javascript:alert(1)', 'nonsense']) {
      expect(trustedDevServerUrl(foreign, false), foreign).toBeUndefined();
    }
  });

  it('so a foreign origin named there is never trusted to call main', () => {
    const dev = trustedDevServerUrl('https://evil.test', false);
    expect(isTrustedUrl('https://evil.test/', dev)).toBe(false);
  });
});

/** Stands in for Electron's WebContents: an emitter plus the window-open handler slot. */
class FakeContents extends EventEmitter {
  openHandler: ((details: { url: string }) => { action: 'deny' }) | undefined;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void {
    this.openHandler = handler;
  }
  /** Emits a navigation the way Electron does; true when a listener prevented it. */
  navigate(event: string, url: string, urlOnEvent: boolean): boolean {
    let prevented = false;
    const navigation: NavigationEvent = { preventDefault: () => (prevented = true), ...(urlOnEvent ? { url } : {}) };
    this.emit(event, navigation, urlOnEvent ? undefined : url);
    return prevented;
  }
}

describe('every web contents is locked down', () => {
  const lockedDown = (devServerUrl?: string): { contents: FakeContents; opened: string[] } => {
    const contents = new FakeContents();
    const opened: string[] = [];
    lockDownContents(contents, { devServerUrl, openExternal: (url) => opened.push(url) });
    return { contents, opened };
  };

  it('blocks navigation and redirects of any frame away from the app', () => {
    const { contents } = lockedDown();
    for (const event of ['will-navigate', 'will-frame-navigate', 'will-redirect']) {
      for (const urlOnEvent of [true, false]) {
        expect(contents.navigate(event, 'https://evil.test/', urlOnEvent), event).toBe(true);
        expect(contents.navigate(event, 'file:///etc/passwd', urlOnEvent), event).toBe(true);
        expect(contents.navigate(event, 'app://promptreel/index.html', urlOnEvent), event).toBe(false);
      }
    }
  });

  it('allows the loopback dev server only when it was trusted', () => {
    expect(lockedDown('http://localhost:5173').contents.navigate('will-navigate', 'http://localhost:5173/', true)).toBe(false);
    expect(lockedDown().contents.navigate('will-navigate', 'http://localhost:5173/', true)).toBe(true);
  });

  it('refuses <webview> and every new window; http(s) links go to the system browser', () => {
    const { contents, opened } = lockedDown();
    let prevented = false;
    contents.emit('will-attach-webview', { preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
    for (const url of ['https://hidreamai.com/docs', 'javascript:alert(1)', 'file:///etc/passwd', 'app://promptreel/index.html']) {
      expect(contents.openHandler?.({ url }), url).toEqual({ action: 'deny' });
    }
    expect(opened).toEqual(['https://hidreamai.com/docs']);
  });

  it('with webPreferences that keep the renderer sandboxed and middle clicks off', () => {
    expect(WEB_PREFERENCES).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      disableBlinkFeatures: 'Auxclick',
    });
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
