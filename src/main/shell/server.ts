import { randomBytes, timingSafeEqual } from 'node:crypto';
import { open, readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import {
  SHELL_BRIDGE_PATH,
  SHELL_MEDIA_PATH,
  SHELL_TOKEN_PARAM,
  SHELL_TOKEN_PROTOCOL_PREFIX,
  SHELL_WS_PATH,
  SHELL_WS_PROTOCOL,
} from '@shared/ipc/channels';
import { CONTENT_SECURITY_POLICY } from '@shared/csp';
import type { Envelope } from '@shared/ipc';
import { POSTER_MAX_BASE64 } from '@shared/library';
import { STAGE_CHUNK_BYTES } from '@shared/files';
import type { Logger } from '../core/log';
import { mediaReply } from '../core/fs/serve';
import type { Runtime } from '../runtime';

export { byteRange } from '../core/fs/serve';

/**
 * The browser shell: the same renderer and the same runtime as the desktop app, joined by a WebSocket
 * instead of Electron IPC. It is a local-only development and test host, so it is locked down like a
 * local admin console: loopback only, Host/Origin checks against DNS rebinding and cross-site
 * WebSocket hijacking, and two per-run secrets that no other server ever sees. The API token goes from
 * the address's fragment into the page's sessionStorage and is offered only in the WebSocket
 * handshake; media URLs carry a separate media key in their path, which opens files and nothing else.
 * No cookie is set: a cookie for 127.0.0.1 would be sent to every other server on 127.0.0.1.
 */
export interface ShellSecrets {
  /** Opens the WebSocket, i.e. the whole API. */
  token: string;
  /** Opens `/media/<mediaKey>/…` (library files, posters, finished downloads) for reading. */
  mediaKey: string;
  /** What the runtime must be created with (`mediaUrlPrefix`) so its media URLs carry the media key. */
  mediaUrlPrefix: string;
}

export interface ShellOptions {
  /** Created with `mediaUrlPrefix: secrets.mediaUrlPrefix`. */
  runtime: Runtime;
  rendererDir: string;
  secrets: ShellSecrets;
  /** Preferred port; if it is taken another free one is used. 0 picks any. */
  port?: number;
}

export interface Shell {
  /** `http://127.0.0.1:<port>/#token=…`; `localhost` in place of the address works as well. */
  url: string;
  origin: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';

/**
 * The largest frame a page legitimately sends is `library.setPoster` with a poster at its limit
 * (POSTER_MAX_BASE64 of base64, which JSON carries unescaped) plus its small envelope; a staging chunk
 * is a third of that. Anything larger is refused with close code 1009 (Message Too Big).
 */
export const MAX_FRAME_BYTES = Math.max(POSTER_MAX_BASE64, Math.ceil(STAGE_CHUNK_BYTES / 3) * 4) + 16 * 1024;

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

const SECRET = /^[\w-]{16,200}$/;

/** A fresh token and media key for one run of the shell. */
export function createShellSecrets(): ShellSecrets {
  const mediaKey = randomBytes(24).toString('base64url');
  return { token: randomBytes(24).toString('base64url'), mediaKey, mediaUrlPrefix: `${SHELL_MEDIA_PATH}${mediaKey}/` };
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A refusal with the status and words the client gets; anything else thrown is a 500. */
class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function decodePath(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new HttpError(400, 'The address is not valid percent-encoding.');
  }
}

function requestUrl(req: IncomingMessage): URL {
  try {
    return new URL(req.url ?? '/', `http://${HOST}`);
  } catch {
    throw new HttpError(400, 'The address cannot be read.');
  }
}

/** The token a WebSocket handshake offers as a `promptreel.token.<token>` subprotocol. */
function offeredToken(req: IncomingMessage): string | undefined {
  for (const protocol of (req.headers['sec-websocket-protocol'] ?? '').split(',')) {
    const trimmed = protocol.trim();
    if (trimmed.startsWith(SHELL_TOKEN_PROTOCOL_PREFIX)) return trimmed.slice(SHELL_TOKEN_PROTOCOL_PREFIX.length);
  }
  return undefined;
}

/**
 * The one way a request handler is attached: whatever it throws or rejects with becomes an answer
 * (its HttpError's status, else 500), or a closed connection when the headers are already out, so no
 * request can take the process down.
 */
export function answerEveryRequest(
  handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
  log: Logger,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    let done: Promise<void>;
    try {
      done = handler(req, res);
    } catch (error) {
      done = Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    done.catch((error: unknown) => {
      if (res.headersSent) {
        // Mostly a player that stopped reading (seeking aborts its range request): nothing to answer.
        log.debug('shell: response cut short', { method: req.method, error });
        res.destroy();
        return;
      }
      const status = error instanceof HttpError ? error.status : 500;
      if (status >= 500) log.error('shell: request failed', { method: req.method, error });
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`${error instanceof HttpError ? error.message : 'The shell could not answer this request.'}\n`);
    });
  };
}

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

function frameText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return (data instanceof ArrayBuffer ? Buffer.from(data) : data).toString('utf8');
}

