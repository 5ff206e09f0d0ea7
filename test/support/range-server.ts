import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback file server that misbehaves on request: it honours Range / If-Range like a CDN, and each
 * request can take the next scripted fault (a cut mid-body, a stall, a status, a redirect, a drip).
 */
export type Fault =
  /** Headers and `after` body bytes, then the socket is destroyed. */
  | { kind: 'cut'; after: number }
  /** Headers and `after` body bytes, then silence until the client goes away or `release()`. */
  | { kind: 'stall'; after: number }
  | { kind: 'status'; status: number; headers?: Record<string, string> }
  | { kind: 'redirect'; location: string; status?: number }
  /** The body in `chunk`-byte pieces, one per `everyMs`. */
  | { kind: 'drip'; chunk: number; everyMs: number };

export interface Resource {
  body: Buffer;
  /** Default: a strong ETag from the body's hash; null sends none. */
  etag?: string | null;
  lastModified?: string | null;
  /** Default `video/mp4`; null sends none. */
  contentType?: string | null;
  /** Whether Range requests are answered with 206 (default true). */
  ranges?: boolean;
  /** Whether If-Range is honoured (default true); false acts like a server that ignores it. */
  ifRange?: boolean;
  /** No Content-Length: the body is sent chunked. */
  chunked?: boolean;
  /** Every request gets this status (403 for an expired signed link). */
  status?: number;
  faults?: Fault[];
}

export interface RecordedRequest {
  path: string;
  range: string | undefined;
  ifRange: string | undefined;
  headers: IncomingHttpHeaders;
}

export interface RangeServer {
  origin: string;
  url(path: string): string;
  set(path: string, resource: Resource): void;
  get(path: string): Resource | undefined;
  requests(path?: string): RecordedRequest[];
  /** Resolves when a `stall` fault has sent its bytes. */
  stalled(): Promise<void>;
  /** Ends every stalled response by cutting its socket. */
  release(): void;
  close(): Promise<void>;
}

export function etagOf(body: Buffer): string {
  return `"${createHash('sha1').update(body).digest('hex').slice(0, 16)}"`;
}

export function sha256(body: Buffer): string {
  return createHash('sha256').update(body).digest('hex');
}

export async function startRangeServer(): Promise<RangeServer> {
  const resources = new Map<string, Resource>();
  const recorded: RecordedRequest[] = [];
  const stalledResponses = new Set<ServerResponse>();
  let stallWaiters: (() => void)[] = [];

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const resource = resources.get(path);
    const range = req.headers.range;
    const ifRange = req.headers['if-range'] as string | undefined;
    recorded.push({ path, range, ifRange, headers: req.headers });
    if (!resource) {
      res.writeHead(404).end('no such file');
      return;
    }
    const fault = resource.faults?.shift();
    if (fault?.kind === 'status') {
      res.writeHead(fault.status, fault.headers).end(`status ${fault.status}`);
      return;
    }
    if (fault?.kind === 'redirect') {
      res.writeHead(fault.status ?? 302, { location: fault.location }).end();
      return;
    }
    if (resource.status) {
      res.writeHead(resource.status).end(`status ${resource.status}`);
      return;
    }

    const body = resource.body;
    const etag = resource.etag === undefined ? etagOf(body) : resource.etag;
    const headers: Record<string, string> = { 'accept-ranges': resource.ranges === false ? 'none' : 'bytes' };
    const contentType = resource.contentType === undefined ? 'video/mp4' : resource.contentType;
    if (contentType) headers['content-type'] = contentType;
    if (etag) headers['etag'] = etag;
    if (resource.lastModified) headers['last-modified'] = resource.lastModified;

    let start = 0;
    let status = 200;
    const match = /^bytes=(\d+)-$/.exec(range ?? '');
    const validatorMatches = ifRange === undefined || resource.ifRange === false || ifRange === etag || ifRange === resource.lastModified;
    if (match && resource.ranges !== false && validatorMatches) {
      start = Number(match[1]);
      if (start >= body.length) {
        res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
        return;
      }
      status = 206;
      headers['content-range'] = `bytes ${start}-${body.length - 1}/${body.length}`;
    }
    const slice = body.subarray(start);
    if (!resource.chunked) headers['content-length'] = String(slice.length);
    res.writeHead(status, headers);

    if (fault?.kind === 'cut') {
      res.write(slice.subarray(0, fault.after), () => res.socket?.destroy());
    } else if (fault?.kind === 'stall') {
      res.write(slice.subarray(0, fault.after), () => {
        stalledResponses.add(res);
        res.once('close', () => stalledResponses.delete(res));
        for (const wake of stallWaiters) wake();
        stallWaiters = [];
      });
    } else if (fault?.kind === 'drip') {
      let offset = 0;
      const timer = setInterval(() => {
        if (offset >= slice.length || res.destroyed) {
          clearInterval(timer);
          if (!res.destroyed) res.end();
          return;
        }
        res.write(slice.subarray(offset, offset + fault.chunk));
        offset += fault.chunk;
      }, fault.everyMs);
      res.once('close', () => clearInterval(timer));
    } else {
      res.end(slice);
    }
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    origin,
    url: (path) => `${origin}${path}`,
    set: (path, resource) => resources.set(path, resource),
    get: (path) => resources.get(path),
    requests: (path) => recorded.filter((r) => path === undefined || r.path === path),
    stalled: () => new Promise((resolve) => stallWaiters.push(resolve)),
    release: () => {
      for (const res of stalledResponses) res.socket?.destroy();
      stalledResponses.clear();
    },
    close: () =>
      new Promise((resolve) => {
        for (const res of stalledResponses) res.socket?.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
