import { describe, expect, it } from 'vitest';
import { OPERATIONS } from '@shared/catalog';
import { expireTimeMs, mapHaiperTask } from '@main/core/vendors/haiper';
import { hidreamCodeError, mapSubTask } from '@main/core/vendors/hidream';
import { messageOf, retryAfterMs, statusError, type HttpResponse } from '@main/core/vendors/http';
import { backoffDelay, DEFAULT_QUERY_RETRY, withRetry } from '@main/core/vendors/retry';
import { VendorError } from '@main/core/vendors/types';

const response = (status: number, body: unknown, headers: HttpResponse['headers'] = {}): HttpResponse => ({
  status,
  headers,
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

describe('HiDream sub-task mapping', () => {
  const video = OPERATIONS['hidream.txt2video'];
  const image = OPERATIONS['hidream.txt2img'];

  it.each([
    [0, 'pending', null],
    [2, 'running', null],
    [1, 'succeeded', null],
    [3, 'failed', 'generation_failed'],
    [4, 'failed', 'moderation'],
    [1004, 'failed', 'generation_failed'],
    [-1, 'failed', 'generation_failed'],
  ] as const)('task_status %i is %s', (status, state, kind) => {
    const output = mapSubTask({ sub_task_id: 's', task_status: status, task_completion: 0.5, video: status === 1 ? 'https://cdn/v.mp4' : '' }, video);
    expect(output.state).toBe(state);
    expect(output.error?.kind ?? null).toBe(kind);
    if (status === 1004) expect(output.error?.message).toContain('task_status 1004');
  });

  it('reads completion as a fraction or as percent, and takes the URL from the field of its kind', () => {
    expect(mapSubTask({ sub_task_id: 's', task_status: 2, task_completion: 0.37 }, video).progress).toBe(0.37);
    expect(mapSubTask({ sub_task_id: 's', task_status: 2, task_completion: 37 }, video).progress).toBe(0.37);
    expect(mapSubTask({ sub_task_id: 's', task_status: 1, image: 'https://cdn/i.png' }, image)).toMatchObject({ state: 'succeeded', url: 'https://cdn/i.png', kind: 'image' });
  });

  it('a done sub-task without a URL is a bad_response failure, not a success', () => {
    expect(mapSubTask({ sub_task_id: 's', task_status: 1, video: '' }, video)).toMatchObject({ state: 'failed', error: { kind: 'bad_response' } });
  });
});

describe('Haiper task mapping', () => {
  const spec = OPERATIONS['haiper.generate'];
  const now = 1_700_000_000_000;

  it('maps the four documented statuses, keeping expireTime', () => {
    expect(mapHaiperTask({ status: 'PENDING' }, spec, now).state).toBe('pending');
    expect(mapHaiperTask({ status: 'IN_PROGRESS', progress: 0.85 }, spec, now)).toMatchObject({ state: 'running', progress: 0.85 });
    expect(mapHaiperTask({ status: 'SUCCESS', mediaUrl: 'https://cdn/v.mp4', expireTime: now + 1000, progress: 0.85 }, spec, now)).toMatchObject({
      state: 'succeeded',
      progress: 1,
      url: 'https://cdn/v.mp4',
      expiresAt: now + 1000,
    });
    expect(mapHaiperTask({ status: 'FAIL' }, spec, now)).toMatchObject({ state: 'failed', error: { kind: 'generation_failed', message: 'Haiper could not generate this video.' } });
  });

  it('a success whose link already expired is an expired failure', () => {
    expect(mapHaiperTask({ status: 'SUCCESS', mediaUrl: 'https://cdn/v.mp4', expireTime: now }, spec, now).error?.kind).toBe('expired');
  });
});

describe('HiDream code classification: by code, never by the words', () => {
  it.each([
    [1002, 'token 已过期，请重新获取', 'auth'],
    [401, 'Unauthorized', 'auth'],
    [1012, '提交过于频繁', 'rate_limit'],
    [1013, '并发任务数已达上限', 'rate_limit'],
    [2031, '模型已下线', 'vendor'],
    [1001, 'prompt is too long: at most 77 tokens', 'validation'],
    // Words that read like auth or a limit under an unlisted code are an unknown refusal: the job fails.
    [1, 'token invalid', 'vendor'],
    [1101, 'insufficient quota', 'vendor'],
    [1, 'Too many requests', 'vendor'],
    [1, '', 'vendor'],
  ] as const)('code %i %j is %s', (code, message, kind) => {
    const error = hidreamCodeError(code, message, response(200, {}), 'rejected');
    expect(error.kind).toBe(kind);
    expect(error.vendorCode).toBe(code);
    if (message) expect(error.message).toContain(message);
  });
});

describe('HTTP status mapping', () => {
  it.each([
    [401, 'auth', 'rejected'],
    [403, 'auth', 'rejected'],
    [429, 'rate_limit', 'rejected'],
    [400, 'vendor', 'rejected'],
    [404, 'vendor', 'rejected'],
    [500, 'server', 'maybe_sent'],
    [502, 'server', 'maybe_sent'],
    [302, 'bad_response', 'maybe_sent'],
  ] as const)('%i is %s (%s)', (status, kind, delivery) => {
    expect(statusError('V', response(status, { message: 'why' }))).toMatchObject({ kind, delivery, status });
  });

  it('reads Retry-After as seconds or a date', () => {
    expect(retryAfterMs({ 'retry-after': '3' })).toBe(3000);
    expect(retryAfterMs({ 'retry-after': new Date(10_000).toUTCString() }, 4_000)).toBe(6000);
    expect(retryAfterMs({ 'retry-after': 'soon' })).toBeNull();
    expect(retryAfterMs({})).toBeNull();
  });

  it('finds the human message in the usual error shapes, and ignores HTML', () => {
    expect(messageOf('{"message":"a"}')).toBe('a');
    expect(messageOf('{"msg":"b"}')).toBe('b');
    expect(messageOf('{"error":{"code":"X","message":"c"}}')).toBe('c');
    expect(messageOf('{"error":"d"}')).toBe('d');
    expect(messageOf('plain words')).toBe('plain words');
    expect(messageOf('<html><body>502</body></html>')).toBeNull();
  });
});

describe('retry', () => {
  const policy = { ...DEFAULT_QUERY_RETRY, baseDelayMs: 100, maxDelayMs: 1_000 };

  it('full jitter: a uniform delay under a ceiling that doubles, capped', () => {
    expect(backoffDelay(0, { ...policy, random: () => 0.999 })).toBe(99);
    expect(backoffDelay(3, { ...policy, random: () => 0.5 })).toBe(400);
    expect(backoffDelay(10, { ...policy, random: () => 0.999 })).toBe(999);
    expect(backoffDelay(0, { ...policy, random: () => 0 })).toBe(0);
    // A vendor's Retry-After is a floor.
    expect(backoffDelay(0, { ...policy, random: () => 0 }, 2_000)).toBe(2_000);
  });

  it('retries transient failures only, up to the limit', async () => {
    const sleeps: number[] = [];
    const sleep = (ms: number): Promise<void> => {
      sleeps.push(ms);
      return Promise.resolve();
    };
    let calls = 0;
    const flaky = (): Promise<string> => {
      calls++;
      return calls < 3 ? Promise.reject(new VendorError('server', 'boom', { delivery: 'maybe_sent' })) : Promise.resolve('ok');
    };
    expect(await withRetry(flaky, { policy: { ...policy, sleep, retries: 5 }, shouldRetry: () => true })).toBe('ok');
    expect(sleeps).toHaveLength(2);

    calls = 0;
    const always = (): Promise<never> => {
      calls++;
      return Promise.reject(new VendorError('server', 'boom', { delivery: 'maybe_sent' }));
    };
    await expect(withRetry(always, { policy: { ...policy, sleep, retries: 2 }, shouldRetry: () => true })).rejects.toThrow('boom');
    expect(calls).toBe(3);

    calls = 0;
    await expect(withRetry(always, { policy: { ...policy, sleep, retries: 2 }, shouldRetry: () => false })).rejects.toThrow('boom');
    expect(calls).toBe(1);
  });
});

describe('Haiper answers the page does not document', () => {
  const spec = OPERATIONS['haiper.generate'];
  const now = 1_724_240_000_000;

  it('an unknown status is not final: still running, with the raw value kept', () => {
    expect(mapHaiperTask({ status: 'CANCELLED', progress: 0.5 }, spec, now)).toMatchObject({ state: 'running', unknownStatus: 'CANCELLED', error: null, progress: 0.5 });
  });

  it('an expireTime in seconds is read as seconds, so a fresh result is not expired', () => {
    const inSeconds = Math.floor((now + 3_600_000) / 1000);
    expect(mapHaiperTask({ status: 'SUCCESS', mediaUrl: 'https://cdn.example/v.mp4', expireTime: inSeconds }, spec, now)).toMatchObject({
      state: 'succeeded',
      expiresAt: inSeconds * 1000,
    });
    expect(expireTimeMs(1_724_241_996_259)).toBe(1_724_241_996_259);
    expect(expireTimeMs(0)).toBeNull();
  });
});
