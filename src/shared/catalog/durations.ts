import type { MediaKind, OperationId } from './spec';

/**
 * How long a task typically takes on the vendor's side, from acceptance to the last result, in vendor
 * time (ms). The one place these numbers live: the engine's estimates (the "about 1 min left" of a job
 * that reports no progress yet, the wait for a free slot) derive from them.
 *
 * UNCERTAIN: neither vendor documents task durations. These are round figures of what a task of the
 * kind takes in practice; an estimate built on them is always worded as "about", and the vendor's own
 * progress replaces them as soon as it reports any. Change them here when better figures are known.
 */
export const TYPICAL_DURATIONS_MS: Readonly<Record<OperationId, number>> = {
  // An image set renders in parallel on HiDream: a set takes about as long as one image.
  'hidream.txt2img': 20_000,
  'hidream.txt2video': 120_000,
  // A stylization re-renders every frame of a clip up to 10 s.
  'hidream.video_stylize': 180_000,
  'haiper.generate': 90_000,
  'haiper.upscale': 60_000,
  'haiper.extend': 90_000,
};

/**
 * The built-in sandbox's task durations, as [shortest, longest] ms before its time scale: "a quick real
 * vendor". The sandbox plays them, and the engine estimates from them while a vendor runs in the sandbox.
 */
export const SANDBOX_DURATIONS_MS: Readonly<Record<MediaKind, readonly [number, number]>> = { image: [3_000, 6_000], video: [8_000, 15_000] };
