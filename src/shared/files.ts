/**
 * Local video files: the one size cap and the one container sniffer, shared by the renderer (a drop is
 * refused before anything is read in full) and main (a staged upload is checked again, since main
 * trusts no renderer).
 */

/** The largest local video the app accepts for stylization. HiDream takes it inline as base64. */
export const MAX_VIDEO_BYTES = 500 * 1024 * 1024;

/** Raw bytes per staging frame: base64 grows it by 4/3, which keeps a frame under the shell's 1 MiB cap. */
export const STAGE_CHUNK_BYTES = 512 * 1024;

/** How many leading bytes `sniffVideo` needs (an EBML header names its doc type within them). */
export const SNIFF_BYTES = 64;

export type VideoContainer = 'mp4' | 'mov' | 'webm' | 'mkv' | 'avi';

export interface SniffedVideo {
  container: VideoContainer;
  /** File extension for a staged copy. */
  ext: VideoContainer;
  mime: string;
}

const MIME: Record<VideoContainer, string> = {
  mp4: 'video/mp4',
  mov: 'video/quicktime',
  webm: 'video/webm',
  mkv: 'video/x-matroska',
  avi: 'video/x-msvideo',
};

function ascii(bytes: Uint8Array, start: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(start, start + length));
}

/** QuickTime atoms that may open a .mov written without an `ftyp` box. */
const QUICKTIME_ATOMS = new Set(['moov', 'mdat', 'wide', 'free', 'skip', 'pnot']);

/**
 * Names the container from the first bytes (magic numbers), or undefined when it is not a video we
 * accept. A file name or a MIME type from the OS proves nothing, so neither is consulted.
 */
export function sniffVideo(head: Uint8Array): SniffedVideo | undefined {
  const found = (container: VideoContainer): SniffedVideo => ({ container, ext: container, mime: MIME[container] });
  if (head.length >= 12 && ascii(head, 4, 4) === 'ftyp') {
    return ascii(head, 8, 4) === 'qt  ' ? found('mov') : found('mp4');
  }
  if (head.length >= 8 && QUICKTIME_ATOMS.has(ascii(head, 4, 4))) return found('mov');
  if (head.length >= 4 && head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf && head[3] === 0xa3) {
    return ascii(head, 0, head.length).includes('webm') ? found('webm') : found('mkv');
  }
  if (head.length >= 12 && ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 4) === 'AVI ') return found('avi');
  return undefined;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 10 ? Math.round(value) : value.toFixed(1)} ${units[unit] ?? 'GB'}`;
}
