import { randomBytes } from 'node:crypto';
import { rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { AppError } from '@shared/errors';
import { POSTER_MAX_BYTES } from '@shared/library';
import { sniffMedia } from '@shared/sniff';
import type { MediaTarget } from '../fs/serve';
import type { LibraryContext } from './context';
import { rowId, type StoredItem, type StoredSummary } from './item-repo';

/** Posters (thumbnails the renderer makes) and the media URLs hosts serve items and posters at. */

/** Adds the host's media URLs to a stored item or summary, for IPC results and events. */
export function toWire<T extends StoredSummary>(item: T, mediaUrlPrefix: string): Omit<T, 'posterPath' | 'updatedAt'> & { mediaUrl: string; posterUrl: string | null } {
  const { posterPath, updatedAt, ...rest } = item;
  return {
    ...rest,
    mediaUrl: `${mediaUrlPrefix}${item.id}`,
    posterUrl: posterUrlOf({ id: item.id, posterPath, updatedAt }, mediaUrlPrefix),
  };
}

/** The poster's media URL, versioned by the item's last change so a new poster is not served from cache. */
export function posterUrlOf(item: { id: string; posterPath: string | null; updatedAt: number }, mediaUrlPrefix: string): string | null {
  return item.posterPath ? `${mediaUrlPrefix}${item.id}/poster?v=${item.updatedAt}` : null;
}

/**
 * The file behind a media URL path (`/<id>` or `/<id>/poster`), for the hosts' media routes, which
 * serve it through `mediaReply` only while it is still a plain file inside `root`: a poster inside
 * the thumbnails folder, an item in the folder it was recorded in.
 */
export function resolveMedia(ctx: LibraryContext, pathname: string): MediaTarget | undefined {
  const match = /^\/?([1-9]\d{0,14})(\/poster)?\/?$/.exec(pathname);
  if (!match?.[1]) return undefined;
  const row = ctx.repo.row(Number(match[1]));
  if (!row) return undefined;
  if (match[2]) return row.poster_path ? { path: row.poster_path, mime: 'image/png', root: ctx.thumbnailDir } : undefined;
  return { path: row.path, mime: row.mime, root: dirname(row.path) };
}

// ---------------------------------------------------------------- writing

/**
 * Stores the renderer's poster frame (or image thumbnail) as `<dataDir>/thumbnails/<id>.png`. The
 * renderer also reports what its <video>/<img> element learned of the media, which fills in sizes
 * and durations the file headers did not give.
 */
export async function setPoster(ctx: LibraryContext, id: string, png: Uint8Array, media: { width?: number; height?: number; durationMs?: number } = {}): Promise<StoredItem> {
  const item = ctx.get(id);
  if (png.length > POSTER_MAX_BYTES) throw new AppError('invalid_input', `A poster can be at most ${POSTER_MAX_BYTES} bytes (got ${png.length}).`);
  if (sniffMedia(png)?.mime !== 'image/png') throw new AppError('invalid_input', 'A poster must be a PNG image.');
  const file = join(ctx.thumbnailDir, `${item.id}.png`);
  const temp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temp, png);
  await rename(temp, file);
  ctx.repo.setPoster(rowId(id), file, { width: media.width ?? null, height: media.height ?? null, durationMs: item.kind === 'video' ? (media.durationMs ?? null) : null }, ctx.now());
  const updated = ctx.get(id);
  ctx.emit({ type: 'updated', item: updated });
  return updated;
}
