import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { MAX_VIDEO_BYTES } from '@shared/files';
import { defaultMembership, limitsFor, OPERATIONS, SANDBOX_DURATIONS_MS, type MediaKind, type OperationSpec, type RateCategory, type VendorId } from '@shared/catalog';
import type { HaiperCredentials, HidreamCredentials } from '../core/credentials';
import type { Logger } from '../core/log';
import { defaultMediaDir, MEDIA_PREFIX, MediaStore } from './media';
import { haiperQuery, haiperSubmit, hidreamBatchQuery, hidreamQuery, hidreamSubmit, type SandboxContext } from './routes';
import { SandboxState, type SandboxStats } from './state';

export { SANDBOX_MARKERS, type SandboxMarker, type SandboxMarkerName } from './markers';
export type { LimitReason, SandboxStats, SubmissionOutcome, SubmissionRecord, UploadRecord } from './state';

export interface SandboxOptions {
  /** 0 (default) picks a free port. The sandbox only ever listens on 127.0.0.1. */
  port?: number;
  /**
   * Multiplies every task duration: 1 (default) feels like a quick real vendor (images 3–6 s, videos
   * 8–15 s); tests use e.g. 0.01 so tasks finish in a few tens of ms.
   */
  timeScale?: number;
  /** Base task durations before `timeScale`, as [shortest, longest] ms. */
  durations?: Partial<Record<MediaKind, [number, number]>>;
  /** HiDream's limits; the catalog's (its free membership) unless told. */
  hidreamLimits?: { perMinute?: Partial<Record<RateCategory, number>>; concurrency?: number };
  /** Haiper's limits (UNCERTAIN, none published); the catalog's defaults unless told. */
  haiperLimits?: { perMinute?: number; concurrency?: number };
  /** The "minute" of the per-minute limits (tests shrink it). */
  limitWindowMs?: number;
  /** How long a result URL works after the task finished (default 1 h). */
  mediaTtlMs?: number;
  /** Largest stylize upload accepted, decoded (default: the app's own cap, `MAX_VIDEO_BYTES`). */
  maxUploadBytes?: number;
  /** Where the sample media are; found automatically by default. */
  mediaDir?: string;
  /** Clock (tests can drive it instead of waiting). */
  now?: () => number;
  log?: Logger;
}

/** A running sandbox vendor. Its tokens are fixed for its life; use `setTokenValid` to make one go bad. */
export interface Sandbox {
  /** e.g. http://127.0.0.1:41234 */
  readonly origin: string;
  /** Credentials that work against this sandbox: pass them to `createVendorClient`. */
  readonly hidream: HidreamCredentials;
  readonly haiper: HaiperCredentials;
  stats(): SandboxStats;
  /** false makes every request with that vendor's token fail as an expired token would, until set back. */
  setTokenValid(vendor: VendorId, valid: boolean): void;
  close(): Promise<void>;
}

// The catalog keeps these beside the vendors' typical durations: the engine estimates from them while it runs in the sandbox.
const DEFAULT_DURATIONS: Record<MediaKind, [number, number]> = { image: [...SANDBOX_DURATIONS_MS.image], video: [...SANDBOX_DURATIONS_MS.video] };

