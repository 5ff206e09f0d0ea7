import { checkPublicUrl, type PublicUrlProblem } from '../url';
import { OPERATIONS } from './operations';
import type { Field, OperationId, OperationSpec } from './spec';

/** Parameters in the vendor's own shape: flat for HiDream, `config`/`settings` objects for Haiper. */
export type Params = Record<string, unknown>;

declare const validated: unique symbol;
/**
 * Parameters `validateParams` accepted for their operation, with every default filled in. Only it makes
 * one, so a vendor client that takes this type cannot be handed unchecked input.
 */
export type ValidParams = Params & { readonly [validated]: true };

export const ISSUE_CODES = [
  'required',
  'not_text',
  'too_long',
  'not_one_of',
  'not_number',
  'not_integer',
  'too_small',
  'too_big',
  'not_public_url',
  'exactly_one_of',
  'at_least_one_of',
  'unknown_field',
  'not_object',
  'file_not_accepted',
  'file_unreadable',
  'file_not_regular',
  'file_empty',
  'file_too_big',
  'file_not_video',
] as const;
export type IssueCode = (typeof ISSUE_CODES)[number];

/** What a message needs besides the field's spec: the keys involved, or the keys a level allows. */
export interface IssueParams {
  /** `exactly_one_of` / `at_least_one_of`: the keys of which one (at least one) must be given. */
  keys?: string[];
  /** `unknown_field`: the keys allowed at that level. */
  allowed?: string[];
  /** `not_public_url`: why the vendor could not fetch it (a loopback, private, link-local or .local host…). */
  problem?: PublicUrlProblem;
  /** `file_*`: the local file's name (unreadable: its whole path), and the system's reason (`ENOENT`). */
  file?: string;
  reason?: string;
  /** `file_too_big`: its size and the cap, in bytes. */
  size?: number;
  max?: number;
}

/** One problem with one field, as data: `formatIssue` words it in the user's language. */
export interface ValidationIssue {
  /** Dotted path of the field, e.g. `settings.seed`; `file` for the local file; '' for the whole object. */
  path: string;
  code: IssueCode;
  params?: IssueParams;
}

export interface ValidationContext {
  /** A local file will be streamed into the operation's `fileField`, so the field itself stays empty. */
  hasFile?: boolean;
  /** Loopback URLs are fetchable: the vendor runs on this computer (the built-in sandbox). */
  allowLoopback?: boolean;
}

export type ParamsResult = { ok: true; params: ValidParams } | { ok: false; issues: ValidationIssue[] };

interface Node {
  fields: Map<string, Field>;
  children: Map<string, Node>;
}

function tree(fields: Field[]): Node {
  const root: Node = { fields: new Map(), children: new Map() };
  for (const field of fields) {
    const parts = field.key.split('.');
    let node = root;
    for (const part of parts.slice(0, -1)) {
      let child = node.children.get(part);
      if (!child) {
        child = { fields: new Map(), children: new Map() };
        node.children.set(part, child);
      }
      node = child;
    }
    node.fields.set(parts.at(-1) ?? field.key, field);
  }
  return root;
}

const trees = new Map<OperationId, Node>();
function treeOf(spec: OperationSpec): Node {
  let node = trees.get(spec.id);
  if (!node) {
    node = tree(spec.fields);
    trees.set(spec.id, node);
  }
  return node;
}

