import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OperationId } from '@shared/catalog';
import { createVendorClient, isResendSafe, newRequestId, type VendorClient, type VendorClientOptions } from '@main/core/vendors';
import { startSandbox, type Sandbox } from '@main/sandbox';
import { closedPort, sendJson, startFaultServer, type FaultHandler, type FaultServer } from '../support/fault-server';
import { checked, download, instantRetries, manualClock, MEDIA_DIR, vendorError } from '../support/vendors';

/*
 * Every error kind of the taxonomy, provoked over real HTTP: through the sandbox's markers and limits
 * where it can, through a fault-injecting server where it cannot. Each case also checks `delivery`, the
 * field the engine uses to decide whether a failed submission may be sent again.
 */

const clock = manualClock();
let sandbox: Sandbox;
let hidream: VendorClient;
let haiper: VendorClient;
let retries: ReturnType<typeof instantRetries>;
const dir = mkdtempSync(join(tmpdir(), 'promptreel-vendor-errors-'));
const faults: FaultServer[] = [];
const clients: VendorClient[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ now: clock.now, hidreamLimits: { concurrency: 100, perMinute: { video: 1000, image: 1000 } } });
  retries = instantRetries(clock.now);
  hidream = createVendorClient(sandbox.hidream, retries);
  haiper = createVendorClient(sandbox.haiper, retries);
});

afterAll(async () => {
  await Promise.all([hidream.close(), haiper.close(), ...clients.map((c) => c.close()), ...faults.map((f) => f.close())]);
  await sandbox.close();
  rmSync(dir, { recursive: true, force: true });
});

async function fault(handler: FaultHandler): Promise<FaultServer> {
  const server = await startFaultServer(handler);
  faults.push(server);
  return server;
}

function hidreamAt(origin: string, options: VendorClientOptions = {}): VendorClient {
  const created = createVendorClient({ vendor: 'hidream', baseUrl: origin, token: 'test-token-0123456789', userId: 'user-42' }, { ...instantRetries(), ...options });
  clients.push(created);
  return created;
}

const submitVideo = (vendor: VendorClient, prompt: string, requestId = newRequestId()): Promise<unknown> =>
  vendor.submit({ ...checked('hidream.txt2video', { prompt }), requestId });

async function finalOutputs(vendor: VendorClient, operation: OperationId, params: Record<string, unknown>): Promise<NonNullable<Awaited<ReturnType<VendorClient['query']>>[number]>['outputs']> {
  const { taskId } = await vendor.submit({ ...checked(operation, params), requestId: newRequestId() });
  clock.advance(200_000);
  const [status] = await vendor.query(operation, [taskId]);
  return status?.outputs ?? [];
}

