import type { TFunction } from 'i18next';
import { fromErrorIssue, formatIssue, type OperationSpec } from '@shared/catalog';
import type { ErrorInfo, ErrorKind } from '@shared/errors';
import type { Locale } from '@shared/i18n-text';

/** What fixes a failure: a place to go, or a way to run the job again. */
export type FixAction = 'settings' | 'retry' | 'edit';

/** Every kind's words (a key under `jobs:errors`) and fix; the Record makes a new kind a type error here. */
const WORDS: Record<ErrorKind, { key: string; fix?: FixAction }> = {
  validation: { key: 'validation', fix: 'edit' },
  auth: { key: 'auth', fix: 'settings' },
  rate_limit: { key: 'rate_limit', fix: 'retry' },
  moderation: { key: 'moderation', fix: 'edit' },
  generation_failed: { key: 'generation_failed', fix: 'edit' },
  vendor: { key: 'vendor', fix: 'retry' },
  network: { key: 'network', fix: 'retry' },
  timeout: { key: 'timeout', fix: 'retry' },
  server: { key: 'server', fix: 'retry' },
  bad_response: { key: 'bad_response', fix: 'retry' },
  expired: { key: 'expired', fix: 'retry' },
  invalid_input: { key: 'invalid_input', fix: 'edit' },
  unknown_channel: { key: 'internal' },
  forbidden: { key: 'internal' },
  not_found: { key: 'not_found' },
  conflict: { key: 'conflict' },
  canceled: { key: 'canceled' },
  io: { key: 'io', fix: 'retry' },
  internal: { key: 'internal' },
};

export interface DescribedError {
  text: string;
  fix: FixAction | undefined;
}

/**
 * The message of an error about an operation's parameters in the UI's language: its coded issues worded
 * again by the catalog, or the message as it came when it has none.
 */
function messageOf(error: ErrorInfo, about: { spec: OperationSpec; locale: Locale } | undefined): string {
  if (!about || !error.issues?.length) return error.message;
  const coded = error.issues.map(fromErrorIssue);
  if (coded.some((issue) => issue === undefined)) return error.message;
  return coded.map((issue) => (issue ? formatIssue(about.spec, issue, about.locale) : '')).join(' ');
}

/** An error in plain words with the action that fixes it; the vendor's own reason is kept where it helps. */
export function describeError(error: ErrorInfo, t: TFunction<'jobs'>, about?: { spec: OperationSpec; locale: Locale }): DescribedError {
  const words = WORDS[error.kind] as { key: string; fix?: FixAction } | undefined;
  // A connection that failed for a known reason says which, naming the host, in the UI's language.
  if (error.kind === 'network' && error.net) return { text: t(`errors.net.${error.net.reason}`, { host: error.net.host }), fix: words?.fix };
  return { text: t(`errors.${words?.key ?? 'internal'}`, { message: messageOf(error, about) }), fix: words?.fix };
}
