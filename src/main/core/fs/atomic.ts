import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

/**
 * Replaces a file so that a crash leaves either the old or the new content, never half of one:
 * write a temp file beside it, flush it to the disk, rename it over the target, flush the folder.
 */
export function writeFileAtomic(file: string, data: string, options: { mode?: number } = {}): void {
  const dir = dirname(file);
  const temp = join(dir, `.${basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(temp, 'wx', options.mode ?? 0o644);
  try {
    writeSync(fd, data);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw error;
  }
  closeSync(fd);
  try {
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  syncDir(dir);
}

function syncDir(dir: string): void {
  // Makes the rename itself durable. Windows cannot open a folder for syncing; there it is skipped.
  if (process.platform === 'win32') return;
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Moves a finished temp file (written beside `file`, e.g. by another process) into place: flush it,
 * rename it over the target, flush the folder. A crash leaves either no file or the whole one.
 */
export function commitFileAtomic(temp: string, file: string): void {
  const fd = openSync(temp, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, file);
  syncDir(dirname(file));
}

/** A temp name beside `file` for `commitFileAtomic`, keeping the extension (tools pick formats by it). */
export function tempPathBeside(file: string): string {
  const name = basename(file);
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 ? name.slice(dot) : '';
  return join(dirname(file), `.${name}.${randomBytes(6).toString('hex')}.tmp${ext}`);
}