describe('validation', () => {
  // Parameter ranges are checked once, by the engine (see jobs-engine and operations-validate); a client
  // sends validated params as they are. It still refuses a file it has no field for, before any request.
  it('refuses a file for an operation that takes none, before any request', async () => {
    const before = sandbox.stats().submissions.length;
    const file = await vendorError(() =>
      haiper.submit({ ...checked('haiper.upscale', { config: { sourceVideo: 'https://x.example/v.mp4' } }), file: join(MEDIA_DIR, 'source-clip.mp4'), requestId: newRequestId() }),
    );
    expect(file).toMatchObject({ kind: 'validation', delivery: 'not_sent' });
    expect(file.message).toBe('Haiper · Upscale video does not take a local file (only HiDream · Stylize a video does).');
    expect(sandbox.stats().submissions.length).toBe(before);
  });

  it('refuses a local file that is not a video by its content, whatever its name', async () => {
    const fake = join(dir, 'holiday.mp4');
    writeFileSync(fake, Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(100)]));
    const error = await vendorError(() => hidream.submit({ ...checked('hidream.video_stylize', { style: 'anime' }, true), file: fake, requestId: newRequestId() }));
    expect(error.kind).toBe('validation');
    expect(error.message).toBe('holiday.mp4 is not a video HiDream can stylize: expected an mp4/mov, webm/mkv or avi file (checked by its content, not its name).');
  });

  it('refuses a video over the size cap, and says the cap', async () => {
    const small = createVendorClient(sandbox.hidream, { maxUploadBytes: 1024 });
    clients.push(small);
    const error = await vendorError(() =>
      small.submit({ ...checked('hidream.video_stylize', { style: 'anime' }, true), file: join(MEDIA_DIR, 'source-clip.mp4'), requestId: newRequestId() }),
    );
    expect(error.message).toBe('source-clip.mp4 is 4.5 KB; a video to stylize can be at most 1 KB. Trim or compress it, or give its URL instead.');
  });

  it('refuses credentials that cannot work, before any request', () => {
    expect(() => createVendorClient({ vendor: 'hidream', baseUrl: 'www.hidreamai.com', token: 't' })).toThrow('The HiDream base URL must be an http(s) URL (got "www.hidreamai.com").');
    // The same rule as key entry (keys/validate.ts): single slashes pass, anything that could break the URL does not.
    expect(() => createVendorClient({ vendor: 'haiper', baseUrl: 'https://genaiapi.cloudsway.net/v1/ai', endpointPath: 'a/../b', accessKey: 'k' })).toThrow(
      'The Cloudsway endpoint path may contain only letters, digits, - _ . ~ and single slashes.',
    );
    expect(() => createVendorClient({ vendor: 'haiper', baseUrl: 'https://genaiapi.cloudsway.net/v1/ai', endpointPath: 'maas/ep-1', accessKey: 'k' })).not.toThrow();
  });

  it('refuses a missing file and a request_id that is not a UUID', async () => {
    const missing = await vendorError(() => hidream.submit({ ...checked('hidream.video_stylize', { style: 'anime' }, true), file: join(dir, 'nope.mp4'), requestId: newRequestId() }));
    expect(missing.message).toMatch(/^The video file .*nope\.mp4 cannot be read \(ENOENT\)\.$/);
    const id = await vendorError(() => submitVideo(hidream, 'x', 'job-1'));
    expect(id.message).toBe('request_id must be a UUID (got "job-1").');
  });

  it('a file that shrinks mid-upload fails the submission as never delivered', async () => {
    const file = join(dir, 'shrinking.mp4');
    const data = Buffer.alloc(12 * 1024 * 1024, 1);
    Buffer.from([0, 0, 0, 0x18, ...Buffer.from('ftypisom')]).copy(data);
    writeFileSync(file, data);
    const error = await vendorError(() =>
      hidream.submit({ ...checked('hidream.video_stylize', { style: 'anime' }, true), file, requestId: newRequestId(), onUploadProgress: () => truncateSync(file, 10) }),
    );
    expect(error).toMatchObject({ kind: 'validation', delivery: 'not_sent' });
    expect(error.message).toBe('Could not send the video: shrinking.mp4 got shorter while it was being sent.');
  });
});

