import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { createVendorClient, newRequestId } from '@main/core/vendors';
import { startSandbox, type Sandbox } from '@main/sandbox';
import { checked, sampleFile } from '../support/vendors';

/*
 * The sandbox as a vendor, spoken to with raw HTTP (no client-side validation in the way): it must refuse
 * what the real vendors refuse, the way they refuse it.
 */

let sandbox: Sandbox;

beforeAll(async () => {
  // Limits out of the way: under load, an earlier test's task may still be running.
  sandbox = await startSandbox({ timeScale: 0.005, hidreamLimits: { concurrency: 100 } });
});

afterAll(async () => {
  await sandbox.close();
});

async function post(path: string, body: unknown, token: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await request(`${sandbox.origin}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.statusCode, json: (await res.body.json()) as Record<string, unknown> };
}

const hidreamPost = (path: string, body: unknown): ReturnType<typeof post> => post(path, body, sandbox.hidream.token);
const haiperPost = (operation: string, body: unknown): ReturnType<typeof post> =>
  post(`/v1/ai/${sandbox.haiper.endpointPath}/video/${operation}`, body, sandbox.haiper.accessKey);

describe('sandbox as HiDream', () => {
  it('answers invalid parameters with HTTP 200, a non-zero code and a message naming the field', async () => {
    const { status, json } = await hidreamPost('/api-pub/gw/v3/video/txt2video/async', { prompt: 'x', motion_strength: 31, request_id: 'r1' });
    expect(status).toBe(200);
    expect(json).toEqual({
      code: 1001,
      message: '参数错误 (invalid parameter): motion_strength: 运动强度须为大于 0 且不超过 30 的数字。 (Motion strength must be a number above 0 and at most 30.)',
      request_id: 'r1',
      result: null,
    });
  });

  it('refuses base64 in video_name that is not a video', async () => {
    const notVideo = Buffer.from('definitely not a video file, just text').toString('base64');
    const { json } = await hidreamPost('/api-pub/gw/v2/video/video_edit/async', { style: 'anime', video_name: notVideo });
    expect(json['code']).toBe(1001);
    expect(json['message']).toContain('video_name');
    expect(sandbox.stats().uploads.at(-1)).toMatchObject({ container: null });
  });

  it('accepts a base64 video sent by any JSON writer, escaped slashes and all', async () => {
    const clip = sampleFile('source-clip.mp4');
    const body = JSON.stringify({ style: 'anime', video_name: clip.toString('base64') }).replaceAll('/', '\\/');
    const { json } = await hidreamPost('/api-pub/gw/v2/video/video_edit/async', body);
    expect(json['code']).toBe(0);
    expect(sandbox.stats().uploads.at(-1)).toMatchObject({ bytes: clip.length, container: 'mp4' });
  });

  it('refuses a body that is not JSON, and a missing token with 401', async () => {
    expect((await hidreamPost('/api-pub/gw/v3/image/txt2img/async', '{oops')).json['code']).toBe(1000);
    const { status } = await post('/api-pub/gw/v3/image/txt2img/async', { prompt: 'x' }, 'nobody');
    expect(status).toBe(401);
  });
});

describe('sandbox as Haiper', () => {
  it('answers invalid parameters with HTTP 400 and a message', async () => {
    const { status, json } = await haiperPost('generate', { prompt: 'x', settings: { duration: 3 } });
    expect(status).toBe(400);
    expect(json).toEqual({ message: 'settings.duration: Duration must be one of: 2 s, 4 s, 8 s.' });
  });

  it('knows only its own endpoint path', async () => {
    const res = await request(`${sandbox.origin}/v1/ai/someone-else/video/generate`, { method: 'POST', body: '{}' });
    expect(res.statusCode).toBe(404);
    expect(await res.body.json()).toEqual({ message: 'endpoint not found' });
  });
});

describe('sandbox in real time', () => {
  it('finishes tasks in real time by itself (no manual clock, no timers)', async () => {
    const vendor = createVendorClient(sandbox.hidream);
    try {
      const { taskId } = await vendor.submit({ ...checked('hidream.txt2img', { prompt: 'real time', img_count: 2 }), requestId: newRequestId() });
      const states = new Set<string>();
      for (let i = 0; i < 200; i++) {
        const [status] = await vendor.query('hidream.txt2img', [taskId]);
        for (const output of status?.outputs ?? []) states.add(output.state);
        if (status?.outputs.every((o) => o.state === 'succeeded')) break;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      // Only the end is asserted: how many polls see it running depends on the machine's load.
      expect(states.has('succeeded')).toBe(true);
    } finally {
      await vendor.close();
    }
  });
});
