import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sniffVideo } from '@shared/sniff';
import { issueText, localVideoOperation } from '@shared/catalog';
import { isVendorError } from '@main/core/vendors';
import { base64Length, inspectVideoFile, jsonWithFileField, UPLOAD_CHUNK_BYTES } from '@main/core/vendors/upload';

const dir = mkdtempSync(join(tmpdir(), 'promptreel-upload-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const bytes = (...parts: (number[] | string)[]): Buffer => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));

describe('sniffVideo', () => {
  it.each([
    ['mp4', bytes([0, 0, 0, 0x20], 'ftypisom', [0, 0, 2, 0], 'isomiso2avc1mp41')],
    ['mov', bytes([0, 0, 0, 0x14], 'ftypqt  ', [0, 0, 2, 0], 'qt  ')],
    ['mov', bytes([0, 0, 0, 0x08], 'wide', [0, 0, 0, 0x10], 'mdat')],
    ['webm', bytes([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 0x01, 0x42, 0x82, 0x84], 'webm')],
    ['mkv', bytes([0x1a, 0x45, 0xdf, 0xa3, 0xa3, 0x42, 0x86, 0x81, 0x01, 0x42, 0x82, 0x88], 'matroska')],
    ['avi', bytes('RIFF', [0x10, 0, 0, 0], 'AVI LIST')],
  ] as const)('recognises %s', (container, head) => {
    expect(sniffVideo(head)?.container).toBe(container);
  });

  it.each([
    ['png', bytes([0x89], 'PNG', [0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d], 'IHDR')],
    ['jpeg', bytes([0xff, 0xd8, 0xff, 0xe0, 0, 0x10], 'JFIF', [0, 1])],
    ['wav (RIFF but not AVI)', bytes('RIFF', [0x10, 0, 0, 0], 'WAVEfmt ')],
    ['text', bytes('just some text, not a video')],
    ['a zero box size before ftyp', bytes([0, 0, 0, 0], 'ftypisom')],
    ['too short', bytes([0, 0, 0])],
  ] as const)('rejects %s', (_name, head) => {
    expect(sniffVideo(head)).toBeUndefined();
  });
});

async function collect(upload: ReturnType<typeof jsonWithFileField>): Promise<string> {
  let text = '';
  for await (const chunk of upload.body) text += chunk;
  return text;
}

describe('jsonWithFileField', () => {
  // Sizes around the 3-byte groups, one chunk, and one disk read (42 chunks).
  const sizes = [0, 1, 2, 3, 4, 5, UPLOAD_CHUNK_BYTES - 1, UPLOAD_CHUNK_BYTES, UPLOAD_CHUNK_BYTES + 1, 42 * UPLOAD_CHUNK_BYTES + 2];

  it.each(sizes)('a %i-byte file becomes valid JSON of exactly the announced length, decoding to the same bytes', async (size) => {
    const data = randomBytes(size);
    const path = join(dir, `f${size}`);
    writeFileSync(path, data);
    const fields = { prompt: '水墨 "quoted"\n', style: 'ink_wash', request_id: 'r' };
    const upload = jsonWithFileField(fields, 'video_name', { path, size });
    const text = await collect(upload);
    expect(Buffer.byteLength(text)).toBe(upload.length);
    const parsed = JSON.parse(text) as Record<string, string>;
    expect(Object.keys(parsed)).toEqual(['prompt', 'style', 'request_id', 'video_name']);
    expect(parsed['prompt']).toBe(fields.prompt);
    expect(parsed['video_name']?.length).toBe(base64Length(size));
    expect(Buffer.from(parsed['video_name'] ?? '', 'base64').equals(data)).toBe(true);
  });

  it('works with no other fields, and reports progress up to the whole file', async () => {
    const path = join(dir, 'p');
    writeFileSync(path, randomBytes(3 * 1024 * 1024 + 1));
    const seen: number[] = [];
    const upload = jsonWithFileField({}, 'v', { path, size: 3 * 1024 * 1024 + 1 }, (sent, total) => {
      expect(total).toBe(3 * 1024 * 1024 + 1);
      seen.push(sent);
    });
    expect((await collect(upload)).startsWith('{"v":"')).toBe(true);
    expect(seen.at(-1)).toBe(3 * 1024 * 1024 + 1);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  });

  it('never yields a piece larger than a chunk, so no single string lands in V8 large-object space', async () => {
    const path = join(dir, 'chunks');
    writeFileSync(path, randomBytes(5 * UPLOAD_CHUNK_BYTES));
    let largest = 0;
    for await (const piece of jsonWithFileField({ a: 1 }, 'v', { path, size: 5 * UPLOAD_CHUNK_BYTES }).body) largest = Math.max(largest, piece.length);
    expect(largest).toBe(base64Length(UPLOAD_CHUNK_BYTES));
  });
});

describe('inspectVideoFile refusals', () => {
  const stylize = localVideoOperation();

  it('are coded, so the form and the CLI word them in the user’s language', async () => {
    const notes = join(dir, 'notes.mp4');
    writeFileSync(notes, 'these are my notes, not a movie');
    const error = await inspectVideoFile(notes).catch((e: unknown) => e);
    expect(isVendorError(error)).toBe(true);
    const issue = isVendorError(error) ? error.issues?.[0] : undefined;
    expect(issue).toMatchObject({ path: 'file', code: 'file_not_video', params: { file: 'notes.mp4' } });
    expect(issue && issueText(stylize, issue, 'en')).toBe(
      'notes.mp4 is not a video HiDream can stylize: expected an mp4/mov, webm/mkv or avi file (checked by its content, not its name).',
    );
    expect(issue && issueText(stylize, issue, 'zh-CN')).toBe('notes.mp4 不是 HiDream 可风格化的视频：应为 mp4/mov、webm/mkv 或 avi 文件（按内容判断，而非文件名）。');
  });

  it('word a file over the cap with both sizes, and a missing file with the system’s reason', async () => {
    const big = join(dir, 'big.mp4');
    writeFileSync(big, randomBytes(3000));
    const tooBig = await inspectVideoFile(big, 1024).catch((e: unknown) => e);
    const bigIssue = isVendorError(tooBig) ? tooBig.issues?.[0] : undefined;
    expect(bigIssue && issueText(stylize, bigIssue, 'zh-CN')).toBe('big.mp4 大小为 2.9 KB；要风格化的视频最大 1 KB。请剪短或压缩，或改填视频链接。');
    const gone = join(dir, 'gone.mp4');
    const missing = await inspectVideoFile(gone).catch((e: unknown) => e);
    expect(isVendorError(missing) && missing.message).toBe(`The video file ${gone} cannot be read (ENOENT).`);
  });
});
