import type { LibraryItemSummary } from '@shared/library';
import { call } from '../../lib/ipc';

/**
 * Posters are made here, where the media can be decoded: a frame of a video (a tenth of the way in, at
 * most one second) or the image itself, scaled to a thumbnail and sent to main once as a PNG. Main
 * caches it under the data folder, so an item is never captured twice; a capture that fails is not
 * retried in this session (the grid shows a placeholder).
 */
const MAX_WIDTH = 400;
const TIMEOUT_MS = 20_000;
const CONCURRENCY = 2;

interface Capture {
  png: string;
  width: number;
  height: number;
  durationMs?: number;
}

function once(target: EventTarget, ok: string, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (): void => {
      target.removeEventListener(ok, done);
      target.removeEventListener('error', fail);
      resolve();
    };
    const fail = (): void => {
      target.removeEventListener(ok, done);
      reject(new Error(`media failed to load (${ok})`));
    };
    target.addEventListener(ok, done);
    target.addEventListener('error', fail);
    signal.addEventListener('abort', () => reject(new Error('poster capture timed out')), { once: true });
  });
}

async function toBase64(canvas: HTMLCanvasElement): Promise<string> {
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  if (!blob) throw new Error('the canvas produced no image');
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function draw(source: CanvasImageSource, width: number, height: number): HTMLCanvasElement {
  const scale = Math.min(1, MAX_WIDTH / width);
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(width * scale));
  canvas.height = Math.max(1, Math.round(height * scale));
  const context = canvas.getContext('2d');
  if (!context) throw new Error('no 2D canvas');
  context.drawImage(source, 0, 0, canvas.width, canvas.height);
  return canvas;
}

export async function capturePoster(item: Pick<LibraryItemSummary, 'kind' | 'mediaUrl'>): Promise<Capture> {
  const signal = AbortSignal.timeout(TIMEOUT_MS);
  if (item.kind === 'image') {
    const image = new Image();
    image.crossOrigin = 'anonymous';
    const loaded = once(image, 'load', signal);
    image.src = item.mediaUrl;
    await loaded;
    return { png: await toBase64(draw(image, image.naturalWidth, image.naturalHeight)), width: image.naturalWidth, height: image.naturalHeight };
  }
  const video = document.createElement('video');
  video.crossOrigin = 'anonymous';
  video.muted = true;
  video.preload = 'auto';
  try {
    const metadata = once(video, 'loadeddata', signal);
    video.src = item.mediaUrl;
    await metadata;
    const seeked = once(video, 'seeked', signal);
    video.currentTime = Math.min(1, (Number.isFinite(video.duration) ? video.duration : 0) / 10);
    await seeked;
    return {
      png: await toBase64(draw(video, video.videoWidth, video.videoHeight)),
      width: video.videoWidth,
      height: video.videoHeight,
      ...(Number.isFinite(video.duration) ? { durationMs: Math.round(video.duration * 1000) } : {}),
    };
  } finally {
    video.removeAttribute('src');
    video.load();
  }
}

const queued = new Set<string>();
const failed = new Set<string>();
const waiting: LibraryItemSummary[] = [];
let running = 0;

function pump(): void {
  while (running < CONCURRENCY && waiting.length) {
    const item = waiting.shift();
    if (!item) break;
    running++;
    capturePoster(item)
      .then((capture) => call('library.setPoster', { id: item.id, ...capture }))
      .catch(() => failed.add(item.id))
      .finally(() => {
        queued.delete(item.id);
        running--;
        pump();
      });
  }
}

/** Asks for a poster of an item the grid shows; the result arrives as a `library.updated` event. */
export function requestPoster(item: LibraryItemSummary): void {
  if (item.posterUrl || item.missing || queued.has(item.id) || failed.has(item.id)) return;
  queued.add(item.id);
  waiting.push(item);
  pump();
}
