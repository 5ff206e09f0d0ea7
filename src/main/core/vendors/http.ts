import { Pool, type Dispatcher } from 'undici';
import type { z } from 'zod';
import { redact } from '../log';
import { hostOf, netSentence, networkReason, networkSentence } from '../net/words';
import { APP_NAME, APP_VERSION } from '../version';
import { VendorError, type Delivery } from './types';

export interface HttpTimeouts {
  /** TCP (and TLS) connect. */
  connectMs: number;
  /** From the request being written (refreshed while a large body is still being sent) to the answer's headers. */
  headersMs: number;
  /** Longest silence between two chunks of the answer's body. */
  bodyMs: number;
}

export const DEFAULT_TIMEOUTS: HttpTimeouts = { connectMs: 10_000, headersMs: 60_000, bodyMs: 30_000 };

export interface HttpRequest {
  method: 'GET' | 'POST';
  /** Path and query, starting with '/'. */
  path: string;
  headers: Record<string, string>;
  /** A string, or text chunks pulled as the socket drains (an upload; give its content-length header). */
  body?: string | AsyncGenerator<string>;
  signal?: AbortSignal | undefined;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A vendor's JSON answers are small; anything larger is not an answer we understand. */
const MAX_RESPONSE_BYTES = 2 * 1024 * 1024;
/** How much of a body the job log keeps. */
const RAW_BODY_LIMIT = 2_000;

export const USER_AGENT = `${APP_NAME}/${APP_VERSION}`;

/** A body for the job log: secrets masked, cut to a readable length. */
export function logBody(body: string): string {
  const text = redact(body);
  return text.length > RAW_BODY_LIMIT ? `${text.slice(0, RAW_BODY_LIMIT)}… (${text.length} characters)` : text;
}

const CONNECT_TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT']);
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

class ResponseTooLarge extends Error {}

/**
 * One pooled connection set per vendor origin. `send` resolves with any HTTP answer (the vendor client
 * decides what a status means) and rejects only when no complete answer arrived, with a `VendorError`
 * whose `delivery` says whether the request was written to an established connection. That is known
 * exactly: undici calls `onRequestStart` right before it writes the request to a connected socket.
 */
export class HttpClient {
  private readonly pool: Pool;

  constructor(
    /** The vendor's name for messages, e.g. "HiDream". */
    readonly vendorName: string,
    readonly origin: string,
    private readonly timeouts: HttpTimeouts = DEFAULT_TIMEOUTS,
  ) {
    this.pool = new Pool(origin, {
      connections: 6,
      connect: { timeout: timeouts.connectMs },
      headersTimeout: timeouts.headersMs,
      bodyTimeout: timeouts.bodyMs,
      // Keep idle sockets shorter than typical gateways (60 s) so we rarely write into one they just closed.
      keepAliveTimeout: 4_000,
    });
  }

  send(request: HttpRequest): Promise<HttpResponse> {
    const { signal } = request;
    const destroyBody = (): void => {
      // Ends a generator body that was never started, so the file it would read is closed.
      if (typeof request.body === 'object') void request.body.return(undefined);
    };
    if (signal?.aborted) {
      destroyBody();
      return Promise.reject(this.canceled('not_sent'));
    }
    return new Promise<HttpResponse>((resolve, reject) => {
      let controller: Dispatcher.DispatchController | null = null;
      let started = false;
      let settled = false;
      let status = 0;
      let headers: HttpResponse['headers'] = {};
      const chunks: Buffer[] = [];
      let size = 0;

      const settle = (outcome: () => void): void => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        outcome();
      };
      const onAbort = (): void => {
        const error = this.canceled(started ? 'maybe_sent' : 'not_sent');
        settle(() => reject(error));
        // A request still queued in the pool is dropped in onRequestStart; one in flight is torn down now.
        controller?.abort(error);
        if (!started) destroyBody();
      };
      signal?.addEventListener('abort', onAbort, { once: true });

      const handler: Dispatcher.DispatchHandler = {
        onRequestStart: (ctrl) => {
          if (settled) {
            ctrl.abort(new Error('canceled before it was sent'));
            return;
          }
          controller = ctrl;
          started = true;
        },
        onResponseStart: (_ctrl, statusCode, responseHeaders) => {
          if (statusCode < 200) return; // 100 Continue and friends
          status = statusCode;
          headers = responseHeaders;
        },
        onResponseData: (ctrl, chunk) => {
          size += chunk.length;
          if (size > MAX_RESPONSE_BYTES) {
            ctrl.abort(new ResponseTooLarge());
            return;
          }
          chunks.push(chunk);
        },
        onResponseEnd: () => {
          settle(() => resolve({ status, headers, body: Buffer.concat(chunks).toString('utf8') }));
        },
        onResponseError: (_ctrl, error) => {
          settle(() => reject(this.transportError(error, started, status)));
        },
      };

      const requestHeaders = { 'user-agent': USER_AGENT, accept: 'application/json', ...request.headers };
      // undici takes async iterables as bodies (documented), but its DispatchOptions type omits them.
      const body = (request.body ?? null) as Dispatcher.DispatchOptions['body'];
      this.pool.dispatch({ method: request.method, path: request.path, headers: requestHeaders, body }, handler);
    });
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  private canceled(delivery: Delivery): VendorError {
    const note = delivery === 'maybe_sent' ? ` after the request was sent; ${this.vendorName} may have received it` : '';
    return new VendorError('canceled', `Canceled${note}.`, { delivery });
  }