describe('auth', () => {
  it('a wrong HiDream token is a 401 on submit: auth, refused, safe to resend with a new key', async () => {
    const wrong = createVendorClient({ ...sandbox.hidream, token: 'not-the-right-token' }, retries);
    clients.push(wrong);
    const error = await vendorError(() => submitVideo(wrong, 'x'));
    expect(error).toMatchObject({ kind: 'auth', delivery: 'rejected', status: 401 });
    expect(error.message).toBe('HiDream refused the key (HTTP 401): Unauthorized: invalid token');
    expect(isResendSafe(error)).toBe(true);
    await expect(wrong.checkConnection()).rejects.toMatchObject({ kind: 'auth' });
  });

  it('an expired HiDream token fails submit and polling alike (HTTP 200 with an auth code)', async () => {
    const { taskId } = (await submitVideo(hidream, 'before expiry')) as { taskId: string };
    sandbox.setTokenValid('hidream', false);
    try {
      const submit = await vendorError(() => submitVideo(hidream, 'x'));
      expect(submit).toMatchObject({ kind: 'auth', vendorCode: 1002, status: 200 });
      const query = await vendorError(() => hidream.query('hidream.txt2video', [taskId]));
      expect(query.kind).toBe('auth');
      expect(query.message).toContain('token 已过期');
    } finally {
      sandbox.setTokenValid('hidream', true);
    }
  });

  it('a wrong or disabled Haiper key is auth (401 and 403)', async () => {
    const wrong = createVendorClient({ ...sandbox.haiper, accessKey: 'wrong-access-key' }, retries);
    clients.push(wrong);
    expect(await vendorError(() => wrong.submit({ ...checked('haiper.generate', { prompt: 'x' }), requestId: newRequestId() }))).toMatchObject({ kind: 'auth', status: 401 });
    await expect(wrong.checkConnection()).rejects.toMatchObject({ kind: 'auth' });
    sandbox.setTokenValid('haiper', false);
    try {
      expect(await vendorError(() => haiper.submit({ ...checked('haiper.generate', { prompt: 'x' }), requestId: newRequestId() }))).toMatchObject({ kind: 'auth', status: 403 });
    } finally {
      sandbox.setTokenValid('haiper', true);
    }
  });

  it('never puts the key in an error message or the kept raw body', async () => {
    const echo = await fault((req, res) => sendJson(res, 200, { code: 1002, message: `token ${String(req.headers.authorization)} expired` }));
    const error = await vendorError(() => submitVideo(hidreamAt(echo.origin), 'x'));
    expect(error.kind).toBe('auth');
    expect(`${error.message} ${error.rawBody ?? ''}`).not.toContain('test-token-0123456789');
    expect(error.rawBody).toContain('****6789');
  });
});

describe('rate_limit', () => {
  it('HiDream per-minute limits: the submission over the limit is refused and counted as a violation', async () => {
    const limited = await startSandbox({ now: clock.now, hidreamLimits: { perMinute: { image: 3 }, concurrency: 10 } });
    const vendor = createVendorClient(limited.hidream, retries);
    try {
      await vendor.submit({ ...checked('hidream.txt2img', { prompt: 'x', img_count: 2 }), requestId: newRequestId() });
      // Each image counts: 2 used, 2 more would make 4 > 3.
      const error = await vendorError(() => vendor.submit({ ...checked('hidream.txt2img', { prompt: 'x', img_count: 2 }), requestId: newRequestId() }));
      expect(error).toMatchObject({ kind: 'rate_limit', delivery: 'rejected', vendorCode: 1012 });
      expect(error.message).toContain('at most 3 image tasks per minute');
      await vendor.submit({ ...checked('hidream.txt2img', { prompt: 'x', img_count: 1 }), requestId: newRequestId() });
      expect(limited.stats().limitViolations).toEqual({ total: 1, 'hidream.image': 1 });
      clock.advance(60_001);
      await vendor.submit({ ...checked('hidream.txt2img', { prompt: 'x', img_count: 3 }), requestId: newRequestId() });
    } finally {
      await vendor.close();
      await limited.close();
    }
  });

  it('HiDream concurrency (free membership: one task at a time) until the running task finishes', async () => {
    const limited = await startSandbox({ now: clock.now });
    const vendor = createVendorClient(limited.hidream, retries);
    try {
      await submitVideo(vendor, 'first');
      const error = await vendorError(() => submitVideo(vendor, 'second'));
      expect(error).toMatchObject({ kind: 'rate_limit', vendorCode: 1013 });
      expect(error.message).toContain('concurrent task limit of 1 reached');
      clock.advance(15_000);
      await submitVideo(vendor, 'second, later');
      expect(limited.stats().maxConcurrent).toMatchObject({ hidream: 1, video: 1 });
      expect(limited.stats().limitViolations).toEqual({ total: 1, 'hidream.concurrency': 1 });
    } finally {
      await vendor.close();
      await limited.close();
    }
  });

  it('Haiper answers 429 with Retry-After, which the error carries', async () => {
    const limited = await startSandbox({ now: clock.now, haiperLimits: { perMinute: 1, concurrency: 5 } });
    const vendor = createVendorClient(limited.haiper, retries);
    try {
      await vendor.submit({ ...checked('haiper.generate', { prompt: 'x' }), requestId: newRequestId() });
      const error = await vendorError(() => vendor.submit({ ...checked('haiper.generate', { prompt: 'y' }), requestId: newRequestId() }));
      expect(error).toMatchObject({ kind: 'rate_limit', status: 429, delivery: 'rejected', retryAfterMs: 60_000 });
    } finally {
      await vendor.close();
      await limited.close();
    }
  });

  it('a rate-limited poll is retried after at least Retry-After', async () => {
    const server = await fault((req, res, i) =>
      i === 0 ? sendJson(res, 429, { message: 'slow down' }, { 'retry-after': '2' }) : sendJson(res, 200, { code: 0, result: { task_id: 't', sub_task_results: [] } }),
    );
    const options = instantRetries();
    const [status] = await hidreamAt(server.origin, options).query('hidream.txt2video', ['t']);
    expect(status).toEqual({ taskId: 't', outputs: [] });
    expect(options.sleeps).toHaveLength(1);
    expect(options.sleeps[0]).toBeGreaterThanOrEqual(2_000);
  });
});

