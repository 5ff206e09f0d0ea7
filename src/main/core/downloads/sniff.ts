import { sniffMedia } from '@shared/sniff';

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
  'image/avif': 'avif',
};

/** Used when neither the header nor the bytes say what the file is. */
const UNKNOWN_EXTENSION = 'bin';

export function extensionFromContentType(contentType: string | null | undefined): string | null {
  if (!contentType) return null;
  const essence = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return BY_CONTENT_TYPE[essence] ?? null;
}

/** Content-Type first (the server knows what it sent), then magic bytes, then `bin`. */
export function chooseExtension(contentType: string | null | undefined, head: Uint8Array): string {
  return extensionFromContentType(contentType) ?? sniffMedia(head)?.ext ?? UNKNOWN_EXTENSION;
}
