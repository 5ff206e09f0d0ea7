import { stat } from 'node:fs/promises';
import { isAbsolute, normalize } from 'node:path';
import { AppError } from '@shared/errors';
import type { ImportResult } from '@shared/library';
import { SNIFF_BYTES, sniffMedia } from '@shared/sniff';
import { readHead } from '../fs/head';
import type { LibraryContext } from './context';
import { sha256File, walkFiles } from './files';
import { insertItems, titleOf } from './intake';
import type { NewItem } from './item-repo';
import { probeFile } from './probe';
import { cleanTag } from './tags';

const IMPORT_BATCH = 200;

/**
 * Adds every video and image under `dir` (recognised by their bytes, not their names). Files already
 * in the library, by path or by content, are skipped. Nothing is known of their making: they are found
 * by name, tags and notes.
 */
export async function importFolder(ctx: LibraryContext, dir: string, options: { tags?: string[] } = {}): Promise<ImportResult> {
  if (!isAbsolute(dir)) throw new AppError('invalid_input', `Give the folder as an absolute path (got "${dir}").`);
  const root = normalize(dir);
  const info = await stat(root).catch(() => null);
  if (!info) throw new AppError('not_found', `The folder ${root} does not exist.`);
  if (!info.isDirectory()) throw new AppError('invalid_input', `${root} is a file, not a folder.`);
  const tags = (options.tags ?? []).map(cleanTag);
  const result: ImportResult = { added: 0, duplicates: 0, unsupported: 0, failed: 0 };
  const seen = new Set<string>();
  let batch: NewItem[] = [];
  const flush = (): void => {
    if (!batch.length) return;
    result.added += insertItems(ctx, batch).length;
    batch = [];
  };
  for await (const path of walkFiles(root)) {
    try {
      if (ctx.repo.byPath(path)) {
        result.duplicates++;
        continue;
      }
      const type = sniffMedia(await readHead(path, SNIFF_BYTES));
      if (!type) {
        result.unsupported++;
        continue;
      }
      const [fileStat, media, sha256] = await Promise.all([stat(path), probeFile(path), sha256File(path)]);
      const key = `${fileStat.size}:${sha256}`;
      if (seen.has(key) || ctx.repo.hasSameBytes(fileStat.size, sha256)) {
        result.duplicates++;
        continue;
      }
      seen.add(key);
      batch.push({
        path,
        title: titleOf(path),
        kind: media?.kind ?? type.kind,
        mime: media?.mime ?? type.mime,
        sizeBytes: fileStat.size,
        sha256,
        width: media?.width ?? null,
        height: media?.height ?? null,
        durationMs: media?.durationMs ?? null,
        fileModifiedAt: Math.round(fileStat.mtimeMs),
        source: 'import',
        tags,
      });
      if (batch.length >= IMPORT_BATCH) flush();
    } catch (error) {
      result.failed++;
      ctx.log?.warn('library: import skipped a file it could not read', { path, error });
    }
  }
  flush();
  if (result.added) {
    ctx.repo.optimize();
    ctx.emit({ type: 'invalidated', reason: 'import' });
  }
  return result;
}
