import { open } from 'node:fs/promises';
import type { MediaKind } from '@shared/catalog';
import { sniffMedia } from '@shared/sniff';
import { readHead } from '../fs/head';

/**
 * What a media file is, from its bytes rather than its name: the import must not trust extensions, and
 * a download's Content-Type can be a generic `application/octet-stream`. Dimensions and duration come
 * from the container headers where that is cheap (PNG, JPEG, GIF, WebP, MP4/MOV); for the rest the
 * renderer fills them in when it makes the poster.
 */
export interface MediaInfo {
  kind: MediaKind;
  mime: string;
  width: number | null;
  height: number | null;
  durationMs: number | null;
}

const HEAD_BYTES = 64 * 1024;
/** A moov box larger than this is not parsed (it would be a very long or very odd file). */
const MOOV_MAX_BYTES = 16 * 1024 * 1024;

const ascii = (bytes: Uint8Array, start: number, end: number): string => String.fromCharCode(...bytes.subarray(start, end));

interface Size {
  width: number;
  height: number;
}

function imageSize(head: Uint8Array, mime: string): Size | null {
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  try {
    switch (mime) {
      case 'image/png':
        return ascii(head, 12, 16) === 'IHDR' ? { width: view.getUint32(16), height: view.getUint32(20) } : null;
      case 'image/gif':
        return { width: view.getUint16(6, true), height: view.getUint16(8, true) };
      case 'image/webp': {
        const chunk = ascii(head, 12, 16);
        if (chunk === 'VP8 ') return { width: view.getUint16(26, true) & 0x3fff, height: view.getUint16(28, true) & 0x3fff };
        if (chunk === 'VP8L') {
          const bits = view.getUint32(21, true);
          return { width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
        }
        if (chunk === 'VP8X') {
          const u24 = (at: number): number => (head[at] ?? 0) | ((head[at + 1] ?? 0) << 8) | ((head[at + 2] ?? 0) << 16);
          return { width: u24(24) + 1, height: u24(27) + 1 };
        }
        return null;
      }
      case 'image/jpeg': {
        // Walk the marker segments to the first start-of-frame, which carries the size.
        let at = 2;
        while (at + 9 < head.length) {
          if (head[at] !== 0xff) return null;
          const marker = head[at + 1] ?? 0;
          const length = view.getUint16(at + 2);
          if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
            return { width: view.getUint16(at + 7), height: view.getUint16(at + 5) };
          }
          at += 2 + length;
        }
        return null;
      }
      default:
        return null;
    }
  } catch {
    return null; // truncated header: size unknown
  }
}

/** Children of an ISO-BMFF box body: [type, body] pairs. */
function* boxes(body: Uint8Array): Generator<[string, Uint8Array]> {
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  let at = 0;
  while (at + 8 <= body.length) {
    let size = view.getUint32(at);
    const type = ascii(body, at + 4, at + 8);
    let header = 8;
    if (size === 1) {
      if (at + 16 > body.length) return;
      size = Number(view.getBigUint64(at + 8));
      header = 16;
    } else if (size === 0) {
      size = body.length - at;
    }
    if (size < header || at + size > body.length) return;
    yield [type, body.subarray(at + header, at + size)];
    at += size;
  }
}

function parseMoov(moov: Uint8Array): { durationMs: number | null; size: Size | null } {
  let durationMs: number | null = null;
  let size: Size | null = null;
  for (const [type, body] of boxes(moov)) {
    const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
    if (type === 'mvhd' && body.length >= 32) {
      const v1 = body[0] === 1;
      const timescale = view.getUint32(v1 ? 20 : 12);
      const duration = v1 ? Number(view.getBigUint64(24)) : view.getUint32(16);
      if (timescale > 0) durationMs = Math.round((duration / timescale) * 1000);
    } else if (type === 'trak' && !size) {
      for (const [child, tkhd] of boxes(body)) {
        if (child !== 'tkhd') continue;
        const at = tkhd[0] === 1 ? 88 : 76;
        if (tkhd.length < at + 8) continue;
        const tv = new DataView(tkhd.buffer, tkhd.byteOffset, tkhd.byteLength);
        const width = tv.getUint32(at) >>> 16;
        const height = tv.getUint32(at + 4) >>> 16;
        if (width > 0 && height > 0) size = { width, height };
      }
    }
  }
  return { durationMs, size };
}

/** Finds the top-level `moov` box wherever it is (before or after the media data) and parses it. */
async function probeMp4(file: string): Promise<{ durationMs: number | null; size: Size | null }> {
  const handle = await open(file, 'r');
  try {
    const { size: fileSize } = await handle.stat();
    const header = Buffer.alloc(16);
    let at = 0;
    while (at + 8 <= fileSize) {
      const { bytesRead } = await handle.read(header, 0, 16, at);
      if (bytesRead < 8) break;
      let size = header.readUInt32BE(0);
      const type = header.toString('latin1', 4, 8);
      let headerSize = 8;
      if (size === 1 && bytesRead >= 16) {
        size = Number(header.readBigUInt64BE(8));
        headerSize = 16;
      } else if (size === 0) {
        size = fileSize - at;
      }
      if (size < headerSize) break;
      if (type === 'moov') {
        const length = Math.min(size - headerSize, fileSize - at - headerSize);
        if (length > MOOV_MAX_BYTES) break;
        const moov = Buffer.alloc(length);
        await handle.read(moov, 0, length, at + headerSize);
        return parseMoov(moov);
      }
      at += size;
    }
    return { durationMs: null, size: null };
  } finally {
    await handle.close();
  }
}

/** Kind, MIME type and what is cheaply known of size and duration; null when the bytes are not media. */
export async function probeFile(file: string): Promise<MediaInfo | null> {
  const head = await readHead(file, HEAD_BYTES);
  const sniffed = sniffMedia(head);
  if (!sniffed) return null;
  const type = { kind: sniffed.kind, mime: sniffed.mime };
  if (type.kind === 'image') {
    const size = imageSize(head, type.mime);
    return { ...type, width: size?.width ?? null, height: size?.height ?? null, durationMs: null };
  }
  if (type.mime === 'video/mp4' || type.mime === 'video/quicktime') {
    const { durationMs, size } = await probeMp4(file).catch(() => ({ durationMs: null, size: null }));
    return { ...type, width: size?.width ?? null, height: size?.height ?? null, durationMs };
  }
  return { ...type, width: null, height: null, durationMs: null };
}
