import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { OPERATIONS, type OperationId, type Params } from '@shared/catalog';

export const MEDIA_PREFIX = '/sandbox-media/';

/**
 * The sample clips and images (see scripts/make-sandbox-media.sh). Found next to the code in a checkout
 * or a build (`resources/sandbox` a few levels up), or in a packaged app's resources folder.
 */
export function defaultMediaDir(): string {
  const candidates: string[] = [];
  let dir = import.meta.dirname;
  for (let i = 0; i < 5; i++) {
    candidates.push(join(dir, 'resources', 'sandbox'));
    dir = dirname(dir);
  }
  const packaged = (process as { resourcesPath?: string }).resourcesPath;
  if (packaged) candidates.push(join(packaged, 'sandbox'), join(packaged, 'resources', 'sandbox'));
  const found = candidates.find((c) => existsSync(join(c, 'source-clip.mp4')));
  if (!found) throw new Error(`The sandbox's sample media were not found (looked in ${candidates.join(', ')}).`);
  return found;
}

/** Which sample file answers an operation with these params. */
export function mediaFileFor(operation: OperationId, params: Params): string {
  const setting = (key: string): string => {
    const settings = params['settings'] as Record<string, unknown> | undefined;
    const value = key.startsWith('settings.') ? settings?.[key.slice('settings.'.length)] : params[key];
    return typeof value === 'string' ? value : '';
  };
  // An operation that restyles a given video answers with the restyled sample.
  if (OPERATIONS[operation].fileField) return 'hidream-stylize.mp4';
  switch (operation) {
    case 'hidream.txt2video':
      return `hidream-video-${setting('resolution').replace('*', 'x')}.mp4`;
    case 'hidream.txt2img':
      return `hidream-image-${setting('resolution').replace('*', 'x')}.jpg`;
    case 'haiper.generate':
      return `haiper-${setting('settings.aspectRatio').replace(':', 'x')}.mp4`;
    case 'haiper.upscale':
      return 'haiper-upscale.mp4';
    case 'haiper.extend':
      return 'haiper-extend.mp4';
    default:
      return 'hidream-stylize.mp4';
  }
}

interface MediaFile {
  data: Buffer;
  etag: string;
  lastModified: string;
  type: string;
}

const TYPES: Record<string, string> = { mp4: 'video/mp4', jpg: 'image/jpeg', png: 'image/png' };

/**
 * Serves the sample media the way a CDN serves signed result URLs: each URL carries its expiry and an
 * HMAC, answers 403 once expired or tampered with, and supports HEAD, Range (206/416), If-Range, ETag
 * and Last-Modified, so a download manager can be tested for real against it.
 */
export class MediaStore {
  private readonly secret = randomBytes(32);
  private readonly cache = new Map<string, MediaFile>();
  requests = 0;

  constructor(
    private readonly dir: string,
    private readonly now: () => number,
  ) {
    for (const name of ['source-clip.mp4', 'hidream-stylize.mp4']) {
      if (!existsSync(join(dir, name))) throw new Error(`Sandbox media missing: ${join(dir, name)}`);
    }
  }

  private signature(path: string, expires: number): string {
    return createHmac('sha256', this.secret).update(`${path}\n${expires}`).digest('hex').slice(0, 32);
  }

  /** A URL path (origin-relative) for one output, valid until `expires`. */
  url(origin: string, taskId: string, index: number, file: string, expires: number): string {
    const path = `${MEDIA_PREFIX}${encodeURIComponent(taskId)}/${index}/${file}`;
    return `${origin}${path}?exp=${expires}&sig=${this.signature(path, expires)}`;
  }

  private load(name: string): MediaFile | null {
    const cached = this.cache.get(name);
    if (cached) return cached;
    if (!/^[a-z0-9-]+\.(mp4|jpg|png)$/.test(name)) return null;
    const path = resolve(this.dir, name);
    if (!existsSync(path)) return null;
    const data = readFileSync(path);
    const file: MediaFile = {
      data,
      etag: `"${createHash('sha1').update(data).digest('hex').slice(0, 20)}"`,
      lastModified: statSync(path).mtime.toUTCString(),
      type: TYPES[name.split('.').pop() ?? ''] ?? 'application/octet-stream',
    };
    this.cache.set(name, file);
    return file;
  }

  serve(req: IncomingMessage, res: ServerResponse, url: URL): void {
    this.requests++;
    const denied = (message: string): void => {
      // What S3-style CDNs answer for an expired or invalid signed URL.
      const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>${message}</Message></Error>`;
      res.writeHead(403, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const expires = Number(url.searchParams.get('exp'));
    const given = Buffer.from(url.searchParams.get('sig') ?? '');
    const expected = Buffer.from(this.signature(url.pathname, expires));
    if (!Number.isFinite(expires) || given.length !== expected.length || !timingSafeEqual(given, expected)) {
      denied('Invalid signature');
      return;
    }
    if (this.now() >= expires) {
      denied('Request has expired');
      return;
    }
    const file = this.load(url.pathname.split('/').pop() ?? '');
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    const size = file.data.length;
    const common = {
      'accept-ranges': 'bytes',
      etag: file.etag,
      'last-modified': file.lastModified,
      'content-type': file.type,
      'cache-control': 'private, max-age=3600',
    };
    if (req.headers['if-none-match'] === file.etag) {
      res.writeHead(304, common).end();
      return;
    }
    const ifRange = req.headers['if-range'];
    const range = ifRange === undefined || ifRange === file.etag || ifRange === file.lastModified ? req.headers.range : undefined;
    const parsed = range === undefined ? null : parseRange(range, size);
    if (parsed === 'unsatisfiable') {
      res.writeHead(416, { ...common, 'content-range': `bytes */${size}` }).end();
      return;
    }
    const [start, end] = parsed ?? [0, size - 1];
    const headers = { ...common, 'content-length': end - start + 1 };
    if (parsed) res.writeHead(206, { ...headers, 'content-range': `bytes ${start}-${end}/${size}` });
    else res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : file.data.subarray(start, end + 1));
  }
}

/** One `bytes=` range; multiple ranges are answered with the whole file, as RFC 9110 allows. */
export function parseRange(header: string, size: number): [number, number] | 'unsatisfiable' | null {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return null;
  const [, from = '', to = ''] = match;
  if (from === '' && to === '') return null;
  if (from === '') {
    const suffix = Number(to);
    if (suffix === 0) return 'unsatisfiable';
    return [Math.max(0, size - suffix), size - 1];
  }
  const start = Number(from);
  if (start >= size) return 'unsatisfiable';
  const end = to === '' ? size - 1 : Math.min(Number(to), size - 1);
  return end < start ? null : [start, end];
}
