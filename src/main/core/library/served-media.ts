import { SNIFF_BYTES, sniffMedia } from '@shared/sniff';

/** How many leading bytes `servedMediaHeaders` looks at. */
export const SERVED_SNIFF_BYTES = SNIFF_BYTES;

/**
 * The type a local media file is served with, from its own bytes. A download's Content-Type is the
 * remote server's word (it can say `text/html`, which on the app's origin would run as a page), and a
 * file on disk can be swapped, so neither the stored type nor the name is used. What is not a media
 * type we know goes out as an attachment of no type, never rendered; `nosniff` stops the browser from
 * guessing otherwise.
 */
export function servedMediaHeaders(head: Uint8Array): Record<string, string> {
  const type = sniffMedia(head);
  if (type) return { 'content-type': type.mime, 'x-content-type-options': 'nosniff' };
  return { 'content-type': 'application/octet-stream', 'content-disposition': 'attachment', 'x-content-type-options': 'nosniff' };
}
