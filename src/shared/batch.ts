import {
  formatIssue,
  getParam,
  OPERATIONS,
  setParam,
  validateParams,
  VENDORS,
  type Field,
  type IssueCode,
  type OperationId,
  type OperationSpec,
  type Params,
  type RateCategory,
  type ValidationContext,
  type ValidationIssue,
  type ValidParams,
  type VendorId,
  type VendorLimits,
} from './catalog';
import { parseCsv } from './csv';
import type { Locale } from './i18n-text';

/*
 * A set: one submit that makes several jobs from one form. The form gives the base parameters; the set
 * says what varies. Expansion is pure, so the compose form shows exactly what main will create (main
 * expands again from the same input and validates each member as any job).
 */

/** The most members one set may have: enough for a contact sheet, not a way to flood the queue by a typo. */
export const MAX_SET_SIZE = 50;

export type SetSpec =
  /** N variations: the same parameters with a different seed each (where the operation has a seed). */
  | { kind: 'seeds'; count: number }
  /** One job per value of a choice field: several styles, aspect ratios, resolutions, durations. */
  | { kind: 'values'; field: string; values: (string | number)[] }
  /** One job per non-blank line, each line as the prompt. */
  | { kind: 'prompts'; text: string }
  /** A header naming catalog fields (key, last part of the key, or label), then one job per row. */
  | { kind: 'csv'; text: string };

export type SetKind = SetSpec['kind'];
export const SET_KINDS: readonly SetKind[] = ['seeds', 'values', 'prompts', 'csv'];

export const SET_ISSUE_CODES = [
  'set_empty',
  'set_too_big',
  'not_a_choice',
  'no_prompt_field',
  'unknown_column',
  'duplicate_column',
  'csv_unclosed_quote',
  'csv_row_width',
] as const;
export type SetIssueCode = (typeof SET_ISSUE_CODES)[number];

/** Where in the set an issue is: a member's row (seeds, values, CSV rows as a spreadsheet numbers them) or a line of a prompt list. */
export interface SetPlace {
  unit: 'row' | 'line';
  n: number;
}

export type SetIssue =
  | { at: SetPlace; issue: ValidationIssue }
  | { at: SetPlace | null; code: SetIssueCode; params?: { column?: string; allowed?: string[]; count?: number; max?: number; expected?: number; got?: number; field?: string } };

export interface SetMember {
  at: SetPlace;
  params: ValidParams;
}

export type SetResult = { ok: true; members: SetMember[] } | { ok: false; issues: SetIssue[] };

export interface ExpandOptions extends ValidationContext {
  /** A random 32-bit seed for variations of a form that leaves its seed random; injected for tests. */
  randomSeed?: () => number;
}

interface Draft {
  at: SetPlace;
  params: Params;
}

const row = (n: number): SetPlace => ({ unit: 'row', n });

function randomSeed(max: number): number {
  return Math.floor(Math.random() * (max + 1));
}

/**
 * Variations: with a seed field, a given seed counts up from itself (so a set can be made again) and a
 * random one (-1) becomes N drawn seeds, stored with each job. Without one the vendor draws its own
 * seed per task, so N identical submissions still give N different results.
 */
function seedDrafts(spec: OperationSpec, base: Params, count: number, options: ExpandOptions): Draft[] {
  const field = spec.seedField ? spec.fields.find((f) => f.key === spec.seedField) : undefined;
  const given = field ? getParam(base, field.key) : undefined;
  const max = field?.type === 'number' ? field.max : 0;
  const draw = options.randomSeed ?? (() => randomSeed(max));
  return Array.from({ length: count }, (_, i) => {
    const params = structuredClone(base);
    if (field) setParam(params, field.key, typeof given === 'number' && given >= 0 ? given + i : draw());
    return { at: row(i + 1), params };
  });
}

function valueDrafts(spec: OperationSpec, base: Params, key: string, values: readonly (string | number)[]): Drafts {
  const field = spec.fields.find((f) => f.key === key);
  if (field?.type !== 'choice') return fail({ at: null, code: 'not_a_choice', params: { field: key } });
  return values.map((value, i) => {
    const params = structuredClone(base);
    setParam(params, key, value);
    return { at: row(i + 1), params };
  });
}

function promptKey(spec: OperationSpec): string | undefined {
  return spec.fields.find((f) => f.type === 'text' && f.role === 'prompt')?.key;
}

function promptDrafts(spec: OperationSpec, base: Params, text: string): Drafts {
  const key = promptKey(spec);
  if (!key) return fail({ at: null, code: 'no_prompt_field' });
  const drafts: Draft[] = [];
  text.split(/\r\n|\r|\n/).forEach((line, i) => {
    const prompt = line.trim();
    if (prompt === '') return;
    const params = structuredClone(base);
    setParam(params, key, prompt);
    drafts.push({ at: { unit: 'line', n: i + 1 }, params });
  });
  return drafts;
}

const normalize = (name: string): string => name.trim().toLocaleLowerCase();

