/**
 * How Haiper (via Cloudsway) refusals and failures are read. Cloudsway publishes no error table, so a
 * refusal is classified by its HTTP status alone (`statusError`: 401/403 auth, 429 rate limit, other
 * 4xx a refusal of this job that fails it with Haiper's own words, 5xx maybe sent), never by its words.
 *
 * Words are read for one thing only: whether a task that ended FAIL was refused by moderation (shown as
 * "change the prompt") or failed to generate. Either way the job fails; nothing is paused or requeued.
 */
export interface HaiperReasonEntry {
  pattern: RegExp;
  /** Where the phrase comes from. */
  source: string;
}

export const HAIPER_MODERATION_REASONS: readonly HaiperReasonEntry[] = [
  // UNCERTAIN: the gateway's common wording for a content-filter refusal ("content moderation", "moderated").
  { pattern: /moderat/i, source: 'gateway wording, unconfirmed by the Cloudsway page' },
  // UNCERTAIN: "sensitive content" / "NSFW" / "unsafe" are how video models commonly word a filtered prompt.
  { pattern: /sensitive|nsfw|unsafe/i, source: 'common model wording, unconfirmed' },
  // UNCERTAIN: "violates the content policy".
  { pattern: /policy/i, source: 'common model wording, unconfirmed' },
  // UNCERTAIN: the same in Chinese (违规 violation, 审核 review, 敏感 sensitive), as Cloudsway's console words it.
  { pattern: /违规|审核|敏感/, source: 'Chinese console wording, unconfirmed' },
];

export function isModerationReason(reason: string): boolean {
  return HAIPER_MODERATION_REASONS.some((entry) => entry.pattern.test(reason));
}
