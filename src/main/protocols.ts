import { net, protocol } from 'electron';
import { join, normalize, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { APP_HOST, APP_SCHEME, CONTENT_SECURITY_POLICY, MEDIA_SCHEME } from '@shared/csp';
import { mediaResponse, type MediaTarget } from './core/fs/serve';
import { APP_ORIGIN } from './trust';

/** Must run before `app.ready`: both schemes behave like https (secure, standard, fetchable). */
export function registerSchemes(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
    // corsEnabled: the renderer draws video frames from here into a canvas for posters (no tainting).
    { scheme: MEDIA_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true, corsEnabled: true } },
  ]);
}

function within(root: string, relative: string): string | undefined {
  const file = normalize(join(root, relative));
  return file === root || file.startsWith(root + sep) ? file : undefined;
}

/**
 * `app://promptreel/…` serves the built renderer; `promptreel-media://…` serves local media the
 * runtime resolves (library items, downloads). Nothing outside those roots is reachable.
 */
export function handleProtocols(rendererDir: string, resolveMedia: (path: string) => MediaTarget | undefined): void {
  const root = normalize(rendererDir);
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.host !== APP_HOST) return new Response('Not found', { status: 404 });
    let path: string;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      return new Response('Bad request', { status: 400 });
    }
    const relative = path === '/' ? 'index.html' : path.slice(1);
    const file = within(root, relative);
    if (!file) return new Response('Not found', { status: 404 });
    const response = await net.fetch(pathToFileURL(file).toString());
    const headers = new Headers(response.headers);
    headers.set('content-security-policy', CONTENT_SECURITY_POLICY);
    headers.set('x-content-type-options', 'nosniff');
    return new Response(response.body, { status: response.status, headers });
  });
  protocol.handle(MEDIA_SCHEME, async (request) => {
    const url = new URL(request.url);
    let pathname: string;
    try {
      pathname = decodeURIComponent(url.pathname);
    } catch {
      return new Response('Bad request', { status: 400 });
    }
    // Checked, opened and typed (by the file's own bytes) as by the browser shell's /media/ route.
    const response = await mediaResponse(resolveMedia(pathname), request);
    // Only the app's own page may read frames into a canvas (poster capture), not any origin.
    response.headers.set('access-control-allow-origin', APP_ORIGIN);
    response.headers.set('vary', 'origin');
    return response;
  });
}