  private transportError(error: Error, started: boolean, status: number): VendorError {
    const vendor = this.vendorName;
    const code = errorCode(error);
    if (!started) {
      if (CONNECT_TIMEOUT_CODES.has(code)) {
        return new VendorError('timeout', `Could not connect to ${vendor} within ${this.timeouts.connectMs / 1000} s.`, { delivery: 'not_sent', cause: error });
      }
      // The code (ENOTFOUND…) stays on the cause for the log; the user reads a sentence naming the host.
      const host = hostOf(this.origin);
      const reason = networkReason(code);
      const sentence = reason ? netSentence({ reason, host }) : null;
      return new VendorError('network', sentence ? `Could not connect to ${vendor}. ${sentence}` : `Could not connect to ${vendor} (${code || error.message}).`, {
        delivery: 'not_sent',
        cause: error,
        ...(reason ? { net: { reason, host } } : {}),
      });
    }
    if (error instanceof ResponseTooLarge) {
      return new VendorError('bad_response', `${vendor} sent an answer larger than ${MAX_RESPONSE_BYTES / 1024 / 1024} MB.`, { delivery: 'maybe_sent', status, cause: error });
    }
    if (CONNECT_TIMEOUT_CODES.has(code) || TIMEOUT_CODES.has(code)) {
      const what = code === 'UND_ERR_BODY_TIMEOUT' ? 'finish its answer' : 'answer';
      const limit = (code === 'UND_ERR_BODY_TIMEOUT' ? this.timeouts.bodyMs : this.timeouts.headersMs) / 1000;
      return new VendorError('timeout', `${vendor} did not ${what} within ${limit} s.`, { delivery: 'maybe_sent', status: status || null, cause: error });
    }
    const when = status ? 'while it was answering' : 'before it answered';
    const known = networkSentence(code, hostOf(this.origin)) !== null;
    return new VendorError('network', `The connection to ${vendor} (${hostOf(this.origin)}) was lost ${when}${known ? '' : ` (${code || error.message})`}.`, {
      delivery: 'maybe_sent',
      status: status || null,
      cause: error,
    });
  }
}

/** Seconds or an HTTP date, as `Retry-After` allows. */
export function retryAfterMs(headers: HttpResponse['headers'], now: number = Date.now()): number | null {
  const raw = headers['retry-after'];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - now) : null;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The human part of an error answer: `message`, `msg`, `error`, `error.message` or `detail`; short plain text as is. */
export function messageOf(body: string): string | null {
  const json = parseJson(body);
  if (json && typeof json === 'object') {
    const record = json as Record<string, unknown>;
    const nested = record['error'];
    for (const value of [record['message'], record['msg'], nested, (nested as Record<string, unknown> | null)?.['message'], record['detail']]) {
      if (typeof value === 'string' && value.trim()) return redact(value.trim()).slice(0, 500);
    }
    return null;
  }
  const text = body.trim();
  return text && text.length <= 200 && !text.startsWith('<') ? redact(text) : null;
}

/**
 * What a non-2xx status means in the taxonomy. A 4xx is a refusal (nothing was created); a 5xx from a
 * gateway may hide a submission that got through, so it is `maybe_sent`.
 */
export function statusError(vendor: string, response: HttpResponse, now?: number): VendorError {
  const { status } = response;
  const said = messageOf(response.body);
  const suffix = said ? `: ${said}` : '.';
  const base = { status, rawBody: logBody(response.body) };
  if (status === 401 || status === 403) {
    return new VendorError('auth', `${vendor} refused the key (HTTP ${status})${suffix}`, { ...base, delivery: 'rejected' });
  }
  if (status === 429) {
    return new VendorError('rate_limit', `${vendor} is rate limiting requests (HTTP 429)${suffix}`, {
      ...base,
      delivery: 'rejected',
      retryAfterMs: retryAfterMs(response.headers, now),
    });
  }
  if (status >= 500) {
    return new VendorError('server', `${vendor} had a server error (HTTP ${status})${suffix}`, { ...base, delivery: 'maybe_sent' });
  }
  if (status >= 400) {
    return new VendorError('vendor', `${vendor} refused the request (HTTP ${status})${suffix}`, { ...base, delivery: 'rejected' });
  }
  return new VendorError('bad_response', `${vendor} answered with an unexpected HTTP ${status}.`, { ...base, delivery: 'maybe_sent' });
}

/**
 * Parses a 2xx answer against the shape we rely on. Anything else is `bad_response` with the raw body
 * kept for the job log; `maybe_sent` because a 2xx we cannot read may still have created a task.
 */
export function readJson<T>(vendor: string, response: HttpResponse, schema: z.ZodType<T>): T {
  const json = parseJson(response.body);
  const fail = (why: string): VendorError =>
    new VendorError('bad_response', `${vendor} sent an answer we could not read (${why}).`, {
      delivery: 'maybe_sent',
      status: response.status,
      rawBody: logBody(response.body),
    });
  if (json === undefined) throw fail('not JSON');
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw fail(first ? `${first.path.join('.') || 'body'}: ${first.message}` : 'unexpected shape');
  }
  return parsed.data;
}
