/**
 * The extension of a downloaded file, from what the server said it sent (Content-Type) or else from the
 * bytes themselves. The URL's extension is never used: signed CDN links often end in something
 * unrelated (`.bin`, a query string, nothing at all).
 */

const BY_CONTENT_TYPE: Readonly<Record<string, string>> = {
  'video/mp4': 'mp4',
  'video/quicktime': 'mov',
  'video/webm': 'webm',
  'video/x-matroska': 'mkv',
  'video/matroska': 'mkv',
  'video/x-msvideo': 'avi',
  'video/avi': 'avi',
  'video/msvideo': 'avi',
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/jpg': 'jpg',
  'image/pjpeg': 'jpg',
  'image/webp': 'webp',
  'image/gif': 'gif',
};

/** How many leading bytes `sniffExtension` wants (a Matroska DocType sits within the first few dozen). */
export const SNIFF_BYTES = 4096;

/** Used when neither the header nor the bytes say what the file is. */
export const UNKNOWN_EXTENSION = 'bin';

export function extensionFromContentType(contentType: string | null | undefined): string | null {
  if (!contentType) return null;
  const essence = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return BY_CONTENT_TYPE[essence] ?? null;
}

function ascii(bytes: Uint8Array, start: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(start, start + length));
}

function startsWith(bytes: Uint8Array, signature: readonly number[], offset = 0): boolean {
  return signature.every((byte, i) => bytes[offset + i] === byte);
}

/** QuickTime files without an `ftyp` box start straight with one of these top-level atoms. */
const QUICKTIME_ATOMS = new Set(['moov', 'mdat', 'wide', 'free', 'skip', 'pnot']);

export function sniffExtension(head: Uint8Array): string | null {
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'jpg';
  if (ascii(head, 0, 6) === 'GIF87a' || ascii(head, 0, 6) === 'GIF89a') return 'gif';
  if (ascii(head, 0, 4) === 'RIFF') {
    const form = ascii(head, 8, 4);
    if (form === 'WEBP') return 'webp';
    if (form === 'AVI ') return 'avi';
    return null;
  }
  if (head.length >= 12 && ascii(head, 4, 4) === 'ftyp') return ascii(head, 8, 4) === 'qt  ' ? 'mov' : 'mp4';
  if (head.length >= 8 && QUICKTIME_ATOMS.has(ascii(head, 4, 4))) return 'mov';
  if (startsWith(head, [0x1a, 0x45, 0xdf, 0xa3])) return matroskaDocType(head);
  return null;
}

/** WebM is Matroska with DocType "webm"; the DocType element (ID 0x4282) sits in the EBML header. */
function matroskaDocType(head: Uint8Array): string {
  const window = head.subarray(0, 128);
  for (let i = 4; i < window.length - 2; i++) {
    if (window[i] !== 0x42 || window[i + 1] !== 0x82) continue;
    // A one-byte EBML size (top bit set) holds the string's length.
    const size = window[i + 2] ?? 0;
    if ((size & 0x80) === 0) continue;
    const docType = ascii(window, i + 3, size & 0x7f);
    return docType === 'webm' ? 'webm' : 'mkv';
  }
  return 'mkv';
}

/** Content-Type first (the server knows what it sent), then magic bytes, then `bin`. */
export function chooseExtension(contentType: string | null | undefined, head: Uint8Array): string {
  return extensionFromContentType(contentType) ?? sniffExtension(head) ?? UNKNOWN_EXTENSION;
}
