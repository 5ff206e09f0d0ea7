import { randomBytes } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { mkdir, open, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, parse, posix, resolve, win32 } from 'node:path';
import { AppError } from '@shared/errors';

/**
 * The one policy for local paths that arrive from a renderer (library import and relink, the download
 * folder, a job's input file). A renderer is treated as untrusted: a bug or injected script there must
 * not make the app index, serve, write into or trash the system's or another program's files.
 *
 * Decisions:
 * - The system's own folders are refused, by platform, whatever the request; so is a drive or
 *   filesystem root. A path is judged by where it really leads (symlinks followed), so `/proc/self`
 *   or a link into `/etc` is refused like the folder itself.
 * - The home folder itself may be the download folder (a plain place to put files), but not a folder
 *   to import: that would index and serve everything the user has. Its subfolders are fine for both.
 * - In the desktop app, folders to import and files to relink must have come from the system dialog
 *   (see `PathGrants`); the browser shell has no dialog and takes typed paths, under the same refusals.
 */

export type FolderPurpose = 'import' | 'downloads' | 'relink' | 'export';

const POSIX_SYSTEM = ['/proc', '/sys', '/dev', '/etc', '/bin', '/sbin', '/usr', '/boot', '/lib', '/lib32', '/lib64', '/libx32', '/run', '/snap', '/srv', '/root', '/opt'];
const POSIX_SYSTEM_VAR = ['/var/lib', '/var/log', '/var/cache', '/var/spool', '/var/run', '/var/mail', '/var/db'];
// Not all of /private/var: the system's temporary folders (/var/folders) live there.
const MAC_SYSTEM = ['/System', '/Library', '/Applications', '/private/etc', '/private/var/db', '/private/var/log', '/private/var/root', '/private/var/spool', '/cores'];
const WINDOWS_SYSTEM = ['Windows', 'Program Files', 'Program Files (x86)', 'ProgramData', 'Recovery', '$Recycle.Bin', 'System Volume Information'];

const REFUSALS: Record<FolderPurpose, string> = { import: 'import from it', downloads: 'use it as the download folder', relink: 'link a library item to a file in it', export: 'write an export into it' };

/** Whether `path` is `root` or inside it; Windows and macOS compare names without regard to case. */
function under(path: string, root: string, caseless: boolean, sep: '/' | '\\' = '/'): boolean {
  const p = caseless ? path.toLowerCase() : path;
  const r = caseless ? root.toLowerCase() : root;
  return p === r || p.startsWith(r.endsWith(sep) ? r : `${r}${sep}`);
}

/**
 * The system folder `path` is or lies in, or null. `/root` is the administrator's home: it counts as
 * a system folder unless it is the home of the user running the app (containers often run as root).
 */
export function systemFolderOf(path: string, platform: NodeJS.Platform = process.platform, home: string = homedir()): string | null {
  if (platform === 'win32') {
    const full = win32.resolve(path).replace(/^[a-z]:/, (drive) => drive.toUpperCase());
    const { root } = win32.parse(full);
    if (full.replace(/[\\/]+$/, '') === root.replace(/[\\/]+$/, '')) return root;
    for (const name of WINDOWS_SYSTEM) {
      const folder = win32.join(root, name);
      if (under(full, folder, true, '\\')) return folder;
    }
    return null;
  }
  const full = posix.resolve(path);
  if (full === '/') return '/';
  const roots = [...POSIX_SYSTEM, ...POSIX_SYSTEM_VAR, ...(platform === 'darwin' ? MAC_SYSTEM : [])];
  for (const root of roots) {
    if (!under(full, root, platform === 'darwin')) continue;
    // The user's own home is theirs even where it sits in a system place (root in a container).
    if (under(full, home, platform === 'darwin') && home !== '/') continue;
    return root;
  }
  return null;
}

/** Where a path really leads: the deepest existing ancestor resolved through its symlinks, plus the rest. */
function realTarget(path: string): string {
  let existing = path;
  const rest: string[] = [];
  for (;;) {
    try {
      return join(realpathSync.native(existing), ...rest.reverse());
    } catch {
      const parent = dirname(existing);
      if (parent === existing) return path;
      rest.push(parse(existing).base);
      existing = parent;
    }
  }
}

/**
 * A folder the renderer asks to use, checked against the refusals above. Returns it normalized (as
 * the user gave it, not its symlink target); throws `invalid_input` naming the folder otherwise.
 */
export function checkFolder(raw: string, purpose: FolderPurpose, options: { platform?: NodeJS.Platform; home?: string } = {}): string {
  const platform = options.platform ?? process.platform;
  const home = options.home ?? homedir();
  if (!isAbsolute(raw)) throw new AppError('invalid_input', `Give the folder as a full path (got “${raw}”).`);
  const path = resolve(raw);
  for (const candidate of [path, realTarget(path)]) {
    const system = systemFolderOf(candidate, platform, home);
    if (system !== null) {
      const where = candidate === path ? path : `${path} (which leads to ${candidate})`;
      throw new AppError('forbidden', `${where} is a system folder (${system}); Promptreel will not ${REFUSALS[purpose]}. Choose one of your own folders.`);
    }
    if (purpose === 'import' && resolve(candidate) === resolve(home)) {
      throw new AppError('forbidden', `Importing your whole home folder (${home}) would add and show everything in it; choose a folder inside it, such as your Videos or Pictures folder.`);
    }
  }
  return path;
}

/**
 * Proves the app can write into `dir` (creating it if needed) by creating and deleting a small file, so
 * an unwritable download folder is refused when it is chosen rather than found out by a download that
 * never moves.
 */
export async function probeWritable(dir: string): Promise<void> {
  const probe = join(dir, `.promptreel-write-test-${randomBytes(6).toString('hex')}`);
  try {
    await mkdir(dir, { recursive: true });
    const handle = await open(probe, 'wx', 0o600);
    try {
      await handle.write('ok');
    } finally {
      await handle.close();
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EROFS' ? 'the disk is read-only' : code === 'ENOSPC' ? 'the disk is full' : code === 'ENOTDIR' ? 'part of it is a file' : (code ?? String(error));
    throw new AppError('invalid_input', `Promptreel cannot write to ${dir} (${why}); choose a folder you can write to.`);
  } finally {
    await rm(probe, { force: true }).catch(() => undefined);
  }
}

/**
 * Paths the host granted this run: the system dialog's answer and files dropped on the window (the
 * preload hands main the dropped file's real path). In the desktop app, a folder to import or a file
 * to relink or upload must be one of these; the renderer cannot name another. The browser shell has
 * no dialog, so it does not require grants and relies on the refusals above and on its token.
 */
export class PathGrants {
  private readonly granted = new Set<string>();

  constructor(readonly required: boolean) {}

  grant(path: string): void {
    if (isAbsolute(path)) this.granted.add(resolve(path));
  }

  has(path: string): boolean {
    return this.granted.has(resolve(path));
  }

  /** Throws `forbidden` when grants are required and `path` was not granted. */
  require(path: string, what: string, how: string): void {
    if (this.required && !this.has(path)) {
      throw new AppError('forbidden', `${what} must be chosen in the system dialog (${how}); in the desktop app a typed path is not accepted.`);
    }
  }
}
