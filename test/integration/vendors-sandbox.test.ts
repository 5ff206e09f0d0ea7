import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OperationId } from '@shared/catalog';
import { createVendorClient, newRequestId, type VendorClient } from '@main/core/vendors';
import { startSandbox, type Sandbox } from '@main/sandbox';
import { checked, download, manualClock, MEDIA_DIR, sampleFile, sha256 } from '../support/vendors';

/*
 * Every operation end to end over real HTTP against the sandbox vendor. The sandbox and the clients share
 * a hand-driven clock, so tasks progress without any test waiting for them.
 */

const clock = manualClock();
let sandbox: Sandbox;
let hidream: VendorClient;
let haiper: VendorClient;
const dir = mkdtempSync(join(tmpdir(), 'promptreel-vendors-'));

beforeAll(async () => {
  // Limits out of the way here; they have their own tests.
  sandbox = await startSandbox({ now: clock.now, hidreamLimits: { concurrency: 10, perMinute: { stylize: 100, video: 100 } } });
  hidream = createVendorClient(sandbox.hidream, { now: clock.now });
  haiper = createVendorClient(sandbox.haiper, { now: clock.now });
});

afterAll(async () => {
  await hidream.close();
  await haiper.close();
  await sandbox.close();
  rmSync(dir, { recursive: true, force: true });
});

function client(operation: OperationId): VendorClient {
  return operation.startsWith('hidream') ? hidream : haiper;
}

describe.each([
  ['hidream.txt2video', { prompt: '小丑鱼在海葵丛中游来游去', resolution: '1280*720', camera_move_horizontal: 5, motion_strength: 10 }, 1, 'hidream-video-1280x720.mp4', 'video/mp4'],
  ['hidream.txt2img', { prompt: 'a ship in a stormy sea', img_count: 3, resolution: '832*1248' }, 3, 'hidream-image-832x1248.jpg', 'image/jpeg'],
  ['hidream.video_stylize', { style: 'ink_wash', video_name: 'https://media.example.com/clip.mp4' }, 1, 'hidream-stylize.mp4', 'video/mp4'],
  ['haiper.generate', { prompt: 'a sunset over the ocean', settings: { aspectRatio: '9:16', duration: 4 } }, 1, 'haiper-9x16.mp4', 'video/mp4'],
  ['haiper.upscale', { config: { sourceVideo: 'https://media.example.com/clip.mp4' } }, 1, 'haiper-upscale.mp4', 'video/mp4'],
  ['haiper.extend', { prompt: 'then it rains', config: { sourceVideo: 'https://media.example.com/clip.mp4', extendDuration: 2 } }, 1, 'haiper-extend.mp4', 'video/mp4'],
] as const)('%s end to end', (operation, params, outputs, file, contentType) => {
  it('is accepted, waits, runs with progress, succeeds, and its result downloads', async () => {
    const vendor = client(operation);
    const submission = await vendor.submit({ ...checked(operation, params), requestId: newRequestId() });
    expect(submission.taskId).toMatch(/^[0-9a-f-]{36}$/);
    expect(submission.subTaskIds).toHaveLength(operation.startsWith('hidream') ? outputs : 0);

    const [queued] = await vendor.query(operation, [submission.taskId]);
    expect(queued?.outputs).toHaveLength(outputs);
    expect(queued?.outputs.every((o) => o.state === 'pending' && o.progress === 0 && o.url === null)).toBe(true);

    // Halfway through the shortest possible task, every output is running and none is done.
    clock.advance(operation === 'hidream.txt2img' ? 1_500 : 4_000);
    const [running] = await vendor.query(operation, [submission.taskId]);
    for (const output of running?.outputs ?? []) {
      expect(output.state).toBe('running');
      expect(output.progress).toBeGreaterThan(0);
      expect(output.progress).toBeLessThan(1);
    }

    clock.advance(20_000);
    const [done] = await vendor.query(operation, [submission.taskId]);
    expect(done?.taskId).toBe(submission.taskId);
    expect(done?.outputs).toHaveLength(outputs);
    for (const output of done?.outputs ?? []) {
      expect(output).toMatchObject({ state: 'succeeded', progress: 1, error: null, kind: contentType.startsWith('image') ? 'image' : 'video' });
      if (operation.startsWith('haiper')) expect(output.expiresAt).toBeGreaterThan(clock.now());
      const media = await download(output.url ?? '');
      expect(media.status).toBe(200);
      expect(media.headers['content-type']).toBe(contentType);
      expect(media.body.equals(sampleFile(file))).toBe(true);
    }
    if (operation.startsWith('hidream')) {
      expect(new Set(done?.outputs.map((o) => o.subTaskId))).toEqual(new Set(submission.subTaskIds));
    }
  });
});