describe('task outcomes', () => {
  it('moderation: HiDream task_status 4', async () => {
    const [output] = await finalOutputs(hidream, 'hidream.txt2video', { prompt: 'something [moderation]' });
    expect(output).toMatchObject({ state: 'failed', url: null, error: { kind: 'moderation' } });
    expect(output?.error?.message).toContain('task_status 4');
  });

  it('moderation of one image of four leaves the other three', async () => {
    const outputs = await finalOutputs(hidream, 'hidream.txt2img', { prompt: 'four [partial]', img_count: 4 });
    expect(outputs.map((o) => o.state)).toEqual(['succeeded', 'succeeded', 'succeeded', 'failed']);
    expect(outputs[3]?.error?.kind).toBe('moderation');
  });

  it('generation_failed: HiDream task_status 3, an unknown status, and Haiper FAIL', async () => {
    const [failed] = await finalOutputs(hidream, 'hidream.txt2img', { prompt: 'x [fail]' });
    expect(failed?.error).toEqual({ kind: 'generation_failed', message: 'HiDream could not generate this image (task_status 3).' });
    const [unknown] = await finalOutputs(hidream, 'hidream.txt2img', { prompt: 'x [unknown-status]' });
    expect(unknown?.error).toEqual({ kind: 'generation_failed', message: 'HiDream reported task_status 1005, which means no result. Try changing the prompt.' });
    const [haiperFail] = await finalOutputs(haiper, 'haiper.generate', { prompt: 'x [fail]' });
    expect(haiperFail?.error).toEqual({ kind: 'generation_failed', message: 'Haiper could not generate this video: Generation failed' });
    // An undocumented Haiper status is not final: the vendor may still finish (and bill) it.
    const [cancelled] = await finalOutputs(haiper, 'haiper.generate', { prompt: 'x [unknown-status]' });
    expect(cancelled).toMatchObject({ state: 'running', unknownStatus: 'CANCELLED', error: null });
  });

  it('Haiper FAIL with a moderation reason is moderation', async () => {
    const [output] = await finalOutputs(haiper, 'haiper.upscale', { config: { sourceVideo: 'https://x.example/clip.mp4?tag=[moderation]' } });
    expect(output?.error?.kind).toBe('moderation');
  });

  it('expired: a Haiper result whose link expired before we saw it, and whose URL answers 403', async () => {
    const [output] = await finalOutputs(haiper, 'haiper.generate', { prompt: 'late [expired]' });
    expect(output).toMatchObject({ state: 'failed', error: { kind: 'expired' } });
    expect(output?.expiresAt).toBeLessThanOrEqual(clock.now());
    expect((await download(output?.url ?? '')).status).toBe(403);
  });
});

describe('vendor', () => {
  it('HiDream code != 0 keeps its code and message', async () => {
    const error = await vendorError(() => submitVideo(hidream, 'x [code]'));
    expect(error).toMatchObject({ kind: 'vendor', vendorCode: 2031, delivery: 'rejected' });
    expect(error.message).toBe('HiDream answered with code 2031: 模型已下线 (this model version has been retired)');
  });

  it('a Haiper 400 keeps its message', async () => {
    const error = await vendorError(() => haiper.submit({ ...checked('haiper.extend', { config: { sourceVideo: 'https://x.example/[code].mp4' } }), requestId: newRequestId() }));
    expect(error).toMatchObject({ kind: 'vendor', status: 400, delivery: 'rejected' });
    expect(error.message).toBe('Haiper refused the request (HTTP 400): The model service rejected the request (sandbox [code] marker)');
  });
});

