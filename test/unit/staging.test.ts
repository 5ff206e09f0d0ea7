import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_VIDEO_BYTES, STAGE_CHUNK_BYTES } from '@shared/files';
import { sniffVideo } from '@shared/sniff';
import type { AppNotification } from '@shared/ipc/app';
import { createStaging } from '@main/core/files/staging';
import { createLogger } from '@main/core/log';
import { createEngine, type Runtime } from '@main/runtime';
import { caller, value, type Call } from '../support/runtime-call';

const CLIP = readFileSync('test/fixtures/clip.mp4');
const quiet = createLogger({ scope: 'test', sink: () => undefined });

let runtime: Runtime | undefined;
afterEach(async () => {
  await runtime?.close();
  runtime = undefined;
});

function start(notify?: (n: AppNotification, onClick: () => void) => boolean): { call: Call; dataDir: string } {
  const dataDir = mkdtempSync(join(tmpdir(), 'promptreel-staging-'));
  runtime = createEngine(dataDir, { host: { transport: 'browser', log: quiet, ...(notify ? { notify } : {}) } });
  return { call: caller(runtime), dataDir };
}

describe('files.stage', () => {
  it('stages a video sent in frames and names it by what it is', async () => {
    const { call, dataDir } = start();
    const chunk = 1024;
    const staging = createStaging({ dataDir: join(dataDir, 'direct'), log: quiet });
    // Through the IPC schema with the real frame size, and directly with small frames to cross frame boundaries.
    const { uploadId, chunkBytes } = value(await call('files.stage', { name: 'My clip.MP4', size: CLIP.length }));
    expect(chunkBytes).toBe(STAGE_CHUNK_BYTES);
    value(await call('files.stageChunk', { uploadId, offset: 0, data: CLIP.toString('base64') }));
    const staged = value(await call('files.stageCommit', { uploadId }));
    expect(dirname(staged.path)).toBe(join(dataDir, 'staging'));
    expect(basename(staged.path)).toMatch(/^[0-9a-f-]{36}\.mp4$/);
    expect(staged).toMatchObject({ size: CLIP.length, mime: 'video/mp4' });
    expect(readFileSync(staged.path).equals(CLIP)).toBe(true);

    const direct = await staging.handlers['files.stage']({ name: 'x.mp4', size: CLIP.length }, { origin: 'test' });
    for (let offset = 0; offset < CLIP.length; offset += chunk) {
      await staging.handlers['files.stageChunk']({ uploadId: direct.uploadId, offset, data: CLIP.subarray(offset, offset + chunk).toString('base64') }, { origin: 'test' });
    }
    const small = await staging.handlers['files.stageCommit']({ uploadId: direct.uploadId }, { origin: 'test' });
    expect(readFileSync(small.path).equals(CLIP)).toBe(true);
    await staging.close();
  });

  it('refuses a file that is not a video at its first frame and keeps nothing', async () => {
    const { call, dataDir } = start();
    const text = Buffer.from('#!/bin/sh\necho this is not a video\n'.repeat(10));
    const { uploadId } = value(await call('files.stage', { name: 'movie.mp4', size: text.length }));
    const refused = await call('files.stageChunk', { uploadId, offset: 0, data: text.toString('base64') });
    expect(refused).toMatchObject({ ok: false, error: { kind: 'invalid_input', message: '“movie.mp4” is not a video (MP4, MOV, WebM, MKV or AVI); nothing was kept.' } });
    expect(readdirSync(join(dataDir, 'staging'))).toEqual([]);
    // The upload is gone: later frames cannot revive it.
    expect(await call('files.stageCommit', { uploadId })).toMatchObject({ ok: false, error: { kind: 'not_found' } });
  });

  it('refuses frames out of order, past the announced size, or an incomplete commit', async () => {
    const { call } = start();
    const open = async (size: number): Promise<string> => value(await call('files.stage', { name: 'c.mp4', size })).uploadId;

    const a = await open(CLIP.length);
    expect(await call('files.stageChunk', { uploadId: a, offset: 10, data: CLIP.toString('base64') })).toMatchObject({
      ok: false,
      error: { message: 'Frames must arrive in order: expected offset 0, got 10.' },
    });

    const b = await open(100);
    expect(await call('files.stageChunk', { uploadId: b, offset: 0, data: CLIP.toString('base64') })).toMatchObject({
      ok: false,
      error: { message: 'The file is longer than the 100 bytes announced.' },
    });

    const c = await open(CLIP.length);
    value(await call('files.stageChunk', { uploadId: c, offset: 0, data: CLIP.subarray(0, 100).toString('base64') }));
    expect(await call('files.stageCommit', { uploadId: c })).toMatchObject({
      ok: false,
      error: { message: `The upload is incomplete: 100 of ${CLIP.length} bytes arrived.` },
    });
  });

  it('bounds every frame and the whole file by schema', async () => {
    const { call } = start();
    expect(await call('files.stage', { name: 'huge.mp4', size: MAX_VIDEO_BYTES + 1 })).toMatchObject({
      ok: false,
      error: { kind: 'invalid_input', message: 'Invalid size for files.stage: The file is larger than the 200 MB limit.' },
    });
    const { uploadId } = value(await call('files.stage', { name: 'c.mp4', size: MAX_VIDEO_BYTES }));
    const tooBig = Buffer.alloc(STAGE_CHUNK_BYTES + 3).toString('base64');
    expect(await call('files.stageChunk', { uploadId, offset: 0, data: tooBig })).toMatchObject({ ok: false, error: { kind: 'invalid_input' } });
    expect(await call('files.stageChunk', { uploadId, offset: 0, data: 'not base64!' })).toMatchObject({ ok: false, error: { kind: 'invalid_input' } });
  });

  it('drops idle uploads with their partial files, and aborts on request', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'promptreel-staging-'));
    let now = 0;
    const staging = createStaging({ dataDir, log: quiet, idleMs: 1_000, now: () => now });
    const ctx = { origin: 'test' };
    const idle = await staging.handlers['files.stage']({ name: 'a.mp4', size: CLIP.length }, ctx);
    await staging.handlers['files.stageChunk']({ uploadId: idle.uploadId, offset: 0, data: CLIP.subarray(0, 64).toString('base64') }, ctx);
    expect(existsSync(join(dataDir, 'staging', `${idle.uploadId}.part`))).toBe(true);
    now = 5_000;
    const next = await staging.handlers['files.stage']({ name: 'b.mp4', size: CLIP.length }, ctx);
    expect(existsSync(join(dataDir, 'staging', `${idle.uploadId}.part`))).toBe(false);
    await expect(staging.handlers['files.stageCommit']({ uploadId: idle.uploadId }, ctx)).rejects.toThrow(/unknown or was dropped/);
    expect(await staging.handlers['files.stageAbort']({ uploadId: next.uploadId }, ctx)).toEqual({ aborted: true });
    expect(readdirSync(join(dataDir, 'staging'))).toEqual([]);
    await staging.close();
  });
});

