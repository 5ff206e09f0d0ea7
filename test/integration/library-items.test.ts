import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { Download } from '@shared/downloads';
import { addCompletedDownloads } from '@main/core/library/handlers';
import { createLogger } from '@main/core/log';
import type { LibraryChange, NewItem, StoredItem } from '@main/core/library/store';
import { completedDownload, insertJob, insertOutput, libraryEnv, type LibraryEnv } from '../support/library-env';
import { mp4, png } from '../support/media-files';

let env: LibraryEnv;
afterEach(() => env.close());

const HOUR = 3600_000;
const NOW = Date.UTC(2025, 5, 1, 12);

/** A finished job whose one output was downloaded to `file`: the rows the engine and downloader leave. */
async function completeJob(
  job: Parameters<typeof insertJob>[1],
  output: { kind: 'video' | 'image'; url: string; expiresAt: number | null },
  file: { name: string; bytes: Buffer },
): Promise<StoredItem> {
  insertJob(env.db, job);
  insertOutput(env.db, { id: `${job.id}-out`, jobId: job.id, ...output });
  const path = env.file(file.name, file.bytes);
  const download = completedDownload({
    id: `${job.id}-dl`,
    jobId: job.id,
    outputId: `${job.id}-out`,
    path,
    url: output.url,
    expiresAt: output.expiresAt,
    sha256: createHash('sha256').update(file.bytes).digest('hex'),
    bytesTotal: file.bytes.length,
    contentType: output.kind === 'video' ? 'video/mp4' : 'image/png',
    finishedAt: NOW,
  });
  return env.store.addFromDownload(download);
}

