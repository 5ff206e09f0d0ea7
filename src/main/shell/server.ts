import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { WebSocketServer, type WebSocket } from 'ws';
import { SHELL_BRIDGE_PATH, SHELL_TOKEN_COOKIE, SHELL_WS_PATH } from '@shared/ipc/channels';
import { CONTENT_SECURITY_POLICY } from '@shared/csp';
import { mediaReply } from '../core/fs/serve';
import type { Runtime } from '../runtime';

export { byteRange } from '../core/fs/serve';

/**
 * The browser shell: the same renderer and the same runtime as the desktop app, joined by a WebSocket
 * instead of Electron IPC. It is a local-only development and test host, so it is locked down like a
 * local admin console: loopback only, a per-run token, and strict Host/Origin checks against DNS
 * rebinding and cross-site WebSocket hijacking.
 */
export interface ShellOptions {
  runtime: Runtime;
  rendererDir: string;
  /** Preferred port; if it is taken another free one is used. 0 picks any. */
  port?: number;
  token?: string;
}

export interface Shell {
  url: string;
  origin: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';
const MAX_FRAME_BYTES = 1024 * 1024;

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
};

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookieToken(req: IncomingMessage): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === SHELL_TOKEN_COOKIE) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

const MEDIA_PATH = '/media/';

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      reject(error);
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, HOST);
  });
}

export async function startShell(options: ShellOptions): Promise<Shell> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const { runtime } = options;
  const log = runtime.log.child('shell');
  const rendererRoot = normalize(options.rendererDir);
  let origin = '';
  let allowedHosts = new Set<string>();

  /** Host and Origin guard shared by HTTP and WebSocket requests; returns an HTTP status or 0. */
  const guard = (req: IncomingMessage, url: URL): number => {
    if (!allowedHosts.has(req.headers.host ?? '')) return 403;
    const requestOrigin = req.headers.origin;
    if (requestOrigin !== undefined && requestOrigin !== origin) return 403;
    const given = url.searchParams.get('token') ?? cookieToken(req);
    if (!given) return 401;
    return sameSecret(given, token) ? 0 : 403;
  };

  const sendFile = async (res: ServerResponse, file: string, inject: boolean): Promise<void> => {
    const type = MIME[extname(file)] ?? 'application/octet-stream';
    if (inject) {
      const html = await readFile(file, 'utf8');
      // Module scripts run in document order, so the bridge defines window.api before the app starts.
      const withBridge = html.replace('<script', `<script type="module" src="${SHELL_BRIDGE_PATH}"></script>\n    <script`);
      res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(withBridge);
      return;
    }
    const info = await stat(file);
    res.writeHead(200, { 'content-type': type, 'content-length': info.size });
    createReadStream(file).pipe(res);
  };

  /** A library file by item id (`/media/<id>`, `/media/<id>/poster`), with single-range support for seeking. */
  const sendMedia = async (req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> => {
    const reply = await mediaReply(runtime.resolveMedia(pathname), { method: req.method ?? 'GET', range: req.headers.range });
    res.writeHead(reply.status, reply.headers);
    if (reply.status === 404) res.end('Not found.\n');
    else if (reply.body) await pipeline(reply.body, res).catch(() => undefined);
    else res.end();
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', origin || `http://${HOST}`);
    const status = guard(req, url);
    res.setHeader('content-security-policy', CONTENT_SECURITY_POLICY);
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    res.setHeader('x-frame-options', 'DENY');
    if (status !== 0) {
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(status === 401 ? 'Missing token: open the URL printed by `npm start`.\n' : 'Forbidden.\n');
      return;
    }
    if (url.searchParams.has('token')) {
      // Trade the token in the URL for an HttpOnly cookie, then drop it from the address bar.
      url.searchParams.delete('token');
      res.writeHead(302, {
        'set-cookie': `${SHELL_TOKEN_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`,
        location: `${url.pathname}${url.search}`,
      });
      res.end();
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
      return;
    }
    if (url.pathname.startsWith(MEDIA_PATH)) {
      sendMedia(req, res, decodeURIComponent(url.pathname.slice(MEDIA_PATH.length - 1))).catch((error: unknown) => {
        log.warn('shell: media request failed', { path: url.pathname, error });
        if (!res.headersSent) res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
        res.end();
      });
      return;
    }
    const relative = decodeURIComponent(url.pathname) === '/' ? 'index.html' : decodeURIComponent(url.pathname).slice(1);
    const file = normalize(join(rendererRoot, relative));
    if (file !== rendererRoot && !file.startsWith(rendererRoot + sep)) {
      res.writeHead(404).end();
      return;
    }
    sendFile(res, file, relative === 'index.html').catch(() => {
      if (!res.headersSent) res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Not found.\n');
    });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  const sockets = new Set<WebSocket>();

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', origin);
    const status = url.pathname === SHELL_WS_PATH ? guard(req, url) : 404;
    // A browser always sends Origin on a WebSocket handshake; a missing one is not our page.
    if (status !== 0 || req.headers.origin !== origin) {
      socket.end(`HTTP/1.1 ${status === 401 ? '401 Unauthorized' : status === 404 ? '404 Not Found' : '403 Forbidden'}\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      const peer = `ws:${req.socket.remotePort ?? '?'}`;
      ws.on('close', () => sockets.delete(ws));
      ws.on('message', (data: Buffer) => {
        let frame: { id?: unknown; name?: unknown; input?: unknown };
        try {
          frame = JSON.parse(data.toString('utf8')) as typeof frame;
        } catch {
          log.warn('shell: unparsable frame', { peer });
          return;
        }
        if (typeof frame.id !== 'number') return;
        const id = frame.id;
        void runtime.dispatch({ name: frame.name, input: frame.input }, { origin: peer }).then((envelope) => {
          if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ id, envelope }));
        });
      });
    });
  });

  const unsubscribe = runtime.events.subscribe((name, payload) => {
    const frame = JSON.stringify({ event: { name, payload } });
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(frame);
  });

  let port: number;
  try {
    port = await listen(server, options.port ?? 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    log.info('shell: preferred port in use, picking another', { port: options.port });
    port = await listen(server, 0);
  }
  origin = `http://${HOST}:${port}`;
  allowedHosts = new Set([`${HOST}:${port}`, `localhost:${port}`]);

  return {
    url: `${origin}/?token=${token}`,
    origin,
    port,
    token,
    close: async () => {
      unsubscribe();
      for (const ws of sockets) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
