/**
 * Deterministic failures, for tests and for trying the app's error handling by hand: put a marker anywhere
 * in a prompt (or in any other text field, e.g. a Haiper source URL) and the sandbox behaves as listed.
 */
export interface SandboxMarker {
  marker: string;
  /** When it takes effect. */
  phase: 'submit' | 'query' | 'task';
  hidream: string;
  haiper: string;
}

export const SANDBOX_MARKERS = [
  {
    marker: '[moderation]',
    phase: 'task',
    hidream: 'every sub-task ends with task_status 4 (rejected by moderation)',
    haiper: 'the task ends FAIL with a moderation reason',
  },
  { marker: '[fail]', phase: 'task', hidream: 'every sub-task ends with task_status 3 (failed)', haiper: 'the task ends FAIL' },
  { marker: '[partial]', phase: 'task', hidream: 'the last sub-task ends with task_status 4, the others succeed', haiper: 'no effect (one output per task)' },
  { marker: '[unknown-status]', phase: 'task', hidream: 'every sub-task ends with task_status 1005', haiper: 'the task ends with status "CANCELLED"' },
  { marker: '[slow]', phase: 'task', hidream: 'the task takes ten times as long', haiper: 'the task takes ten times as long' },
  {
    marker: '[expired]',
    phase: 'task',
    hidream: 'result URLs are already expired when reported (they answer 403)',
    haiper: 'result URLs are already expired when reported: expireTime is in the past and the URL answers 403',
  },
  { marker: '[code]', phase: 'submit', hidream: 'refused: HTTP 200, code 2031 "model retired"', haiper: 'refused: HTTP 400 with a message' },
  { marker: '[limit]', phase: 'submit', hidream: 'refused as over the per-minute limit (HTTP 200, code 1012)', haiper: 'refused: HTTP 429 with Retry-After' },
  { marker: '[submit-502]', phase: 'submit', hidream: 'HTTP 502 from the gateway; no task is created', haiper: 'HTTP 502 from the gateway; no task is created' },
  { marker: '[cut]', phase: 'submit', hidream: 'the task IS created, then the connection is destroyed mid-answer', haiper: 'the task IS created, then the connection is destroyed mid-answer' },
  { marker: '[garbage]', phase: 'submit', hidream: 'the task IS created, then HTTP 200 with an HTML page', haiper: 'the task IS created, then HTTP 200 with an HTML page' },
  { marker: '[poll-502]', phase: 'query', hidream: 'the first query that includes the task answers 502', haiper: 'the first query of the task answers 502' },
  {
    marker: '[staggered]',
    phase: 'task',
    hidream: 'sub-tasks start one after another, and each is listed in query answers only once it started (as HiDream does)',
    haiper: 'no effect (one output per task)',
  },
  { marker: '[no-subtasks]', phase: 'submit', hidream: 'the submit answer has no sub_task_ids (the query lists them later)', haiper: 'no effect (Haiper has no sub-tasks)' },
  {
    marker: '[tokens]',
    phase: 'submit',
    hidream: 'refused: HTTP 200, code 1001 "prompt is too long: at most 77 tokens" (about the prompt, not the key)',
    haiper: 'refused: HTTP 400 "prompt is too long: at most 77 tokens"',
  },
  {
    marker: '[quota]',
    phase: 'submit',
    hidream: 'refused: HTTP 200, code 1101 "insufficient quota" (a code no table lists)',
    haiper: 'refused: HTTP 402 "insufficient quota"',
  },
  {
    marker: '[busy]',
    phase: 'submit',
    hidream: 'the first submission of this body is refused as over the concurrency limit (code 1013); the next is accepted',
    haiper: 'the first submission of this body is refused as over the concurrency limit (HTTP 429); the next is accepted',
  },
  { marker: '[batch-401]', phase: 'query', hidream: 'a batch query that includes the task answers HTTP 401; single queries work', haiper: 'no effect (no batch queries)' },
  { marker: '[batch-empty]', phase: 'query', hidream: 'a batch query that includes the task answers code 0 with result: []; single queries work', haiper: 'no effect (no batch queries)' },
  { marker: '[expire-seconds]', phase: 'task', hidream: 'no effect (HiDream sends no expiry)', haiper: 'expireTime is sent in seconds instead of milliseconds' },
  {
    marker: '[poll-cut]',
    phase: 'query',
    hidream: 'the first query that includes the task is cut mid-answer',
    haiper: 'the first query of the task is cut mid-answer',
  },
] as const satisfies readonly SandboxMarker[];

export type SandboxMarkerName = (typeof SANDBOX_MARKERS)[number]['marker'];

const NAMES: readonly string[] = SANDBOX_MARKERS.map((m) => m.marker);

function strings(value: unknown, out: string[]): string[] {
  if (typeof value === 'string') {
    out.push(value);
    try {
      out.push(decodeURIComponent(value));
    } catch {
      // not URL-encoded
    }
  } else if (Array.isArray(value)) {
    for (const item of value) strings(item, out);
  } else if (value && typeof value === 'object') {
    for (const item of Object.values(value)) strings(item, out);
  }
  return out;
}

/** Every marker found in any string of a request body. */
export function markersIn(body: unknown): Set<SandboxMarkerName> {
  const text = strings(body, []).join('\n');
  return new Set(NAMES.filter((name) => text.includes(name)) as SandboxMarkerName[]);
}