describe('items from completed jobs', () => {
  it('are titled by their prompt, cut at a word with an ellipsis, or by their style and file', async () => {
    env = libraryEnv({ now: () => NOW });
    const long = `${'a slow dolly shot through a rainy neon market at night, '.repeat(3)}cinematic`;
    const item = await completeJob(
      { id: 'job-long', operation: 'hidream.txt2img', vendor: 'hidream', params: { prompt: long, resolution: '1024*1024', version: 'v2' } },
      { kind: 'image', url: 'https://cdn.example.com/m.png', expiresAt: NOW + HOUR },
      { name: '2026-01-02_hidream-txt2img_1.png', bytes: png(8, 8) },
    );
    expect(item.title).toBe('a slow dolly shot through a rainy neon market at night, a slow dolly shot through a rainy neon…');
    expect(Array.from(item.title).length).toBeLessThanOrEqual(101);
    const styled = await completeJob(
      { id: 'job-style', operation: 'hidream.video_stylize', vendor: 'hidream', params: { style: 'anime', video_name: 'https://cdn.example.com/in.mp4' } },
      { kind: 'video', url: 'https://cdn.example.com/s.mp4', expiresAt: NOW + HOUR },
      { name: 'beach-walk_stylized.mp4', bytes: mp4({ durationMs: 1_000, width: 64, height: 64 }) },
    );
    expect(styled.title).toBe('Anime · 动漫 — beach-walk_stylized');
    expect(env.store.search({ text: '动漫' }).items.map((i) => i.id)).toEqual([styled.id]);
  });


  it('records everything known about a downloaded result and makes it findable', async () => {
    env = libraryEnv({ now: () => NOW });
    const bytes = mp4({ durationMs: 5_000, width: 1280, height: 720 });
    const item = await completeJob(
      {
        id: 'job-1',
        operation: 'hidream.txt2video',
        vendor: 'hidream',
        params: { prompt: 'a red fox running through neon rain 狐狸', negative_prompt: 'blurry', resolution: '1280*720', version: 'v2' },
      },
      { kind: 'video', url: 'https://cdn.example.com/fox.mp4', expiresAt: NOW + 2 * HOUR },
      { name: 'fox.mp4', bytes },
    );
    // Named by its prompt, not by the file-name template's slug.
    expect(item).toMatchObject({
      title: 'a red fox running through neon rain 狐狸',
      kind: 'video',
      mime: 'video/mp4',
      sizeBytes: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      width: 1280,
      height: 720,
      durationMs: 5_000,
      createdAt: NOW,
      source: 'job',
      vendor: 'hidream',
      operation: 'hidream.txt2video',
      prompt: 'a red fox running through neon rain 狐狸',
      negativePrompt: 'blurry',
      remoteUrl: 'https://cdn.example.com/fox.mp4',
      remoteExpiresAt: NOW + 2 * HOUR,
      parentId: null,
      jobId: 'job-1',
      outputId: 'job-1-out',
      missing: false,
    });
    expect(item.params).toEqual({ prompt: 'a red fox running through neon rain 狐狸', negative_prompt: 'blurry', resolution: '1280*720', version: 'v2' });
    expect(env.store.search({ text: 'neon rain' }).items.map((i) => i.id)).toEqual([item.id]);
    expect(env.store.search({ text: '狐狸' }).items.map((i) => i.id)).toEqual([item.id]);
  });

  it('finds the items saved from given job outputs (the studio’s feed), and none for an output not saved', async () => {
    env = libraryEnv({ now: () => NOW });
    const fox = await completeJob(
      { id: 'job-7', operation: 'hidream.txt2video', vendor: 'hidream', params: { prompt: 'a fox' } },
      { kind: 'video', url: 'https://cdn.example.com/fox7.mp4', expiresAt: null },
      { name: 'fox7.mp4', bytes: mp4({ durationMs: 1_000, width: 64, height: 64 }) },
    );
    expect(env.store.forOutputs(['job-7-out', 'job-8-out'])).toEqual([{ outputId: 'job-7-out', item: expect.objectContaining({ id: fox.id, kind: 'video' }) as unknown }]);
    expect(env.store.forOutputs([])).toEqual([]);
  });

  it('adds an item when the download manager reports a completed file, once', async () => {
    env = libraryEnv({ now: () => NOW });
    insertJob(env.db, { id: 'job-2', operation: 'hidream.txt2img', vendor: 'hidream', params: { prompt: 'a lighthouse at dusk', img_count: 1 } });
    insertOutput(env.db, { id: 'job-2-out', jobId: 'job-2', kind: 'image', url: 'https://cdn.example.com/l.png', expiresAt: null });
    const path = env.file('lighthouse.png', png(64, 48));
    const listeners: ((download: Download) => void)[] = [];
    const downloader = { onCompleted: (listener: (download: Download) => void) => (listeners.push(listener), () => undefined), get: () => undefined };
    addCompletedDownloads(downloader, env.store, createLogger({ sink: () => undefined }), { sweepEveryMs: null });
    const added = new Promise<LibraryChange>((resolve) => env.store.onChange(resolve));

    const download = completedDownload({ id: 'dl-2', jobId: 'job-2', outputId: 'job-2-out', path, url: 'https://cdn.example.com/l.png' });
    for (const listener of listeners) listener(download);
    const change = await added;

    expect(change).toMatchObject({ type: 'updated', item: { title: 'a lighthouse at dusk', kind: 'image', width: 64, height: 48, prompt: 'a lighthouse at dusk' } });
    // The same completion reported again does not make a second item.
    const again = await env.store.addFromDownload(download);
    expect(env.store.search({}).items.map((i) => i.id)).toEqual([again.id]);
  });

  it('refuses a download that has no file yet', async () => {
    env = libraryEnv();
    const pending = completedDownload({ id: 'dl-x', path: null, url: 'https://x.example/a.mp4', status: 'active' });
    await expect(env.store.addFromDownload(pending)).rejects.toMatchObject({ kind: 'invalid_input' });
  });
});

