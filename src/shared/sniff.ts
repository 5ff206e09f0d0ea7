/**
 * What a media file is, from its first bytes (magic numbers): the one sniffer for download naming,
 * library import and probing, the stylize upload check, staging and the renderer's drop check. A file
 * name, a URL or a MIME type from the OS proves nothing, so none is consulted here.
 */

/** How many leading bytes `sniffMedia` needs: every signature, and the EBML header's DocType, lie within them. */
export const SNIFF_BYTES = 64;

export type VideoContainer = 'mp4' | 'mov' | 'webm' | 'mkv' | 'avi';
export type ImageFormat = 'png' | 'jpg' | 'gif' | 'webp' | 'avif';

export type SniffedMedia =
  | { kind: 'video'; ext: VideoContainer; mime: string }
  | { kind: 'image'; ext: ImageFormat; mime: string };

export interface SniffedVideo {
  container: VideoContainer;
  /** File extension for a staged copy. */
  ext: VideoContainer;
  mime: string;
}

const VIDEO_MIME: Record<VideoContainer, string> = {
  mp4: 'video/mp4',
  mov: 'video/quicktime',
  webm: 'video/webm',
  mkv: 'video/x-matroska',
  avi: 'video/x-msvideo',
};

const IMAGE_MIME: Record<ImageFormat, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  avif: 'image/avif',
};

const video = (ext: VideoContainer): SniffedMedia => ({ kind: 'video', ext, mime: VIDEO_MIME[ext] });
const image = (ext: ImageFormat): SniffedMedia => ({ kind: 'image', ext, mime: IMAGE_MIME[ext] });

function ascii(bytes: Uint8Array, start: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(start, start + length));
}

function startsWith(bytes: Uint8Array, signature: readonly number[]): boolean {
  return bytes.length >= signature.length && signature.every((byte, i) => bytes[i] === byte);
}

/** QuickTime atoms that may open a .mov written by old QuickTime versions, without an `ftyp` box. */
const QUICKTIME_ATOMS = new Set(['moov', 'mdat', 'wide', 'free', 'skip']);
/** HEIF stills share the ISO box format with MP4; no part of the app can show them. */
const HEIF_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1']);

/** WebM is Matroska with DocType "webm"; the DocType element (ID 0x4282) sits in the EBML header. */
function matroska(head: Uint8Array): SniffedMedia {
  const window = head.subarray(0, SNIFF_BYTES);
  for (let i = 4; i < window.length - 2; i++) {
    if (window[i] !== 0x42 || window[i + 1] !== 0x82) continue;
    // A one-byte EBML size (top bit set) holds the string's length.
    const size = window[i + 2] ?? 0;
    if ((size & 0x80) === 0) continue;
    return ascii(window, i + 3, size & 0x7f) === 'webm' ? video('webm') : video('mkv');
  }
  // A header this sniffer cannot walk still names its doc type somewhere in it.
  return ascii(window, 4, window.length - 4).includes('webm') ? video('webm') : video('mkv');
}

/** ISO base media (mp4, mov, avif): a 32-bit box size, then the box type; `ftyp` names the brand. */
function isoMedia(head: Uint8Array): SniffedMedia | undefined {
  if (head.length < 8) return undefined;
  const size = (((head[0] ?? 0) << 24) | ((head[1] ?? 0) << 16) | ((head[2] ?? 0) << 8) | (head[3] ?? 0)) >>> 0;
  const type = ascii(head, 4, 4);
  if (type === 'ftyp' && size >= 8 && head.length >= 12) {
    const brand = ascii(head, 8, 4);
    if (brand === 'avif' || brand === 'avis') return image('avif');
    if (HEIF_BRANDS.has(brand)) return undefined;
    return brand === 'qt  ' ? video('mov') : video('mp4');
  }
  if (QUICKTIME_ATOMS.has(type) && (size === 1 || size >= 8)) return video('mov');
  return undefined;
}

/** The media type of a file from its first bytes, or undefined when it is not an image or video the app handles. */
export function sniffMedia(head: Uint8Array): SniffedMedia | undefined {
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return image('png');
  if (startsWith(head, [0xff, 0xd8, 0xff])) return image('jpg');
  if (ascii(head, 0, 6) === 'GIF87a' || ascii(head, 0, 6) === 'GIF89a') return image('gif');
  if (head.length >= 12 && ascii(head, 0, 4) === 'RIFF') {
    const form = ascii(head, 8, 4);
    if (form === 'WEBP') return image('webp');
    if (form === 'AVI ') return video('avi');
    return undefined;
  }
  if (startsWith(head, [0x1a, 0x45, 0xdf, 0xa3]) && head.length >= 12) return matroska(head);
  return isoMedia(head);
}

/**
 * The container of a local video, or undefined when the bytes are not a video we accept (an image is
 * not). The renderer checks a dropped file with it; main checks again before staging and uploading.
 */
export function sniffVideo(head: Uint8Array): SniffedVideo | undefined {
  const media = sniffMedia(head);
  return media?.kind === 'video' ? { container: media.ext, ext: media.ext, mime: media.mime } : undefined;
}
