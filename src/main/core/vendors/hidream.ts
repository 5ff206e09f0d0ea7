import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { OperationId, OperationSpec } from '@shared/catalog';
import type { HidreamCredentials } from '../credentials';
import { redact, registerSecret } from '../log';
import { clamp01, joinPath, parseBaseUrl, mapLimit, readWithRetry, resolveOptions, specFor, submitWithResend, fileFieldFor, type ResolvedOptions, type VendorClientOptions } from './common';
import { HttpClient, logBody, readJson, statusError, type HttpRequest, type HttpResponse } from './http';
import { inspectVideoFile, jsonWithFileField } from './upload';
import { HIDREAM_CODES, hidreamCodeKind } from './hidream-errors';
import { VendorError, type Delivery, type RemoteOutput, type SubmitRequest, type Submission, type TaskStatus, type VendorClient } from './types';

const VENDOR = 'HiDream';

/** The kind a HiDream `code != 0` maps to: by its code (see hidream-errors.ts), never by its words. */
export function hidreamCodeError(code: number, message: string, response: HttpResponse, delivery: Delivery): VendorError {
  const details = { delivery, status: response.status, vendorCode: code, rawBody: logBody(response.body) };
  const entry = HIDREAM_CODES[code];
  // Vendors echo what they were sent; a message goes through the same redaction as a log line.
  const said = redact(message.trim()).slice(0, 500) || entry?.meaning || '(no message)';
  switch (hidreamCodeKind(code)) {
    case 'auth':
      return new VendorError('auth', `${VENDOR} refused the token (code ${code}): ${said}`, details);
    case 'rate_limit':
      return new VendorError('rate_limit', `${VENDOR} is over a task limit (code ${code}): ${said}`, details);
    case 'validation':
      return new VendorError('validation', `${VENDOR} refused the parameters (code ${code}): ${said}`, details);
    default:
      return new VendorError('vendor', `${VENDOR} answered with code ${code}: ${said}`, details);
  }
}

/**
 * The batch query path is inferred (RESULTS-AND-LIMITS), so it is trusted only while it works: after
 * this many batch-level failures in a row (an error, or an answer listing none of the tasks asked
 * about) an operation is queried task by task for `BATCH_REST_MS`, then the batch is tried again.
 */
const BATCH_MAX_FAILURES = 3;
const BATCH_REST_MS = 10 * 60_000;

/** Integers sometimes arrive as strings in loosely typed gateways; accept both, nothing else. */
const numberLike = z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/).transform(Number)]);

const envelope = z.object({
  code: numberLike,
  message: z.string().nullish(),
  // Error answers may leave `result` out entirely.
  result: z.unknown().optional(),
});

const submitResult = z.object({
  task_id: z.string().min(1),
  sub_task_ids: z.array(z.string()).nullish(),
});

const subTaskResult = z.object({
  sub_task_id: z.string(),
  task_status: numberLike,
  task_completion: numberLike.nullish(),
  video: z.string().nullish(),
  image: z.string().nullish(),
});

const taskResult = z.object({
  task_id: z.string().nullish(),
  sub_task_results: z.array(subTaskResult).nullish(),
});

const batchResult = z.array(taskResult.extend({ task_id: z.string() }));

type SubTaskResult = z.infer<typeof subTaskResult>;

/** UNCERTAIN: `task_completion` is documented as a float without a scale; values above 1 are read as percent. */
function completion(value: number | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return clamp01(value > 1 ? value / 100 : value);
}

export function mapSubTask(result: SubTaskResult, spec: OperationSpec): RemoteOutput {
  const base = { subTaskId: result.sub_task_id, kind: spec.output, expiresAt: null };
  const url = (spec.output === 'image' ? result.image || result.video : result.video || result.image) || null;
  const status = result.task_status;
  switch (status) {
    case 0:
      return { ...base, state: 'pending', progress: 0, url: null, error: null };
    case 2:
      return { ...base, state: 'running', progress: completion(result.task_completion), url: null, error: null };
    case 1:
      if (!url) {
        return { ...base, state: 'failed', progress: 1, url: null, error: { kind: 'bad_response', message: `${VENDOR} reported this output done but sent no ${spec.output} URL.` } };
      }
      return { ...base, state: 'succeeded', progress: 1, url, error: null };
    case 3:
      return { ...base, state: 'failed', progress: completion(result.task_completion), url: null, error: { kind: 'generation_failed', message: `${VENDOR} could not generate this ${spec.output} (task_status 3).` } };
    case 4:
      return {
        ...base,
        state: 'failed',
        progress: completion(result.task_completion),
        url: null,
        error: { kind: 'moderation', message: `${VENDOR}'s content moderation rejected this ${spec.output} (task_status 4). Change the prompt and try again.` },
      };
    default:
      // Some clients see 1004–1006 ("no result, change the prompt"); any status we do not know is final.
      return {
        ...base,
        state: 'failed',
        progress: completion(result.task_completion),
        url: null,
        error: { kind: 'generation_failed', message: `${VENDOR} reported task_status ${status}, which means no result. Try changing the prompt.` },
      };
  }
}