function isRequired(field: Field, ctx: ValidationContext): boolean {
  return field.required && !(field.type === 'video_source' && ctx.hasFile);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A URL the vendor must fetch: http(s) on a host it can reach (shared/url.ts). A vendor cannot fetch
 * from this computer or its network but may bill the submission it fails on.
 */
function publicUrlIssue(path: string, value: string, ctx: ValidationContext): ValidationIssue | undefined {
  const check = checkPublicUrl(value, path, { allowLoopback: ctx.allowLoopback === true });
  if (check.ok) return undefined;
  const unreachable = check.problem !== 'not_url' && check.problem !== 'not_http';
  return { path, code: 'not_public_url', ...(unreachable ? { params: { problem: check.problem } } : {}) };
}

/** The one problem with a given value of a field, if any. */
function fieldIssue(field: Field, value: unknown, ctx: ValidationContext): ValidationIssue | undefined {
  const path = field.key;
  switch (field.type) {
    case 'text':
      if (typeof value !== 'string') return { path, code: 'not_text' };
      if (value.length > field.maxLength) return { path, code: 'too_long' };
      return field.required && value.trim() === '' ? { path, code: 'required' } : undefined;
    case 'choice':
      return field.options.some((o) => o.value === value) ? undefined : { path, code: 'not_one_of' };
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return { path, code: 'not_number' };
      if (field.integer && !Number.isInteger(value)) return { path, code: 'not_integer' };
      if (field.exclusiveMin ? value <= field.min : value < field.min) return { path, code: 'too_small' };
      return value > field.max ? { path, code: 'too_big' } : undefined;
    case 'url':
    case 'video_source':
      if (field.type === 'video_source' && ctx.hasFile) return { path, code: 'exactly_one_of', params: { keys: ['file', path] } };
      if (field.required && typeof value === 'string' && value.trim() === '') return { path, code: 'required' };
      if (typeof value !== 'string') return { path, code: 'not_public_url' };
      return publicUrlIssue(path, value, ctx);
  }
}

function check(node: Node, value: Record<string, unknown>, path: string, ctx: ValidationContext, issues: ValidationIssue[]): void {
  const allowed = [...node.fields.keys(), ...node.children.keys()];
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) issues.push({ path: path ? `${path}.${key}` : key, code: 'unknown_field', params: { allowed } });
  }
  for (const [key, field] of node.fields) {
    const given = value[key];
    if (given === undefined) {
      if (isRequired(field, ctx)) issues.push({ path: field.key, code: 'required' });
      continue;
    }
    const issue = fieldIssue(field, given, ctx);
    if (issue) issues.push(issue);
  }
  for (const [key, child] of node.children) {
    const childPath = path ? `${path}.${key}` : key;
    const given = value[key];
    // A missing group is checked as empty, so a required field inside it is named, not the group.
    if (given === undefined) check(child, {}, childPath, ctx, issues);
    else if (isObject(given)) check(child, given, childPath, ctx, issues);
    else issues.push({ path: childPath, code: 'not_object' });
  }
}

function getPath(params: Params, key: string): unknown {
  let value: unknown = params;
  for (const part of key.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function setPath(params: Params, key: string, value: unknown): void {
  const parts = key.split('.');
  let node: Record<string, unknown> = params;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (typeof next !== 'object' || next === null) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts.at(-1) ?? key] = value;
}

function isBlank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

/** Every problem with a parameter set, each as a coded issue on its field; empty when it is fine. */
export function checkParams(spec: OperationSpec, input: unknown, ctx: ValidationContext = {}): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (ctx.hasFile && !spec.fileField) issues.push({ path: 'file', code: 'file_not_accepted' });
  const value = input ?? {};
  if (!isObject(value)) return [...issues, { path: '', code: 'not_object' }];
  check(treeOf(spec), value, '', ctx, issues);
  for (const rule of spec.rules ?? []) {
    if (rule.keys.every((key) => isBlank(getPath(value, key)))) issues.push({ path: rule.keys[0] ?? '', code: 'at_least_one_of', params: { keys: rule.keys } });
  }
  return issues;
}

/**
 * Checks parameters against an operation's spec before anything is sent, and fills in every default so
 * the vendor receives explicit values (a default changing on their side cannot change our results).
 * The engine calls this once per job; the form and the CLI call it for early feedback.
 */
export function validateParams(operation: OperationId, input: unknown, ctx: ValidationContext = {}): ParamsResult {
  const spec = OPERATIONS[operation];
  const issues = checkParams(spec, input, ctx);
  if (issues.length > 0) return { ok: false, issues };
  const params = structuredClone(input ?? {}) as Params;
  for (const field of spec.fields) {
    if (field.type === 'video_source' || field.type === 'url') continue;
    if (getPath(params, field.key) === undefined && field.default !== undefined) setPath(params, field.key, field.default);
  }
  return { ok: true, params: params as ValidParams };
}

export { getPath as getParam, setPath as setParam };

/**
 * Parameters read back from a job record. `validateParams` accepted them before the job was stored, and
 * nothing changes a stored job's parameters, so they go to the vendor as they are.
 */
export function storedParams(params: Params): ValidParams {
  return params as ValidParams;
}