describe('HiDream queries', () => {
  it('batch several tasks into one request and keep the order asked for', async () => {
    const a = await hidream.submit({ ...checked('hidream.txt2img', { prompt: 'a', img_count: 2 }), requestId: newRequestId() });
    const b = await hidream.submit({ ...checked('hidream.txt2img', { prompt: 'b' }), requestId: newRequestId() });
    clock.advance(10_000);
    const before = sandbox.stats().queries;
    const results = await hidream.query('hidream.txt2img', [b.taskId, a.taskId]);
    expect(sandbox.stats().queries).toBe(before + 1);
    expect(results.map((r) => r.taskId)).toEqual([b.taskId, a.taskId]);
    expect(results.map((r) => r.outputs.length)).toEqual([1, 2]);
    expect(results.flatMap((r) => r.outputs).every((o) => o.state === 'succeeded')).toBe(true);
  });

  it('send the request_id we generated, and the sandbox counts submissions by it', async () => {
    const requestId = newRequestId();
    await hidream.submit({ ...checked('hidream.txt2video', { prompt: 'count me' }), requestId });
    expect(sandbox.stats().submissionsByRequestId[requestId]).toBe(1);
    expect(sandbox.stats().submissions.at(-1)).toMatchObject({ requestId, outcome: 'created', operation: 'hidream.txt2video' });
  });
});

describe('stylize from a local file', () => {
  it('delivers exactly the file the user picked: the bytes the sandbox decodes hash the same', async () => {
    const file = join(MEDIA_DIR, 'source-clip.mp4');
    const requestId = newRequestId();
    const progress: number[] = [];
    await hidream.submit({ ...checked('hidream.video_stylize', { style: 'anime' }, true), file, requestId, onUploadProgress: (sent) => progress.push(sent) });
    const upload = sandbox.stats().uploads.find((u) => u.requestId === requestId);
    const bytes = sampleFile('source-clip.mp4');
    expect(upload).toEqual({ requestId, bytes: bytes.length, sha256: sha256(bytes), container: 'mp4' });
    expect(progress.at(-1)).toBe(bytes.length);
  });

  it('streams a multi-megabyte file across read and chunk boundaries without changing a byte', async () => {
    // 3 disk reads' worth plus a tail that is not a multiple of 3, with a prompt in Chinese before it.
    const file = join(dir, 'big.webm');
    const data = randomBytes(3 * 3_096_576 + 7);
    Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 0x01, 0x42, 0x82, 0x84, ...Buffer.from('webm')]).copy(data);
    writeFileSync(file, data);
    const requestId = newRequestId();
    await hidream.submit({ ...checked('hidream.video_stylize', { style: 'watercolor', prompt: '水彩风格的城市' }, true), file, requestId });
    expect(sandbox.stats().uploads.find((u) => u.requestId === requestId)).toEqual({ requestId, bytes: data.length, sha256: sha256(data), container: 'webm' });
  });
});

describe('sandbox media URLs', () => {
  async function finishedUrl(): Promise<string> {
    const { taskId } = await haiper.submit({ ...checked('haiper.generate', { prompt: 'media' }), requestId: newRequestId() });
    clock.advance(20_000);
    const [status] = await haiper.query('haiper.generate', [taskId]);
    return status?.outputs[0]?.url ?? '';
  }

  it('serve ranges, HEAD and validators like a CDN', async () => {
    const url = await finishedUrl();
    const whole = sampleFile('haiper-16x9.mp4');

    const head = await download(url, {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(String(whole.length));
    expect(head.headers['accept-ranges']).toBe('bytes');
    expect(head.body.length).toBe(0);

    const part = await download(url, { range: 'bytes=100-199' });
    expect(part.status).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 100-199/${whole.length}`);
    expect(part.body.equals(whole.subarray(100, 200))).toBe(true);

    const tail = await download(url, { range: `bytes=${whole.length - 10}-` });
    expect(tail.body.equals(whole.subarray(whole.length - 10))).toBe(true);

    expect((await download(url, { range: `bytes=${whole.length}-` })).status).toBe(416);

    const etag = String(head.headers['etag']);
    expect((await download(url, { 'if-none-match': etag })).status).toBe(304);
    // A stale If-Range validator means "send it all", so a resumed download never mixes two files.
    const stale = await download(url, { range: 'bytes=0-9', 'if-range': '"stale"' });
    expect(stale.status).toBe(200);
    expect(stale.body.length).toBe(whole.length);
    expect(head.headers['last-modified']).toBeTruthy();
  });

  it('stop working after their expiry, and cannot be re-signed', async () => {
    const url = await finishedUrl();
    expect((await download(url)).status).toBe(200);
    const tampered = url.replace(/exp=(\d+)/, (_m, exp: string) => `exp=${Number(exp) + 1}`);
    expect((await download(tampered)).status).toBe(403);
    clock.advance(3_600_001);
    const expired = await download(url);
    expect(expired.status).toBe(403);
    expect(expired.body.toString()).toContain('Request has expired');
  });
});

describe('checkConnection', () => {
  it('accepts the sandbox keys and creates no task', async () => {
    const created = sandbox.stats().tasksCreated;
    await hidream.checkConnection();
    await haiper.checkConnection();
    expect(sandbox.stats().tasksCreated).toBe(created);
  });
});