/** The field a CSV column names: its key, the key's last part (`seed`), or its label in either language. */
function columnField(spec: OperationSpec, name: string): Field | undefined {
  const wanted = normalize(name);
  return spec.fields.find((f) => [f.key, f.key.split('.').at(-1) ?? f.key, f.label.en, f.label['zh-CN']].some((n) => normalize(n) === wanted));
}

/** A cell as its field takes it: numbers as numbers (text that is not one stays text, so the row says why). */
function cellValue(field: Field, cell: string): string | number {
  const text = field.type === 'text' ? cell : cell.trim();
  const numeric = text !== '' && Number.isFinite(Number(text));
  if (field.type === 'number' && numeric) return Number(text);
  if (field.type === 'choice' && numeric && field.options.some((o) => typeof o.value === 'number')) return Number(text);
  return text;
}

function csvDrafts(spec: OperationSpec, base: Params, text: string): Drafts {
  const parsed = parseCsv(text);
  if (!parsed.ok) return fail({ at: row(parsed.line), code: 'csv_unclosed_quote' });
  const nonBlank = parsed.rows.filter((r) => r.cells.some((c) => c.trim() !== ''));
  const [header, ...records] = nonBlank;
  if (!header) return [];
  const issues: SetIssue[] = [];
  const fields: Field[] = [];
  const allowed = spec.fields.map((f) => f.key);
  for (const name of header.cells) {
    const field = columnField(spec, name);
    if (!field) issues.push({ at: null, code: 'unknown_column', params: { column: name.trim(), allowed } });
    else if (fields.includes(field)) issues.push({ at: null, code: 'duplicate_column', params: { column: name.trim() } });
    else fields.push(field);
  }
  if (issues.length > 0) return { issues };
  const drafts: Draft[] = [];
  for (const record of records) {
    if (record.cells.length !== fields.length) {
      issues.push({ at: row(record.line), code: 'csv_row_width', params: { expected: fields.length, got: record.cells.length } });
      continue;
    }
    const params = structuredClone(base);
    // An empty cell keeps the form's value, so a sheet needs only the columns that vary.
    fields.forEach((field, i) => {
      const cell = record.cells[i] ?? '';
      if (cell.trim() !== '') setParam(params, field.key, cellValue(field, cell));
    });
    drafts.push({ at: row(record.line), params });
  }
  return issues.length > 0 ? { issues } : drafts;
}

type Drafts = Draft[] | { issues: SetIssue[] };
const fail = (issue: SetIssue): Drafts => ({ issues: [issue] });

function drafts(spec: OperationSpec, base: Params, set: SetSpec, options: ExpandOptions): Drafts {
  switch (set.kind) {
    case 'seeds':
      if (!Number.isInteger(set.count) || set.count < 1) return fail({ at: null, code: 'set_empty' });
      if (set.count > MAX_SET_SIZE) return fail({ at: null, code: 'set_too_big', params: { count: set.count, max: MAX_SET_SIZE } });
      return seedDrafts(spec, base, set.count, options);
    case 'values':
      return valueDrafts(spec, base, set.field, set.values);
    case 'prompts':
      return promptDrafts(spec, base, set.text);
    case 'csv':
      return csvDrafts(spec, base, set.text);
  }
}

/**
 * The jobs a set stands for: each member is the base parameters with the set's change applied, checked
 * by the catalog's validator. Any problem (with the set or with any member) fails the whole set, each
 * problem placed on its row, so nothing half of a set is ever submitted.
 */
export function expandSet(operation: OperationId, base: Params, set: SetSpec, options: ExpandOptions = {}): SetResult {
  const spec = OPERATIONS[operation];
  const list = drafts(spec, base, set, options);
  if (!Array.isArray(list)) return { ok: false, issues: list.issues };
  if (list.length === 0) return { ok: false, issues: [{ at: null, code: 'set_empty' }] };
  if (list.length > MAX_SET_SIZE) return { ok: false, issues: [{ at: null, code: 'set_too_big', params: { count: list.length, max: MAX_SET_SIZE } }] };
  const members: SetMember[] = [];
  const issues: SetIssue[] = [];
  for (const draft of list) {
    const result = validateParams(operation, draft.params, options);
    if (result.ok) members.push({ at: draft.at, params: result.params });
    else issues.push(...result.issues.map((issue) => ({ at: draft.at, issue })));
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, members };
}

// ── wording ────────────────────────────────────────────────────────────────────────────────────────

function place(at: SetPlace, locale: Locale): string {
  if (locale === 'zh-CN') return `第 ${String(at.n)} 行：`;
  return `${at.unit === 'line' ? 'Line' : 'Row'} ${String(at.n)}: `;
}