/**
 * Starts the built-in sandbox vendor: one loopback HTTP server speaking both vendors' wire protocols as
 * documented, with tasks that progress over time, the vendors' limits, deterministic failures
 * (`SANDBOX_MARKERS`) and real sample media behind expiring URLs. The app and the CLI use it when no
 * keys are configured; tests start their own.
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const now = options.now ?? Date.now;
  // The same defaults as the app's (the catalog's): a sandbox stricter than the app would refuse what the queue sends.
  const defaults = limitsFor(defaultMembership());
  const state = new SandboxState(
    {
      hidream: {
        perMinute: { ...defaults.hidream.perMinute, ...options.hidreamLimits?.perMinute },
        concurrency: options.hidreamLimits?.concurrency ?? defaults.hidream.concurrency,
      },
      haiper: {
        perMinute: options.haiperLimits?.perMinute ?? defaults.haiper.perMinute.video,
        concurrency: options.haiperLimits?.concurrency ?? defaults.haiper.concurrency,
      },
      windowMs: options.limitWindowMs ?? 60_000,
    },
    {
      durations: { ...DEFAULT_DURATIONS, ...options.durations },
      timeScale: options.timeScale ?? 1,
      mediaTtlMs: options.mediaTtlMs ?? 3_600_000,
    },
    now,
  );
  const media = new MediaStore(options.mediaDir ?? defaultMediaDir(), now);
  const secret = (prefix: string): string => `${prefix}${randomBytes(18).toString('base64url')}`;
  const ctx: SandboxContext = {
    state,
    media,
    origin: '',
    tokens: { hidream: secret('sbx-hd-'), haiper: secret('sbx-hp-') },
    tokenValid: { hidream: true, haiper: true },
    haiperEndpoint: `sbx${randomBytes(6).toString('hex')}`,
    maxUploadBytes: options.maxUploadBytes ?? MAX_VIDEO_BYTES,
  };

  const hidreamRoutes = new Map<string, { spec: OperationSpec; kind: 'submit' | 'query' | 'batch' }>();
  const haiperRoutes = new Map<string, OperationSpec>();
  for (const spec of Object.values(OPERATIONS)) {
    if (spec.vendor === 'hidream') {
      hidreamRoutes.set(`POST ${spec.submitPath}`, { spec, kind: 'submit' });
      hidreamRoutes.set(`GET ${spec.resultPath}`, { spec, kind: 'query' });
      if (spec.batchResultPath) hidreamRoutes.set(`POST ${spec.batchResultPath}`, { spec, kind: 'batch' });
    } else {
      haiperRoutes.set(spec.submitPath, spec);
    }
  }
  const haiperPrefix = `/v1/ai/${ctx.haiperEndpoint}`;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const path = url.pathname;
    options.log?.debug('sandbox request', { method: req.method, path });
    if (path.startsWith(MEDIA_PREFIX)) {
      media.serve(req, res, url);
      return;
    }
    const hidream = hidreamRoutes.get(`${req.method ?? ''} ${path}`);
    if (hidream?.kind === 'submit') {
      await hidreamSubmit(ctx, hidream.spec, req, res);
      return;
    }
    if (hidream?.kind === 'query') {
      hidreamQuery(ctx, hidream.spec, url, req, res);
      return;
    }
    if (hidream?.kind === 'batch') {
      await hidreamBatchQuery(ctx, hidream.spec, req, res);
      return;
    }
    if (path.startsWith(`${haiperPrefix}/`)) {
      const rest = path.slice(haiperPrefix.length);
      const spec = haiperRoutes.get(rest);
      if (spec && req.method === 'POST') {
        await haiperSubmit(ctx, spec, req, res);
        return;
      }
      const task = /^\/video\/tasks\/([^/]+)$/.exec(rest);
      if (task?.[1] && req.method === 'GET') {
        haiperQuery(ctx, decodeURIComponent(task[1]), req, res);
        return;
      }
    }
    notFound(res, path.startsWith('/v1/ai/') && !path.startsWith(`${haiperPrefix}/`) ? 'endpoint not found' : 'not found');
  };

  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      options.log?.error('sandbox handler failed', { error });
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' }).end('{"message":"sandbox error"}');
      else res.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  ctx.origin = origin;

  return {
    origin,
    hidream: { vendor: 'hidream', baseUrl: origin, token: ctx.tokens.hidream },
    haiper: { vendor: 'haiper', baseUrl: `${origin}/v1/ai`, endpointPath: ctx.haiperEndpoint, accessKey: ctx.tokens.haiper },
    stats: () => state.stats(media.requests),
    setTokenValid: (vendor, valid) => {
      ctx.tokenValid[vendor] = valid;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

function notFound(res: ServerResponse, message: string): void {
  const body = JSON.stringify({ message });
  res.writeHead(404, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
}
