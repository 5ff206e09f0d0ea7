import { z } from 'zod';
import type { ErrorIssue } from '../errors';
import { checkPublicUrl } from '../url';
import { OPERATIONS } from './catalog';
import { allowedValues } from './describe';
import type { Field, OperationId, OperationSpec } from './spec';

/** Parameters in the vendor's own shape: flat for HiDream, `config`/`settings` objects for Haiper. */
export type Params = Record<string, unknown>;

export interface ValidationContext {
  /** A local file will be streamed into the operation's video field, so the field itself stays empty. */
  hasFile?: boolean;
  /** Loopback URLs are fetchable: the vendor is the built-in sandbox on this computer. */
  allowLoopback?: boolean;
}

export type ParamsResult = { ok: true; params: Params } | { ok: false; issues: ErrorIssue[] };

/** A URL the vendor must fetch: http(s) and on a public host (see shared/url.ts). */
function publicUrl(schema: z.ZodString, name: string, ctx: ValidationContext, notHttp: string): z.ZodType {
  return schema.superRefine((value, c) => {
    const check = checkPublicUrl(value, name, { allowLoopback: ctx.allowLoopback === true });
    if (check.ok) return;
    c.addIssue({ code: 'custom', message: check.problem === 'not_url' || check.problem === 'not_http' ? notHttp : check.message });
  });
}

function got(input: unknown): string {
  // What JSON.stringify cannot show (undefined, functions, symbols) or throws on (bigint).
  if (input === undefined || typeof input === 'function' || typeof input === 'symbol' || typeof input === 'bigint') return String(input);
  return JSON.stringify(input);
}

/** The message for a value of the wrong type, or for a required field that is missing. */
function typeError(name: string, allowed: string): (issue: { input: unknown }) => string {
  return (issue) => (issue.input === undefined ? `${name} is required: ${allowed}` : `${name} must be ${allowed} (got ${got(issue.input)})`);
}

/** One field's schema, with messages that name the field and say what is allowed. */
function fieldSchema(field: Field, ctx: ValidationContext): z.ZodType {
  const name = field.key;
  const allowed = allowedValues(field);
  switch (field.type) {
    case 'text': {
      const schema = z.string({ error: typeError(name, 'text') }).max(field.maxLength, `${name} must be at most ${field.maxLength} characters`);
      return field.required ? schema.refine((v) => v.trim().length > 0, `${name} is required and cannot be empty`) : schema;
    }
    case 'choice': {
      const values = field.options.map((o) => o.value);
      return z.custom<string | number>((v) => values.includes(v as string | number), { error: typeError(name, allowed) });
    }
    case 'number': {
      const lower = field.exclusiveMin ? `above ${field.min}` : `at least ${field.min}`;
      return z.number({ error: typeError(name, allowed) }).superRefine((v, c) => {
        if (field.integer && !Number.isInteger(v)) c.addIssue({ code: 'custom', message: `${name} must be a whole number (got ${v})` });
        if (field.exclusiveMin ? v <= field.min : v < field.min) c.addIssue({ code: 'custom', message: `${name} must be ${lower} (got ${v})` });
        if (v > field.max) c.addIssue({ code: 'custom', message: `${name} must be at most ${field.max} (got ${v})` });
      });
    }
    case 'url':
      return publicUrl(z.string({ error: typeError(name, allowed) }), name, ctx, `${name} must be ${allowed}`);
    case 'video_source':
      if (ctx.hasFile) return z.never({ error: `${name} must be left out when a video file is given` });
      return publicUrl(z.string({ error: typeError(name, allowed) }), name, ctx, `${name} must be an http(s) URL, or give a local video file instead`);
  }
}

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

function hasRequired(node: Node, ctx: ValidationContext): boolean {
  for (const field of node.fields.values()) if (isRequired(field, ctx)) return true;
  for (const child of node.children.values()) if (hasRequired(child, ctx)) return true;
  return false;
}

function isRequired(field: Field, ctx: ValidationContext): boolean {
  return field.required && !(field.type === 'video_source' && ctx.hasFile);
}

function objectSchema(node: Node, path: string, ctx: ValidationContext): z.ZodType {
  const shape: Record<string, z.ZodType> = {};
  for (const [key, field] of node.fields) {
    const schema = fieldSchema(field, ctx);
    shape[key] = isRequired(field, ctx) ? schema : schema.optional();
  }
  for (const [key, child] of node.children) {
    const childPath = path ? `${path}.${key}` : key;
    const schema = objectSchema(child, childPath, ctx);
    shape[key] = hasRequired(child, ctx) ? schema : schema.optional();
  }
  const where = path || 'the parameters';
  const allowed = [...node.fields.keys(), ...node.children.keys()];
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `${where} has unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}; allowed: ${allowed.join(', ')}`
        : `${where} must be an object`,
  });
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

const schemaCache = new Map<string, z.ZodType>();

export function paramsSchema(spec: OperationSpec, ctx: ValidationContext = {}): z.ZodType {
  const cacheKey = `${spec.id}:${ctx.hasFile ? 'file' : 'url'}:${ctx.allowLoopback ? 'loopback' : 'public'}`;
  let schema = schemaCache.get(cacheKey);
  if (!schema) {
    schema = objectSchema(tree(spec.fields), '', ctx).superRefine((value, c) => {
      for (const rule of spec.rules ?? []) {
        if (rule.keys.every((key) => isBlank(getPath(value as Params, key)))) {
          c.addIssue({ code: 'custom', message: rule.message.en, path: [rule.keys[0] ?? ''] });
        }
      }
    });
    schemaCache.set(cacheKey, schema);
  }
  return schema;
}

/**
 * Checks parameters against an operation's spec before anything is sent, and fills in every default so
 * the vendor receives explicit values (a default changing on their side cannot change our results).
 */
export function validateParams(operation: OperationId, input: unknown, ctx: ValidationContext = {}): ParamsResult {
  const spec = OPERATIONS[operation];
  const parsed = paramsSchema(spec, ctx).safeParse(input ?? {});
  if (!parsed.success) {
    return {
      ok: false,
      issues: parsed.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })),
    };
  }
  const params = structuredClone(parsed.data) as Params;
  for (const field of spec.fields) {
    if (field.type === 'video_source' || field.type === 'url') continue;
    if (getPath(params, field.key) === undefined && field.default !== undefined) setPath(params, field.key, field.default);
  }
  return { ok: true, params };
}

export { getPath as getParam, setPath as setParam };
