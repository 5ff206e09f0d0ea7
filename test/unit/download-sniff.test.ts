import { describe, expect, it } from 'vitest';
import { chooseExtension, extensionFromContentType } from '@main/core/downloads/sniff';
import { sniffMedia } from '@shared/sniff';

const bytes = (...parts: (string | number[])[]): Uint8Array =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));

describe('extension from Content-Type', () => {
  it.each([
    ['video/mp4', 'mp4'],
    ['video/quicktime', 'mov'],
    ['Video/WebM; codecs="vp9"', 'webm'],
    ['image/jpeg', 'jpg'],
    ['image/png', 'png'],
    ['image/avif', 'avif'],
    ['application/octet-stream', null],
    ['', null],
  ])('%s → %s', (type, ext) => {
    expect(extensionFromContentType(type)).toBe(ext);
  });
});

describe('extension from magic bytes', () => {
  it.each([
    ['mp4', bytes([0, 0, 0, 0x20], 'ftypisom', [0, 0, 2, 0])],
    ['mov', bytes([0, 0, 0, 0x14], 'ftypqt  ', [0, 0, 0, 0])],
    ['mov', bytes([0, 0, 0, 8], 'wide', [0, 0, 0, 8], 'mdat')],
    ['webm', bytes([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 0x01, 0x42, 0x82, 0x84], 'webm')],
    ['mkv', bytes([0x1a, 0x45, 0xdf, 0xa3, 0xa3, 0x42, 0x82, 0x88], 'matroska')],
    ['avi', bytes('RIFF', [0, 0, 0, 0], 'AVI LIST')],
    ['webp', bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8 ')],
    ['png', bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])],
    ['jpg', bytes([0xff, 0xd8, 0xff, 0xe0])],
    ['gif', bytes('GIF89a')],
    ['avif', bytes([0, 0, 0, 0x1c], 'ftypavif', [0, 0, 0, 0], 'avifmif1')],
  ])('%s', (ext, head) => {
    expect(sniffMedia(head)?.ext).toBe(ext);
  });

  it('knows nothing about text, nor about HEIF stills nothing in the app can show', () => {
    expect(sniffMedia(bytes('<html><body>Access denied'))).toBeUndefined();
    expect(sniffMedia(bytes([0, 0, 0, 0x18], 'ftypheic', [0, 0, 0, 0], 'mif1heic'))).toBeUndefined();
  });

  it('names an AVIF image .avif, not .mp4, when the server does not say what it sent', () => {
    const avif = bytes([0, 0, 0, 0x1c], 'ftypavif', [0, 0, 0, 0], 'avifmif1miaf');
    expect(chooseExtension('application/octet-stream', avif)).toBe('avif');
    expect(chooseExtension(null, avif)).toBe('avif');
  });

  it('prefers the Content-Type, then the bytes, then "bin" — never the URL', () => {
    const png = bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(chooseExtension('video/mp4', png)).toBe('mp4');
    expect(chooseExtension('binary/octet-stream', png)).toBe('png');
    expect(chooseExtension(null, bytes('hello'))).toBe('bin');
  });
});
