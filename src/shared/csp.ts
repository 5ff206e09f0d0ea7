/**
 * The one Content-Security-Policy of the renderer, used by the Electron host (response header on the
 * app protocol) and the browser shell. No inline or remote code; media only from the app itself or
 * the media protocol main hands out. Keep in step with the meta tag in src/renderer/index.html.
 */
export const MEDIA_SCHEME = 'promptreel-media';
export const APP_SCHEME = 'app';
export const APP_HOST = 'promptreel';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  `img-src 'self' data: blob: ${MEDIA_SCHEME}:`,
  `media-src 'self' blob: ${MEDIA_SCHEME}:`,
  "connect-src 'self'",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "object-src 'none'",
  "frame-ancestors 'none'",
].join('; ');
