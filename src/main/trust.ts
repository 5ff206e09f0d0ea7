import { APP_HOST, APP_SCHEME } from '@shared/csp';

/**
 * The Electron host's trust rules as plain functions (no `electron` import), so they are unit-tested
 * here and applied by main to every web contents it ever creates.
 */

/** The app's own origin in production: pages are served from `app://promptreel/`, never file://. */
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * The renderer dev server electron-vite names in `ELECTRON_RENDERER_URL`, if it may be trusted: never
 * in a packaged build (an environment variable must not turn a shipped app into a window on any
 * site), and in development only an http(s) origin on loopback.
 */
export function trustedDevServerUrl(envUrl: string | undefined, isPackaged: boolean): string | undefined {
  if (!envUrl || isPackaged) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(envUrl);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
  if (!LOOPBACK_HOSTS.has(parsed.hostname) || parsed.username || parsed.password) return undefined;
  return envUrl;
}

/**
 * Whether a frame URL belongs to the app. Only these frames may call main or navigate. In development
 * electron-vite's dev server origin is trusted too (see `trustedDevServerUrl`), and nothing else is.
 */
export function isTrustedUrl(url: string | undefined, devServerUrl?: string): boolean {
  if (!url) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (`${parsed.protocol}//${parsed.host}` === APP_ORIGIN) return true;
  if (devServerUrl) {
    const dev = new URL(devServerUrl);
    return parsed.origin === dev.origin && LOOPBACK_HOSTS.has(dev.hostname);
  }
  return false;
}

/** Links that may leave the app for the system browser. */
export function isExternalWebLink(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}

/**
 * The one set of webPreferences. Every option that widens the renderer's reach stays at its safe
 * value; the preload is the only bridge. `Auxclick` is off so a middle click cannot open a link
 * around the window-open handler.
 */
export const WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  spellcheck: false,
  disableBlinkFeatures: 'Auxclick',
} as const;

/** What Electron passes to navigation listeners: newer versions put the URL on the event itself. */
export interface NavigationEvent {
  preventDefault(): void;
  url?: string;
}

/** The part of Electron's WebContents the rules need; a real WebContents fits it. */
export interface GuardableContents {
  on(event: string, listener: (event: NavigationEvent, url?: string) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

export interface ContentsPolicy {
  devServerUrl?: string | undefined;
  /** Hands an http(s) link to the system browser. */
  openExternal(url: string): void;
}

/**
 * Applied to every web contents (windows, and anything a future feature or a bug creates): no
 * navigation or redirect of any frame away from the app, no <webview>, and no new windows (http(s)
 * links go to the system browser instead).
 */
export function lockDownContents(contents: GuardableContents, policy: ContentsPolicy): void {
  const guard = (event: NavigationEvent, url?: string): void => {
    if (!isTrustedUrl(event.url ?? url, policy.devServerUrl)) event.preventDefault();
  };
  contents.on('will-navigate', guard);
  contents.on('will-frame-navigate', guard);
  contents.on('will-redirect', guard);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isExternalWebLink(url)) policy.openExternal(url);
    return { action: 'deny' };
  });
}