describe('submissions that may have reached the vendor are never resent', () => {
  it('network: the connection cut mid-answer after the task was created', async () => {
    const requestId = newRequestId();
    const created = sandbox.stats().tasksCreated;
    const error = await vendorError(() => submitVideo(hidream, 'x [cut]', requestId));
    expect(error).toMatchObject({ kind: 'network', delivery: 'maybe_sent' });
    expect(isResendSafe(error)).toBe(false);
    expect(sandbox.stats().submissionsByRequestId[requestId]).toBe(1);
    expect(sandbox.stats().tasksCreated).toBe(created + 1);
  });

  it('server: a 502 from the gateway', async () => {
    const requestId = newRequestId();
    const error = await vendorError(() => submitVideo(hidream, 'x [submit-502]', requestId));
    expect(error).toMatchObject({ kind: 'server', status: 502, delivery: 'maybe_sent' });
    expect(error.rawBody).toContain('502 Bad Gateway');
    expect(sandbox.stats().submissionsByRequestId[requestId]).toBe(1);
  });

  it('bad_response: HTTP 200 with an HTML page, raw body kept for the log', async () => {
    const error = await vendorError(() => haiper.submit({ ...checked('haiper.generate', { prompt: 'x [garbage]' }), requestId: newRequestId() }));
    expect(error).toMatchObject({ kind: 'bad_response', delivery: 'maybe_sent', status: 200 });
    expect(error.message).toBe('Haiper sent an answer we could not read (not JSON).');
    expect(error.rawBody).toContain('<!DOCTYPE html>');
  });

  it('bad_response: code 0 with a result of the wrong shape', async () => {
    const server = await fault((_req, res) => sendJson(res, 200, { code: 0, message: 'ok', result: { sub_task_ids: ['a'] } }));
    const error = await vendorError(() => submitVideo(hidreamAt(server.origin), 'x'));
    expect(error).toMatchObject({ kind: 'bad_response', delivery: 'maybe_sent' });
    expect(error.message).toContain('result.task_id');
    expect(server.requests).toHaveLength(1);
  });

  it('timeout: no answer within the headers timeout, and no second copy', async () => {
    const server = await fault(() => undefined);
    const error = await vendorError(() => submitVideo(hidreamAt(server.origin, { timeouts: { headersMs: 150 } }), 'x'));
    expect(error).toMatchObject({ kind: 'timeout', delivery: 'maybe_sent' });
    expect(error.message).toBe('HiDream did not answer within 0.15 s.');
    expect(server.requests).toHaveLength(1);
  });

  it('timeout: an answer that stalls mid-body', async () => {
    const server = await fault((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"code":0,');
    });
    const error = await vendorError(() => submitVideo(hidreamAt(server.origin, { timeouts: { bodyMs: 150 } }), 'x'));
    expect(error).toMatchObject({ kind: 'timeout', delivery: 'maybe_sent' });
  });

  it('canceled: aborting while the vendor works on it', async () => {
    const server = await fault(() => undefined);
    const controller = new AbortController();
    const pending = hidreamAt(server.origin).submit({ ...checked('hidream.txt2video', { prompt: 'x' }), requestId: newRequestId(), signal: controller.signal });
    while (server.requests.length === 0) await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    expect(await vendorError(() => pending)).toMatchObject({ kind: 'canceled', delivery: 'maybe_sent' });
  });
});

