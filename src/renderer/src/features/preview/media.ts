import type { JobOutput } from '@shared/jobs';

export interface MediaSource {
  url: string;
  /** True for a file on this computer (downloaded), false for the vendor's link. */
  local: boolean;
}

/**
 * Where a result can be seen: the downloaded file once there is one (`localUrl`, from the download's
 * media route), else the vendor's link while it is valid.
 */
export function outputMedia(output: JobOutput, now: number, localUrl?: (output: JobOutput) => string | undefined): MediaSource | undefined {
  const local = localUrl?.(output);
  if (local) return { url: local, local: true };
  if (output.url && (output.expiresAt === null || output.expiresAt > now)) return { url: output.url, local: false };
  return undefined;
}

/**
 * Object URLs of local files given to jobs in this window, so a stylize job can show its input next to
 * its output. They live as long as the page; after a reload the input shows by name only.
 */
const localInputs = new Map<string, string>();

export function rememberLocalInput(jobId: string, file: Blob): void {
  if (typeof URL.createObjectURL !== 'function') return;
  localInputs.set(jobId, URL.createObjectURL(file));
}

export function localInputUrl(jobId: string): string | undefined {
  return localInputs.get(jobId);
}

/** The user's names of local inputs by job id, so a staged upload (a UUID file) is shown by its name after a reload too. */
const INPUT_NAMES_KEY = 'promptreel.inputNames';
const INPUT_NAMES_MAX = 500;

function readInputNames(): [string, string][] {
  try {
    const stored: unknown = JSON.parse(localStorage.getItem(INPUT_NAMES_KEY) ?? '[]');
    return Array.isArray(stored) ? stored.filter((e): e is [string, string] => Array.isArray(e) && typeof e[0] === 'string' && typeof e[1] === 'string') : [];
  } catch {
    return [];
  }
}

export function rememberInputName(jobId: string, name: string): void {
  try {
    const kept = readInputNames().filter(([id]) => id !== jobId);
    localStorage.setItem(INPUT_NAMES_KEY, JSON.stringify([[jobId, name], ...kept].slice(0, INPUT_NAMES_MAX)));
  } catch {
    // Storage full or refused: the name is then the file's own, which is only less friendly.
  }
}

/** The name the user knows a job's local input by: what they chose, else the file's own name. */
export function inputName(jobId: string, inputFile: string | null): string | undefined {
  const remembered = readInputNames().find(([id]) => id === jobId)?.[1];
  return remembered ?? inputFile?.split(/[\\/]/).at(-1);
}
