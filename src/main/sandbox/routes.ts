import type { IncomingMessage, ServerResponse } from 'node:http';
import { formatIssue, issuesSummary, OPERATIONS, validateParams, type OperationSpec, type Params, type ValidationIssue, type VendorId } from '@shared/catalog';
import type { Locale } from '@shared/i18n-text';
import { sniffVideo } from '@shared/sniff';
import { BodyTooLarge, readJsonBody, type ReadBody } from './body';
import { markersIn, type SandboxMarkerName } from './markers';
import { mediaFileFor, type MediaStore } from './media';
import type { LimitReason, OutputPhase, SandboxState, SandboxTask, SubmissionOutcome, SubmittedBody } from './state';

export interface SandboxContext {
  state: SandboxState;
  media: MediaStore;
  origin: string;
  tokens: Record<VendorId, string>;
  tokenValid: Record<VendorId, boolean>;
  haiperEndpoint: string;
  /** Largest decoded stylize upload accepted. */
  maxUploadBytes: number;
}

const MAX_JSON_BYTES = 1024 * 1024;

/** A vendor's refusal names its own wire field, then says what is wrong, as the app words it. */
function refusal(spec: OperationSpec, issues: readonly ValidationIssue[], locale: Locale): string {
  return issues.map((issue) => `${issue.path}: ${formatIssue(spec, issue, locale)}`).join(' ');
}