describe('lineage and chaining', () => {
  it('records a stylize-of-a-result chain and walks it both ways', async () => {
    env = libraryEnv({ now: () => NOW });
    const original = await completeJob(
      { id: 'gen', operation: 'haiper.generate', vendor: 'haiper', params: { prompt: 'a paper boat on a river', settings: { duration: 4 } } },
      { kind: 'video', url: 'https://haiper.example/boat.mp4', expiresAt: NOW + HOUR },
      { name: 'boat.mp4', bytes: mp4({ durationMs: 4_000, width: 720, height: 720, salt: 'a' }) },
    );
    const stylized = await completeJob(
      { id: 'sty', operation: 'hidream.video_stylize', vendor: 'hidream', params: { style: 'ink_wash' }, parentItemId: original.id },
      { kind: 'video', url: 'https://hidream.example/boat-ink.mp4', expiresAt: null },
      { name: 'boat-ink.mp4', bytes: mp4({ durationMs: 4_000, width: 720, height: 720, salt: 'b' }) },
    );
    const extended = await completeJob(
      { id: 'ext', operation: 'haiper.extend', vendor: 'haiper', params: { config: { sourceVideo: 'https://hidream.example/boat-ink.mp4' } }, parentItemId: stylized.id },
      { kind: 'video', url: 'https://haiper.example/boat-long.mp4', expiresAt: NOW + HOUR },
      { name: 'boat-long.mp4', bytes: mp4({ durationMs: 8_000, width: 720, height: 720, salt: 'c' }) },
    );
    expect(stylized.parentId).toBe(original.id);
    expect(extended.parentId).toBe(stylized.id);

    const middle = env.store.lineage(stylized.id);
    expect(middle.ancestors.map((i) => i.id)).toEqual([original.id]);
    expect(middle.descendants.map((d) => [d.item.id, d.depth])).toEqual([[extended.id, 1]]);
    const root = env.store.lineage(original.id);
    expect(root.ancestors).toEqual([]);
    expect(root.descendants.map((d) => [d.item.id, d.depth])).toEqual([
      [stylized.id, 1],
      [extended.id, 2],
    ]);
    expect(env.store.lineage(extended.id).ancestors.map((i) => i.id)).toEqual([original.id, stylized.id]);

    // Deleting the middle of the chain leaves the others, without a dangling parent.
    await env.store.remove(stylized.id);
    expect(env.store.get(extended.id).parentId).toBeNull();
    expect(env.store.lineage(original.id).descendants).toEqual([]);
  });

  it('offers Haiper operations only while the remote URL works, and says why not', async () => {
    let now = NOW;
    env = libraryEnv({ now: () => now });
    const video = await completeJob(
      { id: 'v', operation: 'haiper.generate', vendor: 'haiper', params: { prompt: 'waves' } },
      { kind: 'video', url: 'https://haiper.example/waves.mp4', expiresAt: NOW + HOUR },
      { name: 'waves.mp4', bytes: mp4({ durationMs: 2_000, width: 640, height: 360 }) },
    );
    const options = env.store.chainOptions(video.id);
    expect(options.map((o) => [o.operation, o.possible])).toEqual([
      ['hidream.video_stylize', true],
      ['haiper.upscale', true],
      ['haiper.extend', true],
    ]);
    expect(options[0]).toMatchObject({ file: video.path, parentItemId: video.id });
    expect(options[1]?.params).toEqual({ config: { sourceVideo: 'https://haiper.example/waves.mp4' } });

    now = NOW + 2 * HOUR;
    const later = env.store.chainOptions(video.id);
    expect(later.find((o) => o.operation === 'haiper.extend')).toMatchObject({
      possible: false,
      blocked: { code: 'remote_url_expired', expiredAt: NOW + HOUR },
      params: {},
    });
    // Stylize uploads the local file, so it stays possible.
    expect(later.find((o) => o.operation === 'hidream.video_stylize')?.possible).toBe(true);

    const image = await completeJob(
      { id: 'i', operation: 'hidream.txt2img', vendor: 'hidream', params: { prompt: 'a cat in a teacup' } },
      { kind: 'image', url: 'https://hidream.example/cat.png', expiresAt: null },
      { name: 'cat.png', bytes: png(32, 32) },
    );
    expect(env.store.chainOptions(image.id)).toEqual([
      {
        operation: 'haiper.generate',
        possible: true,
        expiryUnknown: true,
        params: { prompt: 'a cat in a teacup', config: { sourceImage: 'https://hidream.example/cat.png' } },
        parentItemId: image.id,
      },
    ]);
  });

  it('lists the items whose link a new job can still fetch, newest first, for compose to pick from', () => {
    env = libraryEnv({ now: () => NOW });
    const item = (title: string, kind: 'video' | 'image', remoteUrl: string | null, remoteExpiresAt: number | null): NewItem => ({
      path: `/library/${title}`,
      title,
      kind,
      mime: kind === 'video' ? 'video/mp4' : 'image/png',
      sizeBytes: 1,
      sha256: null,
      source: 'job',
      remoteUrl,
      remoteExpiresAt,
      createdAt: NOW,
    });
    env.store.insertItems([
      item('expired', 'video', 'https://cdn.example/expired.mp4', NOW - HOUR),
      item('valid', 'video', 'https://cdn.example/valid.mp4', NOW + HOUR),
      item('unknown expiry', 'video', 'https://cdn.example/unknown.mp4', null),
      item('dies in a minute', 'video', 'https://cdn.example/soon.mp4', NOW + 60_000),
      item('imported', 'video', null, null),
      item('an image', 'image', 'https://cdn.example/still.png', null),
    ]);
    expect(env.store.linkable('video', 50).map((i) => [i.title, i.url, i.expiresAt])).toEqual([
      ['unknown expiry', 'https://cdn.example/unknown.mp4', null],
      ['valid', 'https://cdn.example/valid.mp4', NOW + HOUR],
    ]);
    expect(env.store.linkable('video', 1).map((i) => i.title)).toEqual(['unknown expiry']);
    expect(env.store.linkable('image', 50).map((i) => i.title)).toEqual(['an image']);
  });
});
