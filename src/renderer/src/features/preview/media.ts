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
