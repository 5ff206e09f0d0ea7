import { constants } from 'node:fs';
import { lstat } from 'node:fs/promises';

/**
 * Opening a file that Promptreel writes (a download's `.part`) without ever writing through something
 * planted under its name: a symbolic link to `~/.bashrc`, a hard link to another file, a FIFO or a
 * device. The name is opened with O_NOFOLLOW, a new file with O_EXCL, and what was opened is checked
 * by its descriptor (fstat), so no check-then-open race is left.
 */

/** Node's typings promise every flag; Windows has neither of the two below. */
const flags: Partial<typeof constants> = constants;
/** 0 on Windows; there a symbolic link is looked for with lstat first. */
const NO_FOLLOW = flags.O_NOFOLLOW ?? 0;
/** A FIFO planted under our name must not block a thread in open(); regular files ignore the flag. */
const NON_BLOCK = flags.O_NONBLOCK ?? 0;

export const OPEN_EXISTING = constants.O_RDWR | NO_FOLLOW | NON_BLOCK;
export const CREATE_NEW = constants.O_RDWR | constants.O_CREAT | constants.O_EXCL | NO_FOLLOW;
/** Reading a file we serve or hash: not through a link. */
export const READ_NO_FOLLOW = constants.O_RDONLY | NO_FOLLOW | NON_BLOCK;

/** Something other than our own plain file sits under a name we write. Nothing was written to it. */
export class UnsafeFileError extends Error {
  readonly code = 'EUNSAFE';
  readonly path: string;

  constructor(path: string, what: string) {
    super(`${path} ${what}, not a file Promptreel wrote; it was left untouched.`);
    this.name = 'UnsafeFileError';
    this.path = path;
  }
}

export function isUnsafeFileError(error: unknown): error is UnsafeFileError {
  return error instanceof UnsafeFileError;
}

/** What the helper needs of an opened file: its identity, by descriptor. */
export interface OwnedHandle {
  stat(): Promise<{ isFile(): boolean; nlink: number; dev: number; ino: number }>;
  close(): Promise<void>;
}

export type Opener<H> = (path: string, flags: number) => Promise<H>;

const code = (error: unknown): string | undefined => (error as NodeJS.ErrnoException | null)?.code;

/** Linux and macOS answer O_NOFOLLOW on a link with ELOOP, FreeBSD with EMLINK. */
const isLinkRefusal = (error: unknown): boolean => NO_FOLLOW !== 0 && (code(error) === 'ELOOP' || code(error) === 'EMLINK');

/**
 * Opens `path` for reading and writing: the existing file to continue it, or a new one created
 * exclusively when there is none. Throws `UnsafeFileError` when the name is a link or anything but a
 * regular file with one name; other errors (ENOENT for a missing folder, EACCES, ENOSPC) pass through.
 */
export async function openOwnedFile<H extends OwnedHandle>(path: string, opener: Opener<H>): Promise<H> {
  if (NO_FOLLOW === 0) {
    const info = await lstat(path).catch(() => undefined);
    if (info?.isSymbolicLink()) throw new UnsafeFileError(path, 'is a symbolic link');
  }
  let handle: H;
  try {
    handle = await opener(path, OPEN_EXISTING);
  } catch (error) {
    if (isLinkRefusal(error)) throw new UnsafeFileError(path, 'is a symbolic link');
    if (code(error) !== 'ENOENT') throw error;
    try {
      handle = await opener(path, CREATE_NEW);
    } catch (created) {
      // Something took the name between the two opens; whatever it is, it is not ours.
      if (code(created) === 'EEXIST' || isLinkRefusal(created)) throw new UnsafeFileError(path, 'appeared while it was being created');
      throw created;
    }
  }
  try {
    await assertOwnFile(path, handle);
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw error;
  }
  return handle;
}

async function assertOwnFile(path: string, handle: OwnedHandle): Promise<void> {
  const info = await handle.stat();
  if (!info.isFile()) throw new UnsafeFileError(path, 'is not a regular file');
  // A hard link would let our writes land in another file under another name.
  if (info.nlink > 1) throw new UnsafeFileError(path, 'has another name (a hard link)');
}

/** The same file as when it was opened: not removed, replaced or turned into a link since. */
export async function stillAt(path: string, identity: { dev: number; ino: number }): Promise<boolean> {
  const info = await lstat(path).catch(() => undefined);
  return info !== undefined && info.isFile() && info.dev === identity.dev && info.ino === identity.ino;
}
