import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { BodyTooLarge, readJsonBody } from '@main/sandbox/body';
import { markersIn, SANDBOX_MARKERS } from '@main/sandbox/markers';
import { parseRange } from '@main/sandbox/media';

/** Feeds `text` to the reader in pieces cut at `cuts`, as a socket might deliver it. */
function request(text: string, cuts: number[] = []): IncomingMessage {
  const stream = new PassThrough();
  const bytes = Buffer.from(text);
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    stream.write(bytes.subarray(from, cut));
    from = cut;
  }
  stream.end();
  return stream as unknown as IncomingMessage;
}

const sha = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

describe('sandbox body reader', () => {
  const video = randomBytes(200);
  const base64 = video.toString('base64');
  const body = `{"style":"anime","prompt":"say \\"video_name\\": no","nested":{"video_name":"not me"},"request_id":"r","video_name":"${base64.replaceAll('/', '\\/')}"}`;

  it('decodes the top-level field as it streams, wherever the chunks are cut', async () => {
    for (let cut = 1; cut < body.length; cut += 7) {
      const { json, streamed } = await readJsonBody(request(body, [cut, Math.min(body.length, cut + 3)]), { maxBytes: 1024, streamField: 'video_name', keepChars: 16 });
      expect(json).toEqual({ style: 'anime', prompt: 'say "video_name": no', nested: { video_name: 'not me' }, request_id: 'r', video_name: '' });
      expect(streamed).toMatchObject({ bytes: 200, sha256: sha(video), text: null, length: base64.replaceAll('/', '\\/').length });
      expect(streamed?.head.equals(video.subarray(0, 64))).toBe(true);
    }
  });

  it('keeps a short value (a URL) as text', async () => {
    const { streamed } = await readJsonBody(request('{"video_name":"https:\\/\\/cdn.example\\/v.mp4","style":"anime"}', [20]), { maxBytes: 1024, streamField: 'video_name' });
    expect(streamed?.text).toBe('https://cdn.example/v.mp4');
  });

  it('refuses a body over the limit (not counting the streamed value)', async () => {
    await expect(readJsonBody(request(`{"prompt":"${'x'.repeat(2000)}"}`), { maxBytes: 1024 })).rejects.toBeInstanceOf(BodyTooLarge);
    const big = `{"video_name":"${randomBytes(30_000).toString('base64')}"}`;
    await expect(readJsonBody(request(big), { maxBytes: 1024, streamField: 'video_name' })).resolves.toMatchObject({ streamed: { bytes: 30_000 } });
  });

  it('gives undefined for a body that is not JSON', async () => {
    expect((await readJsonBody(request('not json'), { maxBytes: 1024 })).json).toBeUndefined();
  });
});

describe('sandbox markers', () => {
  it('are found in any string, also URL-encoded inside a URL', () => {
    expect(markersIn({ prompt: 'a cat [fail]' })).toEqual(new Set(['[fail]']));
    expect(markersIn({ config: { sourceVideo: 'https://x.example/clip.mp4?m=%5Bpoll-502%5D' } })).toEqual(new Set(['[poll-502]']));
    expect(markersIn({ prompt: 'nothing here', n: 4 })).toEqual(new Set());
  });

  it('are documented for both vendors', () => {
    for (const marker of SANDBOX_MARKERS) {
      expect(marker.marker).toMatch(/^\[[a-z0-9-]+\]$/);
      expect(marker.hidream.length).toBeGreaterThan(5);
      expect(marker.haiper.length).toBeGreaterThan(5);
    }
  });

  it('each has a row in the README’s marker table', () => {
    const readme = readFileSync(resolve('README.md'), 'utf8');
    const rows = readme.split('\n').filter((line) => line.startsWith('| `['));
    for (const { marker } of SANDBOX_MARKERS) expect(rows.some((row) => row.includes(`\`${marker}\``)), marker).toBe(true);
  });
});

describe('sandbox Range parsing', () => {
  it.each([
    ['bytes=0-9', [0, 9]],
    ['bytes=5-', [5, 99]],
    ['bytes=-10', [90, 99]],
    ['bytes=90-200', [90, 99]],
    ['bytes=100-', 'unsatisfiable'],
    ['bytes=-0', 'unsatisfiable'],
    ['bytes=9-3', null],
    ['bytes=0-1,5-6', null],
    ['items=0-1', null],
  ] as const)('%s of 100 bytes', (header, expected) => {
    expect(parseRange(header, 100)).toEqual(expected);
  });
});