function refusal(message: string): Envelope<never> {
  return { ok: false, error: { kind: 'invalid_input', message } };
}

export async function startShell(options: ShellOptions): Promise<Shell> {
  const { runtime, secrets } = options;
  const { token, mediaKey } = secrets;
  if (!SECRET.test(token) || !SECRET.test(mediaKey)) throw new Error('The shell token and media key must be 16–200 characters of [A-Za-z0-9_-].');
  const log = runtime.log.child('shell');
  const rendererRoot = normalize(options.rendererDir);
  let allowedHosts = new Set<string>();
  let allowedOrigins = new Set<string>();

  /** Host and Origin checks shared by HTTP and WebSocket requests (DNS rebinding, foreign pages). */
  const checkPeer = (req: IncomingMessage): void => {
    if (!allowedHosts.has(req.headers.host ?? '')) throw new HttpError(403, 'Forbidden.');
    const requestOrigin = req.headers.origin;
    if (requestOrigin !== undefined && !allowedOrigins.has(requestOrigin)) throw new HttpError(403, 'Forbidden.');
  };

  const sendFile = async (req: IncomingMessage, res: ServerResponse, file: string, inject: boolean): Promise<void> => {
    const type = MIME[extname(file)] ?? 'application/octet-stream';
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) throw new HttpError(404, 'Not found.');
    if (inject) {
      const html = await readFile(file, 'utf8');
      // Module scripts run in document order, so the bridge defines window.api before the app starts.
      const withBridge = html.replace('<script', `<script type="module" src="${SHELL_BRIDGE_PATH}"></script>\n    <script`);
      res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : withBridge);
      return;
    }
    const handle = await open(file, 'r');
    try {
      res.writeHead(200, { 'content-type': type, 'content-length': info.size });
      if (req.method === 'HEAD') res.end();
      else await pipeline(handle.createReadStream({ autoClose: false }), res);
    } finally {
      await handle.close();
    }
  };

  /**
   * A library file by item id (`/<id>`, `/<id>/poster`) or a finished download (`/download/<id>`),
   * with single-range support for seeking. The file is opened once and its own bytes name its type.
   */
  const sendMedia = async (req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> => {
    // Checked, opened and typed in one place for both media routes (see core/fs/serve.ts).
    const reply = await mediaReply(runtime.resolveMedia(pathname), { method: req.method ?? 'GET', range: req.headers.range });
    if (reply.status === 404) throw new HttpError(404, 'Not found.');
    res.writeHead(reply.status, reply.headers);
    if (reply.body) await pipeline(reply.body, res);
    else res.end();
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    res.setHeader('content-security-policy', CONTENT_SECURITY_POLICY);
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    res.setHeader('x-frame-options', 'DENY');
    const url = requestUrl(req);
    checkPeer(req);
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'Only GET and HEAD are served.');
    if (url.pathname.startsWith(SHELL_MEDIA_PATH)) {
      // `/media/<media key>/<what>`; the key is compared before the rest is even decoded.
      const rest = url.pathname.slice(SHELL_MEDIA_PATH.length);
      const slash = rest.indexOf('/');
      if (slash < 0 || !sameSecret(rest.slice(0, slash), mediaKey)) throw new HttpError(403, 'Forbidden.');
      await sendMedia(req, res, decodePath(rest.slice(slash)));
      return;
    }
    const path = decodePath(url.pathname);
    // The page and its code carry no secret; the token that opens the API stays in the page's fragment.
    const relative = path === '/' ? 'index.html' : path.slice(1);
    const file = normalize(join(rendererRoot, relative));
    if (file !== rendererRoot && !file.startsWith(rendererRoot + sep)) throw new HttpError(404, 'Not found.');
    await sendFile(req, res, file, relative === 'index.html');
  };

  const server = createServer(answerEveryRequest(handle, log));

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_FRAME_BYTES,
    // Only our protocol is ever echoed back; the token subprotocol is read, never selected.
    handleProtocols: (protocols) => (protocols.has(SHELL_WS_PROTOCOL) ? SHELL_WS_PROTOCOL : false),
  });
  const sockets = new Set<WebSocket>();

  const reply = (ws: WebSocket, id: number | null, envelope: Envelope<unknown>): void => {
    if (ws.readyState !== ws.OPEN) return;
    let frame: string;
    try {
      frame = JSON.stringify({ id, envelope });
    } catch (error) {
      log.error('shell: reply could not be serialized', { error });
      frame = JSON.stringify({ id, envelope: { ok: false, error: { kind: 'internal', message: 'The answer could not be sent.' } } });
    }
    ws.send(frame);
  };

  /** Every frame gets an answer: a dispatcher envelope, or a refusal naming what was wrong with it. */
  const onFrame = (ws: WebSocket, peer: string, data: RawData): void => {
    let frame: unknown;
    try {
      frame = JSON.parse(frameText(data));
    } catch {
      log.warn('shell: unparsable frame', { peer });
      reply(ws, null, refusal('A frame must be JSON: { "id": <number>, "name": <string>, "input": … }.'));
      return;
    }
    const id = typeof frame === 'object' && frame !== null && 'id' in frame && typeof frame.id === 'number' ? frame.id : null;
    if (id === null || typeof frame !== 'object' || frame === null) {
      reply(ws, null, refusal('A frame must be a JSON object with a numeric "id".'));
      return;
    }
    const { name, input } = frame as { name?: unknown; input?: unknown };
    runtime
      .dispatch({ name, input }, { origin: peer })
      .catch((error: unknown): Envelope<unknown> => {
        log.error('shell: dispatch failed', { peer, error });
        return { ok: false, error: { kind: 'internal', message: 'The request failed inside Promptreel.' } };
      })
      .then((envelope) => reply(ws, id, envelope))
      .catch((error: unknown) => log.error('shell: reply failed', { peer, error }));
  };

  const refuseUpgrade = (socket: Socket, status: number): void => {
    const reason = status === 400 ? 'Bad Request' : status === 401 ? 'Unauthorized' : status === 404 ? 'Not Found' : status === 403 ? 'Forbidden' : 'Internal Server Error';
    socket.end(`HTTP/1.1 ${status} ${reason}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
  };

  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    // A reset during the handshake must not become an unhandled 'error'.
    socket.on('error', () => socket.destroy());
    try {
      const url = requestUrl(req);
      if (url.pathname !== SHELL_WS_PATH) throw new HttpError(404, 'Not found.');
      checkPeer(req);
      // A browser always sends Origin on a WebSocket handshake; a missing one is not our page.
      if (req.headers.origin === undefined) throw new HttpError(403, 'Forbidden.');
      const given = offeredToken(req);
      if (!given) throw new HttpError(401, 'Missing token.');
      if (!sameSecret(given, token)) throw new HttpError(403, 'Forbidden.');
      wss.handleUpgrade(req, socket, head, (ws) => {
        sockets.add(ws);
        const peer = `ws:${req.socket.remotePort ?? '?'}`;
        ws.on('close', () => sockets.delete(ws));
        // ws closes the socket itself (1009 too big, 1007 invalid UTF-8, 1002 protocol); we only note it.
        ws.on('error', (error) => log.warn('shell: WebSocket closed on a bad frame', { peer, error: error.message }));
        ws.on('message', (data: RawData) => {
          try {
            onFrame(ws, peer, data);
          } catch (error) {
            log.error('shell: frame failed', { peer, error });
            reply(ws, null, { ok: false, error: { kind: 'internal', message: 'The frame could not be handled.' } });
          }
        });
      });
    } catch (error) {
      const status = error instanceof HttpError ? error.status : 500;
      if (status >= 500) log.error('shell: upgrade failed', { error });
      refuseUpgrade(socket, status);
    }
  });

  const unsubscribe = runtime.events.subscribe((name, payload) => {
    let frame: string;
    try {
      frame = JSON.stringify({ event: { name, payload } });
    } catch (error) {
      log.error('shell: event could not be serialized', { name, error });
      return;
    }
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
  // After listening, a server error (e.g. out of file descriptors on accept) is logged, not fatal.
  server.on('error', (error) => log.error('shell: server error', { error }));
  const origin = `http://${HOST}:${port}`;
  // Both names of loopback; sessionStorage is per origin, so each keeps its own copy of the token.
  allowedHosts = new Set([`${HOST}:${port}`, `localhost:${port}`]);
  allowedOrigins = new Set([origin, `http://localhost:${port}`]);

  return {
    url: `${origin}/#${SHELL_TOKEN_PARAM}=${token}`,
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
