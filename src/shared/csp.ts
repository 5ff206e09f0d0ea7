/**
 * The one Content-Security-Policy of the renderer, used by the Electron host (response header on the
 * app protocol) and the browser shell. No inline or remote code. Media comes from the app itself, the
 * media protocol main hands out, blobs (a dropped clip's preview) and — for a result shown before it is
 * downloaded — the vendor's https URL or the loopback sandbox. Media cannot run code, so this widens
 * nothing but what a <video>/<img> may display. Keep in step with the meta tag in src/renderer/index.html.
 */
export const MEDIA_SCHEME = 'promptreel-media';
export const APP_SCHEME = 'app';
export const APP_HOST = 'promptreel';

/** Remote results before download: vendors' CDNs (https) and the sandbox vendor on loopback. */
const REMOTE_MEDIA = 'https: http://127.0.0.1:*';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  `img-src 'self' data: blob: ${MEDIA_SCHEME}: ${REMOTE_MEDIA}`,
  `media-src 'self' blob: ${MEDIA_SCHEME}: ${REMOTE_MEDIA}`,
  "connect-src 'self'",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "object-src 'none'",
  "frame-ancestors 'none'",
].join('; ');