describe('submissions that never left are resent', () => {
  it('network: connection refused is not_sent, resent with backoff, then reported', async () => {
    const options = instantRetries();
    const port = await closedPort();
    const error = await vendorError(() => submitVideo(hidreamAt(`http://127.0.0.1:${String(port)}`, options), 'x'));
    expect(error).toMatchObject({ kind: 'network', delivery: 'not_sent' });
    // Plain words naming the host; the system's code stays on the cause, for the log.
    expect(error.message).toBe(`Could not connect to HiDream. 127.0.0.1:${String(port)} refused the connection. The service may be down, or the address or port is wrong.`);
    expect(error.message).not.toMatch(/ECONNREFUSED/);
    expect((error.cause as { code?: string } | undefined)?.code).toBe('ECONNREFUSED');
    expect(options.sleeps).toHaveLength(2);
    expect(isResendSafe(error)).toBe(true);
  });

  it('canceled before it was sent is not_sent', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await vendorError(() => hidream.submit({ ...checked('hidream.txt2video', { prompt: 'x' }), requestId: newRequestId(), signal: controller.signal }));
    expect(error).toMatchObject({ kind: 'canceled', delivery: 'not_sent' });
  });
});

describe('result queries ride out transient failures', () => {
  it('a 502 during polling is retried and the poll succeeds', async () => {
    const { taskId } = await haiper.submit({ ...checked('haiper.generate', { prompt: 'x [poll-502]' }), requestId: newRequestId() });
    const sleeps = retries.sleeps.length;
    const [status] = await haiper.query('haiper.generate', [taskId]);
    expect(status?.outputs[0]?.state).toBe('pending');
    expect(retries.sleeps.length).toBe(sleeps + 1);
    expect(sandbox.stats().queriesByTask[taskId]).toBe(2);
  });

  it('a poll cut mid-answer is retried, also inside a HiDream batch', async () => {
    const a = await hidream.submit({ ...checked('hidream.txt2img', { prompt: 'x [poll-cut]' }), requestId: newRequestId() });
    const b = await hidream.submit({ ...checked('hidream.txt2img', { prompt: 'y' }), requestId: newRequestId() });
    const statuses = await hidream.query('hidream.txt2img', [a.taskId, b.taskId]);
    expect(statuses.map((s) => s.taskId)).toEqual([a.taskId, b.taskId]);
    expect(sandbox.stats().queriesByTask[a.taskId]).toBe(2);
  });

  it('a server that keeps failing is reported as server after the retries', async () => {
    const server = await fault((_req, res) => sendJson(res, 503, { message: 'maintenance' }));
    const options = instantRetries();
    const error = await vendorError(() => hidreamAt(server.origin, options).query('hidream.txt2video', ['t']));
    expect(error).toMatchObject({ kind: 'server', status: 503 });
    expect(error.message).toBe('HiDream had a server error (HTTP 503): maintenance');
    expect(server.requests).toHaveLength(4);
    // Full jitter under a doubling ceiling: each wait is below 500, 1000, 2000 ms.
    options.sleeps.forEach((ms, i) => expect(ms).toBeLessThan(500 * 2 ** i));
  });

  it('an unknown task is a vendor error, not retried', async () => {
    const error = await vendorError(() => hidream.query('hidream.txt2video', ['00000000-0000-4000-8000-000000000001']));
    expect(error).toMatchObject({ kind: 'vendor', vendorCode: 1004 });
    const missing = await vendorError(() => haiper.query('haiper.generate', ['nope']));
    expect(missing).toMatchObject({ kind: 'vendor', status: 404 });
  });

  it.each([
    ['unknown (404)', 404, { message: 'no such route' }],
    ['refused (401)', 401, { code: 401, message: 'Unauthorized' }],
    ['empty (result: [])', 200, { code: 0, message: 'ok', result: [] }],
  ] as const)('falls back to single queries when the (inferred) batch path is %s, and rests it after 3 failures', async (_what, status, body) => {
    const server = await fault((req, res) => {
      if (req.url.endsWith('/batch')) sendJson(res, status, body);
      else sendJson(res, 200, { code: 0, result: { task_id: new URL(req.url, 'http://x').searchParams.get('task_id'), sub_task_results: [{ sub_task_id: 's', task_status: 2, task_completion: 40 }] } });
    });
    const vendor = hidreamAt(server.origin);
    const statuses = await vendor.query('hidream.txt2video', ['t1', 't2']);
    expect(statuses.map((s) => [s.taskId, s.outputs[0]?.state, s.outputs[0]?.progress])).toEqual([
      ['t1', 'running', 0.4],
      ['t2', 'running', 0.4],
    ]);
    for (let i = 0; i < 5; i++) await vendor.query('hidream.txt2video', ['t1', 't2']);
    // Tried three times in a row, then left alone for a while: not a batch plus N singles on every poll.
    expect(server.requests.filter((r) => r.url.endsWith('/batch'))).toHaveLength(3);
    expect(server.requests.filter((r) => !r.url.endsWith('/batch'))).toHaveLength(12);
  });
});