describe('sniffVideo', () => {
  it('names containers from their first bytes only', () => {
    const bytes = (...parts: (string | number[])[]): Uint8Array =>
      Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? Array.from(Buffer.from(p, 'latin1')) : p)));
    expect(sniffVideo(CLIP.subarray(0, 64))?.container).toBe('mp4');
    expect(sniffVideo(bytes([0, 0, 0, 20], 'ftypqt  ', [0, 0, 0, 0]))?.container).toBe('mov');
    expect(sniffVideo(bytes([0, 0, 0, 8], 'moov', [0, 0, 0, 0]))?.container).toBe('mov');
    expect(sniffVideo(bytes([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x82, 0x84], 'webm'))?.container).toBe('webm');
    expect(sniffVideo(bytes([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x82, 0x88], 'matroska'))?.container).toBe('mkv');
    expect(sniffVideo(bytes('RIFF', [1, 2, 3, 4], 'AVI LIST'))?.container).toBe('avi');
    expect(sniffVideo(bytes('RIFF', [1, 2, 3, 4], 'WAVEfmt '))).toBeUndefined();
    expect(sniffVideo(bytes([0x89], 'PNG\r\n', [0x1a, 0x0a, 0, 0, 0, 0]))).toBeUndefined();
    expect(sniffVideo(new Uint8Array())).toBeUndefined();
  });
});

describe('app.notify and app.info', () => {
  it('hands a notification to the host, or says none was shown', async () => {
    const shown: AppNotification[] = [];
    const withHost = start((n) => {
      shown.push(n);
      return true;
    });
    expect(value(await withHost.call('app.notify', { title: 'Job finished', body: 'a red kite' }))).toEqual({ shown: true });
    expect(shown).toEqual([{ title: 'Job finished', body: 'a red kite' }]);
    expect(await withHost.call('app.notify', { title: '', body: 'x' })).toMatchObject({ ok: false, error: { kind: 'invalid_input' } });
    await runtime?.close();

    const bare = start();
    expect(value(await bare.call('app.notify', { title: 'Job finished', body: '' }))).toEqual({ shown: false });
  });

  it('tells the windows which job a clicked notification was about', async () => {
    let click: (() => void) | undefined;
    const withHost = start((_n, onClick) => {
      click = onClick;
      return true;
    });
    const clicked: unknown[] = [];
    runtime?.events.on('app.notificationClicked', (payload) => clicked.push(payload));
    expect(value(await withHost.call('app.notify', { title: 'Job finished', body: 'a red kite', jobId: 'job-7' }))).toEqual({ shown: true });
    click?.();
    expect(clicked).toEqual([{ jobId: 'job-7' }]);
    expect(await withHost.call('app.notify', { title: 'Job finished', body: 'x', jobId: '' })).toMatchObject({ ok: false, error: { kind: 'invalid_input' } });
  });
});
