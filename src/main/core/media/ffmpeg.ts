import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { AppError } from '@shared/errors';

/**
 * Where the ffmpeg and ffprobe binaries are: the registry packages that ship them for this platform
 * (`@ffmpeg-installer/ffmpeg`, `@ffprobe-installer/ffprobe`), or the paths in `PROMPTREEL_FFMPEG` /
 * `PROMPTREEL_FFPROBE` (a packager that puts them elsewhere). Resolved on first use: the packages throw
 * on a platform they do not cover, and that must be a clear error, not a crash at start-up.
 */
export interface MediaTools {
  ffmpeg: string;
  ffprobe: string;
}

let cached: MediaTools | undefined;

function binaryFrom(pkg: string, envName: string): string {
  const fromEnv = process.env[envName];
  if (fromEnv) return fromEnv;
  try {
    const found = (createRequire(import.meta.url)(pkg) as { path: string }).path;
    // A packaged app keeps executables outside the asar archive.
    return found.replace('app.asar/', 'app.asar.unpacked/');
  } catch (error) {
    throw new AppError('internal', `${pkg} has no binary for ${process.platform}-${process.arch}, so videos cannot be read or exported here.`, { cause: error });
  }
}

export function mediaTools(): MediaTools {
  cached ??= { ffmpeg: binaryFrom('@ffmpeg-installer/ffmpeg', 'PROMPTREEL_FFMPEG'), ffprobe: binaryFrom('@ffprobe-installer/ffprobe', 'PROMPTREEL_FFPROBE') };
  return cached;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
}

/** Keeps the end of a child's stderr: where ffmpeg says what went wrong. */
const STDERR_KEEP = 16 * 1024;

export interface RunOptions {
  /** Called with each chunk of stdout as it arrives (ffmpeg's `-progress pipe:1`). */
  onStdout?: (chunk: Buffer) => void;
  /** Collects stdout into the result (ffprobe's JSON, a frame's bytes); off for long streams. */
  collect?: boolean;
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** Runs a media tool to the end; never throws for a non-zero exit (the caller words the failure). */
export function runTool(binary: string, args: readonly string[], options: RunOptions = {}): { child: ChildProcess; done: Promise<RunResult> } {
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
  const chunks: Buffer[] = [];
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    if (options.collect) chunks.push(chunk);
    options.onStdout?.(chunk);
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => {
    stderr = (stderr + text).slice(-STDERR_KEEP);
  });
  const kill = (): void => {
    child.kill('SIGKILL');
  };
  options.signal?.addEventListener('abort', kill, { once: true });
  const timer = options.timeoutMs ? setTimeout(kill, options.timeoutMs) : undefined;
  const done = new Promise<RunResult>((resolve, reject) => {
    child.once('error', (error) => {
      if (timer) clearTimeout(timer);
      reject(new AppError('internal', `${binary} could not be started: ${error.message}`, { cause: error }));
    });
    child.once('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      options.signal?.removeEventListener('abort', kill);
      resolve({ code, signal, stdout: Buffer.concat(chunks), stderr });
    });
  });
  return { child, done };
}

/** The last meaningful line ffmpeg/ffprobe printed on stderr: its own words for what failed. */
export function lastProblem(stderr: string): string {
  const lines = stderr
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !line.startsWith('frame=') && !/^Press \[q\]/.test(line));
  return lines.at(-1)?.slice(0, 500) ?? 'no message';
}
