import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

/**
 * Every regular file under `dir`, depth first. Hidden files and folders (".DS_Store", ".git") are
 * skipped, and so are symbolic links, so a link loop cannot make the walk endless.
 */
export async function* walkFiles(dir: string, maxDepth = 32): AsyncGenerator<string> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory() && maxDepth > 0) yield* walkFiles(path, maxDepth - 1);
    else if (entry.isFile()) yield path;
  }
}