// ---------------------------------------------------------------------------------------------------
// Answers shared by both vendors

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** What an nginx in front of a crashed upstream answers. */
function badGateway(res: ServerResponse): void {
  const body = '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';
  res.writeHead(502, { 'content-type': 'text/html', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** A 200 whose body is a gateway's HTML page: the request went through, the answer is unreadable. */
function garbage(res: ServerResponse): void {
  const body = '<!DOCTYPE html><html><body><h1>Welcome</h1><p>Service temporarily degraded.</p></body></html>';
  res.writeHead(200, { 'content-type': 'text/html', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** Announces the whole answer, sends half of it, then drops the connection. */
function cut(res: ServerResponse, body: unknown): void {
  const text = Buffer.from(JSON.stringify(body));
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': text.length });
  res.write(text.subarray(0, Math.floor(text.length / 2)), () => res.socket?.destroy());
}

type AuthState = 'ok' | 'wrong' | 'expired';

function authState(ctx: SandboxContext, vendor: VendorId, req: IncomingMessage): AuthState {
  const header = req.headers.authorization ?? '';
  if (header !== `Bearer ${ctx.tokens[vendor]}`) return 'wrong';
  return ctx.tokenValid[vendor] ? 'ok' : 'expired';
}

/** Reads the body; answers 413/400 itself and returns null when it cannot. */
async function body(req: IncomingMessage, res: ServerResponse, streamField?: string): Promise<ReadBody | null> {
  try {
    return await readJsonBody(req, { maxBytes: MAX_JSON_BYTES, ...(streamField ? { streamField } : {}) });
  } catch (error) {
    if (error instanceof BodyTooLarge) json(res, 413, { message: 'Request body too large' });
    else res.destroy();
    return null;
  }
}

function withoutKeys(value: Record<string, unknown>, keys: string[]): Params {
  return Object.fromEntries(Object.entries(value).filter(([key]) => !keys.includes(key)));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---------------------------------------------------------------------------------------------------
// HiDream: every answer is HTTP 200 with `code`, except a missing or wrong token (401). Over a limit it
// answers HTTP 200 with code 1012 (per-minute) or 1013 (concurrency) and a message saying so, in
// Chinese and English, rather than HTTP 429: the vendor reports every refusal through `code`, and its page
// shows no other status. The client maps both (and a 429) to `rate_limit`.

/** HiDream's codes in the sandbox. UNCERTAIN: the vendor publishes no table; only 2031 was seen live. */
const HIDREAM_CODE = {
  badJson: 1000,
  invalid: 1001,
  tokenExpired: 1002,
  notFound: 1004,
  perMinute: 1012,
  concurrency: 1013,
  noQuota: 1101,
  modelRetired: 2031,
} as const;

const CATEGORY_ZH = { image: '图片', video: '视频', stylize: '视频风格化' } as const;

function hidreamAnswer(res: ServerResponse, code: number, message: string, requestId: string | null, result: unknown = null): void {
  json(res, 200, { code, message, request_id: requestId ?? '', result });
}

function hidreamAuth(ctx: SandboxContext, req: IncomingMessage, res: ServerResponse, requestId: string | null): boolean {
  const state = authState(ctx, 'hidream', req);
  if (state === 'wrong') json(res, 401, { code: 401, message: 'Unauthorized: invalid token', request_id: requestId ?? '', result: null });
  if (state === 'expired') hidreamAnswer(res, HIDREAM_CODE.tokenExpired, 'token 已过期，请重新获取 (token expired)', requestId);
  return state === 'ok';
}

function hidreamLimitMessage(ctx: SandboxContext, reason: LimitReason, spec: OperationSpec): [number, string] {
  if (reason === 'hidream.concurrency') {
    const n = ctx.state.limits.hidream.concurrency;
    return [HIDREAM_CODE.concurrency, `并发任务数已达上限 ${n} (concurrent task limit of ${n} reached)`];
  }
  const n = ctx.state.limits.hidream.perMinute[spec.category];
  return [HIDREAM_CODE.perMinute, `提交过于频繁：每分钟最多 ${n} 个${CATEGORY_ZH[spec.category]}任务 (too many requests: at most ${n} ${spec.category} tasks per minute)`];
}

export async function hidreamSubmit(ctx: SandboxContext, spec: OperationSpec, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const fileField = spec.fileField;
  const read = await body(req, res, fileField);
  if (!read) return;
  const input = isObject(read.json) ? read.json : null;
  const requestId = typeof input?.['request_id'] === 'string' ? input['request_id'] : null;
  const streamed = read.streamed;
  const wire: SubmittedBody = input && streamed && fileField ? { ...input, [fileField]: streamed.text ?? `<${streamed.bytes} bytes of base64 video>` } : input;
  const record = (outcome: SubmissionOutcome, markers: Set<SandboxMarkerName>, taskId: string | null = null): void =>
    ctx.state.recordSubmission({ vendor: 'hidream', operation: spec.id, requestId, taskId, outcome, markers: [...markers], body: wire });

  if (!hidreamAuth(ctx, req, res, requestId)) {
    record('refused_auth', new Set());
    return;
  }
  if (!input) {
    record('refused_invalid', new Set());
    hidreamAnswer(res, HIDREAM_CODE.badJson, '请求体不是合法的 JSON (the body is not a JSON object)', requestId);
    return;
  }
  const markers = markersIn(input);
  const refuse = (message: string): void => {
    record('refused_invalid', markers);
    hidreamAnswer(res, HIDREAM_CODE.invalid, `参数错误 (invalid parameter): ${message}`, requestId);
  };

  // The vendor takes a URL or base64 in the same field; a long value was streamed, a short one kept.
  const video = read.streamed;
  const videoIsUrl = video?.text != null && /^https?:\/\//i.test(video.text);
  const params = withoutKeys(input, ['request_id', 'notify_url', ...(video && fileField ? [fileField] : [])]);
  if (video && videoIsUrl && fileField) params[fileField] = video.text;
  // The sandbox can fetch from this computer (its own results are served on loopback).
  const checked = validateParams(spec.id, params, { hasFile: Boolean(video && !videoIsUrl), allowLoopback: true });
  if (!checked.ok) {
    refuse(`${refusal(spec, checked.issues, 'zh-CN')} (${issuesSummary(spec, checked.issues, 'en')})`);
    return;
  }
  if (video && !videoIsUrl) {
    const container = sniffVideo(video.head)?.container ?? null;
    ctx.state.recordUpload({ requestId, bytes: video.bytes, sha256: video.sha256, container });
    if (video.bytes > ctx.maxUploadBytes) {
      refuse(`${fileField ?? ''} 视频过大 (the video is larger than ${ctx.maxUploadBytes} bytes)`);
      return;
    }
    if (!container) {
      refuse(`${fileField ?? ''} 不是可识别的视频 (${fileField ?? ''} is neither a URL nor a base64 video)`);
      return;
    }
  }

  if (markers.has('[code]')) {
    record('refused_code', markers);
    hidreamAnswer(res, HIDREAM_CODE.modelRetired, '模型已下线 (this model version has been retired)', requestId);
    return;
  }
  if (markers.has('[tokens]')) {
    record('refused_invalid', markers);
    hidreamAnswer(res, HIDREAM_CODE.invalid, 'prompt is too long: at most 77 tokens', requestId);
    return;
  }
  if (markers.has('[quota]')) {
    record('refused_code', markers);
    hidreamAnswer(res, HIDREAM_CODE.noQuota, '余额不足 (insufficient quota)', requestId);
    return;
  }
  if (markers.has('[busy]') && ctx.state.firstTime(`hidream:${JSON.stringify(withoutKeys(input, ['request_id']))}`)) {
    record('refused_limit', markers);
    const [code, message] = hidreamLimitMessage(ctx, 'hidream.concurrency', spec);
    hidreamAnswer(res, code, message, requestId);
    return;
  }
  if (markers.has('[submit-502]')) {
    record('gateway_502', markers);
    badGateway(res);
    return;
  }
  const count = spec.countField === undefined ? 1 : Number(checked.params[spec.countField]);
  const reason = markers.has('[limit]') ? (`hidream.${spec.category}` as LimitReason) : ctx.state.overLimit('hidream', spec.category, count);
  if (reason) {
    record('refused_limit', markers);
    const [code, message] = hidreamLimitMessage(ctx, reason, spec);
    hidreamAnswer(res, code, message, requestId);
    return;
  }

  const file = mediaFileFor(spec.id, checked.params);
  const task = ctx.state.createTask({
    vendor: 'hidream',
    operation: spec.id,
    category: spec.category,
    kind: spec.output,
    requestId,
    markers,
    files: Array.from({ length: count }, () => file),
  });
  record('created', markers, task.taskId);
  const subTaskIds = markers.has('[no-subtasks]') ? {} : { sub_task_ids: task.outputs.map((o) => o.subTaskId) };
  const answer = { code: 0, message: '请求成功', request_id: requestId ?? '', result: { task_id: task.taskId, ...subTaskIds } };
  if (markers.has('[cut]')) cut(res, answer);
  else if (markers.has('[garbage]')) garbage(res);
  else json(res, 200, answer);
}

const HIDREAM_STATUS: Record<OutputPhase, number> = { waiting: 0, running: 2, success: 1, fail: 3, moderation: 4, unknown: 1005 };

function hidreamTaskResult(ctx: SandboxContext, task: SandboxTask): unknown {
  const spec = OPERATIONS[task.operation];
  return {
    task_id: task.taskId,
    sub_task_results: task.outputs.flatMap((output, index) => {
      const view = ctx.state.view(task, output);
      // HiDream lists a sub-task's result only once it exists.
      if (view.phase === 'waiting' && task.markers.has('[staggered]')) return [];
      const url = view.phase === 'success' && view.expiresAt !== null ? ctx.media.url(ctx.origin, task.taskId, index, output.file, view.expiresAt) : '';
      return [{ sub_task_id: output.subTaskId, task_status: HIDREAM_STATUS[view.phase], task_completion: view.progress, [spec.output]: url }];
    }),
  };
}

/** Applies `[poll-502]` / `[poll-cut]` on a task's first query; true when the answer was taken over. */
function pollFault(tasks: SandboxTask[], res: ServerResponse, answer: unknown): boolean {
  const first = tasks.filter((t) => t.queries === 1);
  if (first.some((t) => t.markers.has('[poll-502]'))) {
    badGateway(res);
    return true;
  }
  if (first.some((t) => t.markers.has('[poll-cut]'))) {
    cut(res, answer);
    return true;
  }
  return false;
}

function hidreamTask(ctx: SandboxContext, spec: OperationSpec, taskId: string): SandboxTask | null {
  const task = ctx.state.tasks.get(taskId);
  return task?.operation === spec.id ? task : null;
}

export function hidreamQuery(ctx: SandboxContext, spec: OperationSpec, url: URL, req: IncomingMessage, res: ServerResponse): void {
  const requestId = url.searchParams.get('request_id');
  if (!hidreamAuth(ctx, req, res, requestId)) {
    ctx.state.recordAuthFailure();
    return;
  }
  const task = hidreamTask(ctx, spec, url.searchParams.get('task_id') ?? '');
  if (!task) {
    hidreamAnswer(res, HIDREAM_CODE.notFound, '任务不存在 (task not found)', requestId);
    return;
  }
  ctx.state.recordQuery([task]);
  const answer = { code: 0, message: '请求成功', request_id: requestId ?? task.requestId ?? '', result: hidreamTaskResult(ctx, task) };
  if (!pollFault([task], res, answer)) json(res, 200, answer);
}

export async function hidreamBatchQuery(ctx: SandboxContext, spec: OperationSpec, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const read = await body(req, res);
  if (!read) return;
  ctx.state.recordBatchQuery();
  if (!hidreamAuth(ctx, req, res, null)) {
    ctx.state.recordAuthFailure();
    return;
  }
  const list = isObject(read.json) ? read.json['task_id_list'] : undefined;
  if (!Array.isArray(list) || list.length === 0 || list.length > 100 || !list.every((id) => typeof id === 'string')) {
    hidreamAnswer(res, HIDREAM_CODE.invalid, '参数错误 (invalid parameter): task_id_list must be a list of 1 to 100 task ids', null);
    return;
  }
  // Unknown ids are left out of the list rather than failing the whole batch.
  const tasks = list.map((id) => hidreamTask(ctx, spec, id)).filter((t): t is SandboxTask => t !== null);
  if (tasks.some((t) => t.markers.has('[batch-401]'))) {
    json(res, 401, { code: 401, message: 'Unauthorized', request_id: '', result: null });
    return;
  }
  if (tasks.some((t) => t.markers.has('[batch-empty]'))) {
    hidreamAnswer(res, 0, '请求成功', null, []);
    return;
  }
  ctx.state.recordQuery(tasks);
  const answer = { code: 0, message: '请求成功', request_id: '', result: tasks.map((task) => hidreamTaskResult(ctx, task)) };
  if (!pollFault(tasks, res, answer)) json(res, 200, answer);
}

// ---------------------------------------------------------------------------------------------------
// Haiper (Cloudsway MaaS): plain HTTP statuses with `{message}` bodies. UNCERTAIN: the error bodies are
// not documented; `{message}` is the common gateway shape and what the client reads first.

function haiperAuth(ctx: SandboxContext, req: IncomingMessage, res: ServerResponse): boolean {
  const state = authState(ctx, 'haiper', req);
  if (state === 'wrong') json(res, 401, { message: 'Invalid access key' });
  if (state === 'expired') json(res, 403, { message: 'Access key expired or disabled' });
  return state === 'ok';
}

export async function haiperSubmit(ctx: SandboxContext, spec: OperationSpec, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const read = await body(req, res);
  if (!read) return;
  const input = isObject(read.json) ? read.json : null;
  const markers = input ? markersIn(input) : new Set<SandboxMarkerName>();
  const record = (outcome: SubmissionOutcome, taskId: string | null = null): void =>
    ctx.state.recordSubmission({ vendor: 'haiper', operation: spec.id, requestId: null, taskId, outcome, markers: [...markers], body: input });

  if (!haiperAuth(ctx, req, res)) {
    record('refused_auth');
    return;
  }
  if (!input) {
    record('refused_invalid');
    json(res, 400, { message: 'Request body must be a JSON object' });
    return;
  }
  const checked = validateParams(spec.id, input, { allowLoopback: true });
  if (!checked.ok) {
    record('refused_invalid');
    json(res, 400, { message: refusal(spec, checked.issues, 'en') });
    return;
  }
  if (markers.has('[code]')) {
    record('refused_code');
    json(res, 400, { message: 'The model service rejected the request (sandbox [code] marker)' });
    return;
  }
  if (markers.has('[tokens]')) {
    record('refused_invalid');
    json(res, 400, { message: 'prompt is too long: at most 77 tokens' });
    return;
  }
  if (markers.has('[quota]')) {
    record('refused_code');
    json(res, 402, { message: 'insufficient quota' });
    return;
  }
  if (markers.has('[busy]') && ctx.state.firstTime(`haiper:${JSON.stringify(input)}`)) {
    record('refused_limit');
    json(res, 429, { message: `Too many running tasks: at most ${ctx.state.limits.haiper.concurrency} at a time` }, { 'retry-after': '1' });
    return;
  }
  if (markers.has('[submit-502]')) {
    record('gateway_502');
    badGateway(res);
    return;
  }
  const reason = markers.has('[limit]') ? 'haiper.rate' : ctx.state.overLimit('haiper', spec.category, 1);
  if (reason) {
    record('refused_limit');
    const limits = ctx.state.limits.haiper;
    const message = reason === 'haiper.concurrency' ? `Too many running tasks: at most ${limits.concurrency} at a time` : `Too many requests: at most ${limits.perMinute} tasks per minute`;
    json(res, 429, { message }, { 'retry-after': String(Math.ceil(ctx.state.retryAfterMs('haiper', spec.category) / 1000)) });
    return;
  }
  const task = ctx.state.createTask({
    vendor: 'haiper',
    operation: spec.id,
    category: spec.category,
    kind: spec.output,
    requestId: null,
    markers,
    files: [mediaFileFor(spec.id, checked.params)],
  });
  record('created', task.taskId);
  const answer = { taskId: task.taskId };
  if (markers.has('[cut]')) cut(res, answer);
  else if (markers.has('[garbage]')) garbage(res);
  else json(res, 200, answer);
}

const HAIPER_STATUS: Record<OutputPhase, string> = {
  waiting: 'PENDING',
  running: 'IN_PROGRESS',
  success: 'SUCCESS',
  fail: 'FAIL',
  moderation: 'FAIL',
  unknown: 'CANCELLED',
};

export function haiperQuery(ctx: SandboxContext, taskId: string, req: IncomingMessage, res: ServerResponse): void {
  if (!haiperAuth(ctx, req, res)) {
    ctx.state.recordAuthFailure();
    return;
  }
  const task = ctx.state.tasks.get(taskId);
  const output = task?.vendor === 'haiper' ? task.outputs[0] : undefined;
  if (!task || !output) {
    json(res, 404, { message: 'task not found' });
    return;
  }
  ctx.state.recordQuery([task]);
  const view = ctx.state.view(task, output);
  const success = view.phase === 'success' && view.expiresAt !== null;
  const answer: Record<string, unknown> = {
    status: HAIPER_STATUS[view.phase],
    mediaUrl: success ? ctx.media.url(ctx.origin, task.taskId, 0, output.file, view.expiresAt ?? 0) : null,
    expireTime: success && view.expiresAt !== null ? (task.markers.has('[expire-seconds]') ? Math.floor(view.expiresAt / 1000) : view.expiresAt) : null,
    progress: view.progress,
  };
  if (view.phase === 'moderation') answer['message'] = 'Content moderation: the request was flagged as unsafe';
  if (view.phase === 'fail') answer['message'] = 'Generation failed';
  if (!pollFault([task], res, answer)) json(res, 200, answer);
}
