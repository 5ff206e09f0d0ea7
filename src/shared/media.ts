/**
 * What ffprobe read from a library item's file. Stored with the item when it enters the library
 * (download or import) and on demand (`media.facts`); `decodable: false` means ffprobe could not find a
 * stream it can decode, and `problem` says why in ffprobe's words.
 */
export interface MediaFacts {
  itemId: string;
  decodable: boolean;
  problem: string | null;
  durationSeconds: number | null;
  width: number | null;
  height: number | null;
  /** Frames per second of the video stream (e.g. 29.97), null for still images or when unknown. */
  fps: number | null;
  /** ffprobe's codec names, e.g. `h264`, `aac`, `png`. */
  videoCodec: string | null;
  audioCodec: string | null;
  hasAudio: boolean;
  /** ms epoch of the probe. */
  probedAt: number;
}

/** Bounds of a frame strip (`media.frames`). */
export const FRAME_STRIP_MAX_FRAMES = 24;
export const FRAME_STRIP_MAX_HEIGHT = 360;

export interface StripFrame {
  /** Seconds into the clip this frame shows. */
  seconds: number;
  /** A small JPEG as a data: URL (the CSP allows data: images). */
  dataUrl: string;
}

export interface FrameStrip {
  itemId: string;
  durationSeconds: number | null;
  frames: StripFrame[];
}
