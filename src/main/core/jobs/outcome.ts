import type { Download } from '@shared/downloads';
import type { ErrorInfo, ErrorKind } from '@shared/errors';
import type { MediaKind } from '@shared/catalog';

/** One output as far as the job's outcome is concerned. */
export interface OutcomeOutput {
  state: 'pending' | 'running' | 'succeeded' | 'failed';
  error: ErrorInfo | null;
}

export interface Outcome {
  status: 'succeeded' | 'partial' | 'failed';
  error: ErrorInfo | null;
}

/** How a lost output is counted in a summary ("1 rejected by moderation"). */
const LOST_AS: Partial<Record<ErrorKind, string>> = {
  moderation: 'rejected by moderation',
  generation_failed: 'not generated',
  expired: 'link expired before it was saved',
  bad_response: 'reported without a file',
  canceled: 'download canceled',
};

function noun(kind: MediaKind, count: number): string {
  return count === 1 ? kind : `${kind}s`;
}

/**
 * What a job with these outputs is: `succeeded` when none was lost, `failed` when none is left (with
 * the first loss's own words), else `partial` with a count that says what happened to the rest:
 * "2 of 3 images; 1 rejected by moderation". Every output must be final (succeeded or failed).
 */
export function outcomeOf(outputs: readonly OutcomeOutput[], kind: MediaKind, vendorName: string): Outcome {
  const good = outputs.filter((o) => o.state === 'succeeded').length;
  const lost = outputs.filter((o) => o.state !== 'succeeded');
  if (!lost.length) return { status: 'succeeded', error: null };
  const first = lost.find((o) => o.error)?.error ?? { kind: 'generation_failed' as const, message: `${vendorName} reported the task as failed.` };
  if (!good) return { status: 'failed', error: first };
  const byWhy = new Map<string, number>();
  for (const output of lost) {
    const why = (output.error && LOST_AS[output.error.kind]) ?? 'failed';
    byWhy.set(why, (byWhy.get(why) ?? 0) + 1);
  }
  const parts = [...byWhy].map(([why, count]) => `${count} ${why}`);
  return { status: 'partial', error: { kind: first.kind, message: `${good} of ${outputs.length} ${noun(kind, outputs.length)}; ${parts.join(', ')}` } };
}

/**
 * An output whose file did not reach the disk, as the job reports it. A result link the server refuses
 * (403/404) after the vendor handed it out has stopped working: for a vendor's signed link, that is
 * its expiry (the download manager says "may have expired" for the same answer).
 */
export function lostDownloadError(download: Download): ErrorInfo {
  const said = download.error?.message ?? `The download ended ${download.status}.`;
  if (download.status === 'canceled') return { kind: 'canceled', message: 'Its download was canceled, so the file was not saved.' };
  const refused = download.status === 'expired' || download.error?.kind === 'forbidden' || download.error?.kind === 'not_found' || download.error?.kind === 'expired';
  return { kind: refused ? 'expired' : (download.error?.kind ?? 'internal'), message: `Not saved: ${said}` };
}