function setMessage(spec: OperationSpec, issue: Extract<SetIssue, { code: SetIssueCode }>, locale: Locale): string {
  const zh = locale === 'zh-CN';
  const p = issue.params ?? {};
  switch (issue.code) {
    case 'set_empty':
      return zh ? '这一组没有任何任务：请至少给出一项。' : 'The set is empty: give at least one member.';
    case 'set_too_big':
      return zh ? `一组最多 ${String(p.max)} 个任务，这里有 ${String(p.count)} 个。` : `A set can have at most ${String(p.max)} members; this one has ${String(p.count)}.`;
    case 'not_a_choice':
      return zh ? `${spec.title[locale]}没有可多选的“${p.field ?? ''}”参数。` : `${spec.title[locale]} has no choice field “${p.field ?? ''}” to vary.`;
    case 'no_prompt_field':
      return zh ? `${spec.title[locale]}没有提示词，无法按提示词列表生成。` : `${spec.title[locale]} takes no prompt, so it cannot make a set from a list of prompts.`;
    case 'unknown_column': {
      const allowed = (p.allowed ?? []).join(', ');
      return zh ? `CSV 列“${p.column ?? ''}”不是${spec.title[locale]}的参数；可用的列：${allowed}。` : `The CSV column “${p.column ?? ''}” is not a field of ${spec.title[locale]}; columns it takes: ${allowed}.`;
    }
    case 'duplicate_column':
      return zh ? `CSV 中“${p.column ?? ''}”这一参数出现了两次。` : `The CSV names the field “${p.column ?? ''}” twice.`;
    case 'csv_unclosed_quote':
      return zh ? '这里开始的引号没有闭合。' : 'a quoted cell starts here and is never closed.';
    case 'csv_row_width':
      return zh ? `应有 ${String(p.expected)} 个单元格（与表头相同），实际 ${String(p.got)} 个。` : `expected ${String(p.expected)} cells, as in the header, but found ${String(p.got)}.`;
  }
}

/** One issue of a set in the user's language, prefixed with its row or line ("Row 3: Seed must be …"). */
export function formatSetIssue(spec: OperationSpec, issue: SetIssue, locale: Locale): string {
  const text = 'issue' in issue ? formatIssue(spec, issue.issue, locale) : setMessage(spec, issue, locale);
  return issue.at ? `${place(issue.at, locale)}${text}` : text;
}

/** The path a set issue is reported under at a boundary: `rows.3.settings.seed`, `lines.2.prompt`, or `set`. */
export function setIssuePath(issue: SetIssue): string {
  const inner = 'issue' in issue ? issue.issue.path : '';
  if (!issue.at) return 'set';
  return [`${issue.at.unit}s`, String(issue.at.n), inner].filter((p) => p !== '').join('.');
}

export function setIssueCode(issue: SetIssue): IssueCode | SetIssueCode {
  return 'issue' in issue ? issue.issue.code : issue.code;
}

// ── what a set costs ────────────────────────────────────────────────────────────────────────────────

/** Vendor tasks one submission starts: each image of a HiDream request is its own sub-task, and counts against the limit. */
export function tasksOf(operation: OperationId, params: Params): number {
  const field = OPERATIONS[operation].countField;
  const count = field === undefined ? 1 : getParam(params, field);
  return typeof count === 'number' && count >= 1 ? count : 1;
}

export interface SetEstimate {
  /** Jobs the set creates. */
  jobs: number;
  /** Vendor tasks they start (images count one each). */
  tasks: number;
  vendor: VendorId;
  category: RateCategory;
  perMinute: number;
  /** Tasks the vendor runs at once for this account. */
  concurrency: number;
  /** When the last member can be sent, counted from the first, if the per-minute quota is unused when the set starts. */
  lastStartMs: number;
}

const WINDOW_MS = 60_000;

/**
 * How long the per-minute limit spreads a set's submissions, as the job queue applies it: within any
 * minute at most `perMinute` tasks, each submission costing its tasks (a submission bigger than the
 * whole quota costs the quota, as the queue lets it through alone).
 */
export function estimateSet(operation: OperationId, members: readonly Params[], limits: VendorLimits): SetEstimate {
  const spec = OPERATIONS[operation];
  const perMinute = Math.max(1, limits.perMinute[spec.category]);
  const sent: { at: number; cost: number }[] = [];
  let t = 0;
  let tasks = 0;
  for (const params of members) {
    const count = tasksOf(operation, params);
    tasks += count;
    const cost = Math.min(count, perMinute);
    for (;;) {
      const inWindow = sent.filter((s) => s.at > t - WINDOW_MS);
      if (inWindow.reduce((sum, s) => sum + s.cost, 0) + cost <= perMinute) break;
      // Wait until the oldest submission in the window leaves it.
      t = Math.min(...inWindow.map((s) => s.at)) + WINDOW_MS;
    }
    sent.push({ at: t, cost });
  }
  return { jobs: members.length, tasks, vendor: spec.vendor, category: spec.category, perMinute, concurrency: limits.concurrency, lastStartMs: t };
}

/** The vendor's display name, for the estimate's sentence. */
export function vendorName(vendor: VendorId, locale: Locale): string {
  return VENDORS[vendor].name[locale];
}