describe('wire format', () => {
  it('HiDream: exact body with defaults and our request_id, bearer token and API-User-ID headers', async () => {
    const server = await fault((_req, res) => sendJson(res, 200, { code: 0, message: '请求成功', result: { task_id: 'task', sub_task_ids: ['sub'] } }));
    const requestId = newRequestId();
    expect(await hidreamAt(server.origin).submit({ ...checked('hidream.txt2video', { prompt: '小丑鱼', camera_move_depth: -5 }), requestId })).toEqual({ taskId: 'task', subTaskIds: ['sub'] });
    const [req] = server.requests;
    expect(req?.method).toBe('POST');
    expect(req?.url).toBe('/api-pub/gw/v3/video/txt2video/async');
    expect(req?.headers).toMatchObject({ authorization: 'Bearer test-token-0123456789', 'api-user-id': 'user-42', 'content-type': 'application/json' });
    expect(JSON.parse(req?.body.toString() ?? '')).toEqual({
      prompt: '小丑鱼',
      negative_prompt: '',
      version: 'v2',
      resolution: '960*960',
      camera_move_horizontal: 0,
      camera_move_vertical: 0,
      camera_move_depth: -5,
      motion_strength: 9,
      request_id: requestId,
    });
  });

  it('HiDream stylize upload: a JSON body of known length (never chunked) whose video_name is the file in base64', async () => {
    const server = await fault((_req, res) => sendJson(res, 200, { code: 0, result: { task_id: 'task', sub_task_ids: ['s'] } }));
    const file = join(MEDIA_DIR, 'source-clip.mp4');
    const requestId = newRequestId();
    await hidreamAt(server.origin).submit({ ...checked('hidream.video_stylize', { style: 'van_goph', prompt: '星空' }, true), file, requestId });
    const [req] = server.requests;
    expect(req?.headers['transfer-encoding']).toBeUndefined();
    expect(Number(req?.headers['content-length'])).toBe(req?.body.length);
    const body = JSON.parse(req?.body.toString() ?? '') as Record<string, string>;
    expect(body).toMatchObject({ style: 'van_goph', prompt: '星空', request_id: requestId });
    expect(Buffer.from(body['video_name'] ?? '', 'base64').equals(readFileSync(file))).toBe(true);
  });

  it('Haiper: nested config and settings under {base}/{endpointPath}', async () => {
    const server = await fault((_req, res) => sendJson(res, 200, { taskId: 'abc' }));
    const vendor = createVendorClient({ vendor: 'haiper', baseUrl: `${server.origin}/v1/ai/`, endpointPath: 'LPUqHEAjfonOmohV', accessKey: 'access-key-123456' });
    clients.push(vendor);
    await vendor.submit({ ...checked('haiper.extend', { config: { sourceVideo: 'https://demo.mp4' }, settings: { seed: 42 } }), requestId: newRequestId() });
    const [req] = server.requests;
    expect(req?.url).toBe('/v1/ai/LPUqHEAjfonOmohV/video/extend');
    expect(req?.headers.authorization).toBe('Bearer access-key-123456');
    expect(JSON.parse(req?.body.toString() ?? '')).toEqual({ config: { sourceVideo: 'https://demo.mp4', extendDuration: 4 }, settings: { seed: 42, guidanceScale: 7.5 } });
  });

  it('checkConnection does not mistake a wrong base URL (HTTP 404) for a working key', async () => {
    const server = await fault((_req, res) => {
      res.writeHead(404, { 'content-type': 'text/html' }).end('<html>Not Found</html>');
    });
    await expect(hidreamAt(server.origin).checkConnection()).rejects.toMatchObject({ kind: 'vendor', status: 404 });
  });
});
