/**
 * Local video files: the one size cap and the one container sniffer, shared by the renderer (a drop is
 * refused before anything is read in full) and main (a staged upload is checked again, since main
 * trusts no renderer).
 */

/**
 * The largest local video the app accepts for stylization, the one cap for the drop zone, the staging
 * IPC, the vendor client and the sandbox. UNCERTAIN: a guess. HiDream states no size limit for a
 * base64 `video_name`; the body grows by a third on the wire, and gateways commonly refuse bodies of a
 * few hundred MB, so we stop well before that (200 MiB of video is about 267 MB of request).
 */
export const MAX_VIDEO_BYTES = 200 * 1024 * 1024;

/** Raw bytes per staging frame: base64 grows it by 4/3, which keeps a frame well under the shell's frame cap. */
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

/** QuickTime atoms that may open a .mov written by old QuickTime versions, without an `ftyp` box. */
const QUICKTIME_ATOMS = new Set(['moov', 'mdat', 'wide', 'free', 'skip']);

/**
 * Names the container from the first bytes (magic numbers), or undefined when it is not a video we
 * accept. A file name or a MIME type from the OS proves nothing, so neither is consulted. The renderer
 * checks a dropped file with it, and main checks it again before staging and before an upload.
 */
export function sniffVideo(head: Uint8Array): SniffedVideo | undefined {
  const found = (container: VideoContainer): SniffedVideo => ({ container, ext: container, mime: MIME[container] });
  if (head.length >= 12 && head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf && head[3] === 0xa3) {
    // EBML: the DocType element near the start names webm or matroska.
    return ascii(head, 4, head.length - 4).includes('webm') ? found('webm') : found('mkv');
  }
  if (head.length >= 12 && ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 4) === 'AVI ') return found('avi');
  if (head.length >= 8) {
    // ISO base media (mp4, mov): a 32-bit box size, then the box type.
    const size = ((head[0] ?? 0) << 24) | ((head[1] ?? 0) << 16) | ((head[2] ?? 0) << 8) | (head[3] ?? 0);
    const type = ascii(head, 4, 4);
    if (type === 'ftyp' && size >= 8 && head.length >= 12) return ascii(head, 8, 4) === 'qt  ' ? found('mov') : found('mp4');
    if (QUICKTIME_ATOMS.has(type) && (size === 1 || size >= 8)) return found('mov');
  }
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