const isUuid = (value: string): boolean => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);

/** A request id for a new HiDream job. */
export function newRequestId(): string {
  return randomUUID();
}

/** HiDream (Pixeling) open API: txt2video, txt2img, video_stylize. */
export class HidreamClient implements VendorClient {
  readonly vendor = 'hidream' as const;
  private readonly http: HttpClient;
  private readonly options: ResolvedOptions;
  private readonly pathPrefix: string;
  /** Batch-level failures in a row per operation, and until when its batch path rests. */
  private readonly batchHealth = new Map<OperationId, { failures: number; restUntil: number }>();

  constructor(
    private readonly credentials: HidreamCredentials,
    options?: VendorClientOptions,
  ) {
    registerSecret(credentials.token);
    // The API-User-ID is as secret as the token: a vendor error that echoes it is masked like the token.
    registerSecret(credentials.userId);
    const base = parseBaseUrl(VENDOR, credentials.baseUrl);
    this.pathPrefix = base.pathname;
    this.options = resolveOptions(options);
    this.http = new HttpClient(VENDOR, base.origin, this.options.timeouts);
  }

  private headers(json: boolean): Record<string, string> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.credentials.token}` };
    if (json) headers['content-type'] = 'application/json';
    if (this.credentials.userId) headers['api-user-id'] = this.credentials.userId;
    return headers;
  }

  private path(path: string, query?: Record<string, string>): string {
    const full = joinPath(this.pathPrefix, path);
    return query ? `${full}?${new URLSearchParams(query).toString()}` : full;
  }

  /**
   * The `result` of a 200 answer with `code == 0`, checked against `schema`; everything else becomes the
   * matching `VendorError`. `delivery` is what a refusal means for this call.
   */
  private parseResult<T>(response: HttpResponse, schema: z.ZodType<T>, delivery: Delivery): T {
    if (response.status !== 200) throw statusError(VENDOR, response, this.options.now());
    const { code, message, result } = readJson(VENDOR, response, envelope);
    if (code !== 0) throw hidreamCodeError(code, message ?? '', response, delivery);
    const parsed = schema.safeParse(result);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      const where = first ? `result.${first.path.join('.')}: ${first.message}` : 'unexpected shape';
      // A 200 with code 0 that we cannot read may still stand for a created task.
      throw new VendorError('bad_response', `${VENDOR} sent a result we could not read (${where}).`, {
        delivery: 'maybe_sent',
        status: response.status,
        rawBody: logBody(response.body),
      });
    }
    return parsed.data;
  }

  async submit(request: SubmitRequest): Promise<Submission> {
    const spec = specFor('hidream', request.operation);
    const fileField = fileFieldFor(spec, request.file);
    if (!isUuid(request.requestId)) {
      throw new VendorError('validation', `request_id must be a UUID (got ${JSON.stringify(request.requestId)}).`, { delivery: 'not_sent' });
    }
    const fields = { ...request.params, request_id: request.requestId };
    const video = request.file === undefined || fileField === undefined ? null : { field: fileField, file: await inspectVideoFile(request.file, this.options.maxUploadBytes) };

    const send = async (): Promise<HttpResponse> => {
      if (!video) {
        return this.http.send({ method: 'POST', path: this.path(spec.submitPath), headers: this.headers(true), body: JSON.stringify(fields), signal: request.signal });
      }
      const upload = jsonWithFileField(fields, video.field, video.file, request.onUploadProgress);
      try {
        return await this.http.send({
          method: 'POST',
          path: this.path(spec.submitPath),
          headers: { ...this.headers(true), 'content-length': String(upload.length) },
          body: upload.body,
          signal: request.signal,
        });
      } catch (error) {
        const failure = upload.failure();
        // The body was cut short, so the vendor never had a complete request to act on.
        if (failure) throw new VendorError('validation', `Could not send the video: ${failure.message}`, { delivery: 'not_sent', cause: error });
        throw error;
      }
    };

    const response = await submitWithResend(send, this.options, request.signal, `${request.operation} submit`);
    const result = this.parseResult(response, submitResult, 'rejected');
    return { taskId: result.task_id, subTaskIds: result.sub_task_ids ?? [] };
  }

  /** A query, retried through transient failures (including a rate-limit `code`), parsed. */
  private read<T>(spec: OperationSpec, what: string, request: () => HttpRequest, schema: z.ZodType<T>, signal?: AbortSignal): Promise<T> {
    return readWithRetry(async () => this.parseResult(await this.http.send(request()), schema, 'rejected'), this.options, signal, `${spec.id} ${what}`);
  }

  async query(operation: OperationId, taskIds: string[], signal?: AbortSignal): Promise<TaskStatus[]> {
    const spec = specFor('hidream', operation);
    if (taskIds.length === 0) return [];
    if (taskIds.length === 1 || !spec.batchResultPath || !this.batchUsable(operation)) {
      return mapLimit(taskIds, 4, (id) => this.queryOne(spec, id, signal));
    }
    let found = new Map<string, TaskStatus>();
    try {
      found = await this.queryBatch(spec, spec.batchResultPath, taskIds, signal);
      if (taskIds.some((id) => found.has(id))) this.batchHealth.delete(operation);
      else this.batchFailed(operation, 'the batch answer listed none of the tasks');
    } catch (error) {
      if (signal?.aborted) throw error;
      // Nothing is concluded from the inferred batch path (not even a 401: single queries may work):
      // the tasks are asked about one by one, and their answers decide.
      this.batchFailed(operation, error);
    }
    // A task the batch left out is asked for alone, so its own error (e.g. unknown task) comes through.
    return mapLimit(taskIds, 4, (id) => Promise.resolve(found.get(id) ?? this.queryOne(spec, id, signal)));
  }

  private batchUsable(operation: OperationId): boolean {
    const health = this.batchHealth.get(operation);
    return !health || health.failures < BATCH_MAX_FAILURES || this.options.now() >= health.restUntil;
  }

  private batchFailed(operation: OperationId, why: unknown): void {
    const failures = (this.batchHealth.get(operation)?.failures ?? 0) + 1;
    const resting = failures >= BATCH_MAX_FAILURES;
    this.batchHealth.set(operation, { failures, restUntil: resting ? this.options.now() + BATCH_REST_MS : 0 });
    this.options.log?.warn(resting ? 'HiDream batch query keeps failing; querying tasks one by one for a while' : 'HiDream batch query failed; asking each task alone', {
      operation,
      failures,
      error: why,
    });
  }

  private async queryOne(spec: OperationSpec, taskId: string, signal?: AbortSignal): Promise<TaskStatus> {
    const request = (): HttpRequest => ({ method: 'GET', path: this.path(spec.resultPath, { task_id: taskId }), headers: this.headers(false), signal });
    const result = await this.read(spec, 'query', request, taskResult, signal);
    return { taskId, outputs: (result.sub_task_results ?? []).map((sub) => mapSubTask(sub, spec)) };
  }

  private async queryBatch(spec: OperationSpec, path: string, taskIds: string[], signal?: AbortSignal): Promise<Map<string, TaskStatus>> {
    const body = JSON.stringify({ task_id_list: taskIds });
    const request = (): HttpRequest => ({ method: 'POST', path: this.path(path), headers: this.headers(true), body, signal });
    const results = await this.read(spec, 'batch query', request, batchResult, signal);
    return new Map(results.map((r) => [r.task_id, { taskId: r.task_id, outputs: (r.sub_task_results ?? []).map((sub) => mapSubTask(sub, spec)) }]));
  }

  /**
   * UNCERTAIN: asks for the result of a task that cannot exist. A key problem comes back as an auth error;
   * any other answer (normally "task not found") proves the key was accepted. Creates no billable work.
   */
  async checkConnection(signal?: AbortSignal): Promise<void> {
    const spec = specFor('hidream', 'hidream.txt2img');
    const response = await this.http.send({ method: 'GET', path: this.path(spec.resultPath, { task_id: '00000000-0000-4000-8000-000000000000' }), headers: this.headers(false), signal });
    try {
      this.parseResult(response, z.unknown(), 'rejected');
    } catch (error) {
      // Only HiDream's own "no such task" code proves the key; an HTTP 404 may be a wrong base URL.
      if (error instanceof VendorError && error.kind === 'vendor' && error.vendorCode !== null) return;
      throw error;
    }
  }

  close(): Promise<void> {
    return this.http.close();
  }
}
