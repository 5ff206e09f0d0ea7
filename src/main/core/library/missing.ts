import { stat } from 'node:fs/promises';
import { isAbsolute, normalize } from 'node:path';
import { AppError } from '@shared/errors';
import type { MissingCheckResult } from '@shared/library';
import { SNIFF_BYTES, sniffMedia } from '@shared/sniff';
import { readHead } from '../fs/head';
import { exists, type LibraryContext } from './context';
import { sha256File } from './files';
import { rowId, type StoredItem } from './item-repo';

/** Files moved or deleted outside the app: finding them missing, finding them back, relinking one. */

const MISSING_BATCH = 500;

/** `get`, after looking at the disk: a file moved or deleted outside the app is marked missing. */
export async function checkItem(ctx: LibraryContext, id: string): Promise<StoredItem> {
  const item = ctx.get(id);
  const present = await exists(item.path);
  if (present === !item.missing) return item;
  setMissing(ctx, [rowId(id)], !present);
  const updated = ctx.get(id);
  ctx.emit({ type: 'updated', item: updated });
  return updated;
}

/** Looks for every item's file; marks the ones not found as missing and the ones back as present. */
export async function checkMissing(ctx: LibraryContext): Promise<MissingCheckResult> {
  const result: MissingCheckResult = { checked: 0, missing: 0, found: 0 };
  let changed = false;
  for (let after = 0; ; ) {
    const rows = ctx.repo.filesAfter(after, MISSING_BATCH);
    const last = rows.at(-1);
    if (!last) break;
    after = last.id;
    const present = await Promise.all(rows.map((row) => exists(row.path)));
    const flips = rows.filter((row, i) => present[i] === (row.missing === 1));
    result.checked += rows.length;
    result.missing += present.filter((p) => !p).length;
    result.found += flips.filter((row) => row.missing === 1).length;
    const lost = flips.filter((row) => row.missing === 0).map((row) => row.id);
    const back = flips.filter((row) => row.missing === 1).map((row) => row.id);
    if (lost.length) setMissing(ctx, lost, true);
    if (back.length) setMissing(ctx, back, false);
    changed ||= flips.length > 0;
  }
  if (changed) ctx.emit({ type: 'invalidated', reason: 'missing' });
  return result;
}

function setMissing(ctx: LibraryContext, ids: readonly number[], missing: boolean): void {
  ctx.repo.setMissing(ids, missing, ctx.now());
}

/**
 * Points a missing item at its file's new place. The file must be the same one: same sha256 when the
 * library knows it, else same size and kind.
 */
export async function relink(ctx: LibraryContext, id: string, newPath: string): Promise<StoredItem> {
  const item = ctx.get(id);
  if (!isAbsolute(newPath)) throw new AppError('invalid_input', `Give the file as an absolute path (got "${newPath}").`);
  const path = normalize(newPath);
  const fileStat = await stat(path).catch(() => null);
  if (!fileStat?.isFile()) throw new AppError('not_found', `There is no file at ${path}.`);
  const other = ctx.repo.byPath(path);
  if (other && String(other.id) !== id) throw new AppError('conflict', `${path} is already library item "${other.title}".`);
  const type = sniffMedia(await readHead(path, SNIFF_BYTES));
  if (type?.kind !== item.kind) throw new AppError('conflict', `${path} is not a ${item.kind} file, so it cannot be "${item.title}".`);
  if (item.sha256) {
    const sha256 = await sha256File(path);
    if (sha256 !== item.sha256) throw new AppError('conflict', `${path} is a different file: its contents do not match "${item.title}" (sha256 differs).`);
  } else if (fileStat.size !== item.sizeBytes) {
    throw new AppError('conflict', `${path} is a different file: it has ${fileStat.size} bytes, "${item.title}" had ${item.sizeBytes}.`);
  }
  ctx.repo.setPath(rowId(id), path, Math.round(fileStat.mtimeMs), ctx.now());
  const updated = ctx.get(id);
  ctx.emit({ type: 'updated', item: updated });
  return updated;
}
