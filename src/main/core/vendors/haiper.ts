import { z } from 'zod';
import type { OperationId, OperationSpec } from '@shared/catalog';
import type { HaiperCredentials } from '../credentials';
import { redact, registerSecret } from '../log';
import { normalizeEndpointPath } from '../keys/validate';
import { isModerationReason } from './haiper-errors';
import { clamp01, joinPath, parseBaseUrl, mapLimit, readWithRetry, resolveOptions, specFor, submitWithResend, fileFieldFor, type ResolvedOptions, type VendorClientOptions } from './common';
import { HttpClient, messageOf, readJson, statusError, type HttpResponse } from './http';
import { VendorError, type RemoteOutput, type SubmitRequest, type Submission, type TaskStatus, type VendorClient } from './types';

const VENDOR = 'Haiper';

const submitAnswer = z.object({ taskId: z.union([z.string().min(1), z.number()]).transform(String) });

const taskAnswer = z.object({
  status: z.string(),
  mediaUrl: z.string().nullish(),
  expireTime: z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]).nullish(),
  progress: z.number().nullish(),
  // UNCERTAIN: the page documents no failure reason; these are read if present.
  message: z.string().nullish(),
  error: z.unknown().optional(),
  failReason: z.string().nullish(),
});

type TaskAnswer = z.infer<typeof taskAnswer>;

function failReason(answer: TaskAnswer): string | null {
  const reason = answer.failReason ?? answer.message ?? messageOf(JSON.stringify({ error: answer.error }));
  return reason ? redact(reason).slice(0, 500) : null;
}

/**
 * `expireTime` is documented in ms since the epoch. A value that only makes sense in seconds (before
 * 1973 as ms) is read as seconds, so a fresh result is not taken for an expired one.
 */
export function expireTimeMs(value: number | null | undefined): number | null {
  if (value === null || value === undefined || !Number.isFinite(value) || value <= 0) return null;
  return value < 1e11 ? value * 1000 : value;
}

export function mapHaiperTask(answer: TaskAnswer, spec: OperationSpec, now: number): RemoteOutput {
  const base = { subTaskId: null, kind: spec.output };
  const expiresAt = expireTimeMs(answer.expireTime);
  const progress = clamp01(answer.progress ?? 0);
  switch (answer.status) {
    case 'PENDING':
      return { ...base, state: 'pending', progress: 0, url: null, expiresAt: null, error: null };
    case 'IN_PROGRESS':
      return { ...base, state: 'running', progress, url: null, expiresAt: null, error: null };
    case 'SUCCESS': {
      const url = answer.mediaUrl || null;
      if (!url) {
        return { ...base, state: 'failed', progress: 1, url: null, expiresAt, error: { kind: 'bad_response', message: `${VENDOR} reported the video done but sent no mediaUrl.` } };
      }
      if (expiresAt !== null && expiresAt <= now) {
        return {
          ...base,
          state: 'failed',
          progress: 1,
          url,
          expiresAt,
          error: { kind: 'expired', message: `${VENDOR}'s link to this video expired at ${new Date(expiresAt).toISOString()}, before it could be downloaded.` },
        };
      }
      return { ...base, state: 'succeeded', progress: 1, url, expiresAt, error: null };
    }
    case 'FAIL': {
      const reason = failReason(answer);
      const moderated = reason !== null && isModerationReason(reason);
      return {
        ...base,
        state: 'failed',
        progress,
        url: null,
        expiresAt: null,
        error: moderated
          ? { kind: 'moderation', message: `${VENDOR} rejected this video in moderation: ${reason}` }
          : { kind: 'generation_failed', message: `${VENDOR} could not generate this video${reason ? `: ${reason}` : '.'}` },
      };
    }
    default:
      // Not one of the four documented values: the task may still finish (and be billed), so it is not
      // failed here; the engine keeps asking for a bounded while, then asks the user (see engine).
      return { ...base, state: 'running', progress, url: null, expiresAt: null, error: null, unknownStatus: answer.status.slice(0, 100) };
  }
}

/** Haiper via Cloudsway MaaS: `{base}/{endpointPath}/video/generate|upscale|extend`, `…/video/tasks/{taskId}`. */
export class HaiperClient implements VendorClient {
  readonly vendor = 'haiper' as const;
  private readonly http: HttpClient;
  private readonly options: ResolvedOptions;
  private readonly prefix: string;

  constructor(
    private readonly credentials: HaiperCredentials,
    options?: VendorClientOptions,
  ) {
    registerSecret(credentials.accessKey);
    const base = parseBaseUrl(VENDOR, credentials.baseUrl);
    // The same rule as key entry, so a path Settings accepted is never refused here (or the reverse).
    let endpoint: string;
    try {
      endpoint = normalizeEndpointPath(credentials.endpointPath);
    } catch (error) {
      throw new VendorError('validation', error instanceof Error ? error.message : String(error), { delivery: 'not_sent' });
    }
    this.prefix = joinPath(base.pathname, ...endpoint.split('/').map(encodeURIComponent));
    this.options = resolveOptions(options);
    this.http = new HttpClient(VENDOR, base.origin, this.options.timeouts);
  }

  private headers(json: boolean): Record<string, string> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.credentials.accessKey}` };
    if (json) headers['content-type'] = 'application/json';
    return headers;
  }

  private parse<T>(response: HttpResponse, schema: z.ZodType<T>): T {
    if (response.status < 200 || response.status >= 300) throw statusError(VENDOR, response, this.options.now());
    return readJson(VENDOR, response, schema);
  }

  async submit(request: SubmitRequest): Promise<Submission> {
    const spec = specFor('haiper', request.operation);
    fileFieldFor(spec, request.file);
    const body = JSON.stringify(request.params);
    const send = (): Promise<HttpResponse> =>
      this.http.send({ method: 'POST', path: joinPath(this.prefix, spec.submitPath), headers: this.headers(true), body, signal: request.signal });
    const response = await submitWithResend(send, this.options, request.signal, `${request.operation} submit`);
    const { taskId } = this.parse(response, submitAnswer);
    return { taskId, subTaskIds: [] };
  }

  query(operation: OperationId, taskIds: string[], signal?: AbortSignal): Promise<TaskStatus[]> {
    const spec = specFor('haiper', operation);
    return mapLimit(taskIds, 4, async (taskId) => {
      const answer = await readWithRetry(
        async () => this.parse(await this.http.send({ method: 'GET', path: this.taskPath(spec, taskId), headers: this.headers(false), signal }), taskAnswer),
        this.options,
        signal,
        `${operation} query`,
      );
      return { taskId, outputs: [mapHaiperTask(answer, spec, this.options.now())] };
    });
  }

  private taskPath(spec: OperationSpec, taskId: string): string {
    return joinPath(this.prefix, spec.resultPath, encodeURIComponent(taskId));
  }

  /**
   * UNCERTAIN: queries a task id that cannot exist. 401/403 means the key is wrong; a 404 or any other
   * answer about the task means the key and endpoint path were accepted. Creates no billable work.
   */
  async checkConnection(signal?: AbortSignal): Promise<void> {
    const spec = specFor('haiper', 'haiper.generate');
    const response = await this.http.send({ method: 'GET', path: this.taskPath(spec, 'promptreel-connection-check'), headers: this.headers(false), signal });
    if (response.status === 404 || response.status === 400 || (response.status >= 200 && response.status < 300)) return;
    throw statusError(VENDOR, response, this.options.now());
  }

  close(): Promise<void> {
    return this.http.close();
  }
}
