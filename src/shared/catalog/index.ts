export * from './spec';
export * from './vendors';
export { OPERATIONS } from './operations';
export * from './validate';
export * from './issues';
export * from './durations';

import { OPERATIONS } from './operations';
import type { Locale } from '../i18n-text';
import { OPERATION_IDS, type OperationId, type OperationSpec } from './spec';

export function isOperationId(value: unknown): value is OperationId {
  return typeof value === 'string' && (OPERATION_IDS as readonly string[]).includes(value);
}

export function getOperation(id: OperationId): OperationSpec {
  return OPERATIONS[id];
}

/** Every operation, in the catalog's order. */
export const OPERATION_LIST: readonly OperationSpec[] = OPERATION_IDS.map((id) => OPERATIONS[id]);

/** The operations that take a local file (the stylize drop zone, the CLI's `--file`). */
export function fileOperations(): OperationSpec[] {
  return OPERATION_LIST.filter((spec) => spec.fileField !== undefined);
}

/** Where a dropped local video goes: the operation whose file field takes a video. */
export function localVideoOperation(): OperationSpec {
  const spec = fileOperations().find((s) => s.accepts === 'video');
  if (!spec) throw new Error('The catalog has no operation that takes a local video.');
  return spec;
}

/** The prompt of a parameter set, for titles and search; '' when the operation has none. */
export function promptOf(params: Record<string, unknown>): string {
  return typeof params['prompt'] === 'string' ? params['prompt'] : '';
}

function valueAt(params: Record<string, unknown>, path: string): unknown {
  let value: unknown = params;
  for (const key of path.split('.')) value = value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  return value;
}

/** The names, in every language, of the searchable choices in an operation's parameters (its style, say). */
export function searchLabels(operation: OperationId | null, params: Record<string, unknown> | null): string[] {
  if (!operation || !params) return [];
  const labels: string[] = [];
  for (const field of OPERATIONS[operation].fields) {
    if (field.type !== 'choice' || !field.searchable) continue;
    const value = valueAt(params, field.key);
    const option = field.options.find((o) => o.value === value);
    if (option) labels.push(...new Set(Object.values(option.label)));
  }
  return labels;
}

/** What made an item, true of it: with its parameters, whether an optional input was given. */
export function madeTitle(operation: OperationId, locale: Locale, params?: Record<string, unknown> | null): string {
  const spec = OPERATIONS[operation];
  if (!spec.inputTitles || !spec.inputField || !params) return spec.shortTitle[locale];
  const input = valueAt(params, spec.inputField);
  const given = typeof input === 'string' && input.trim() !== '';
  return (given ? spec.inputTitles.withInput : spec.inputTitles.withoutInput)[locale];
}

/** A "use as input" action: the item becomes the operation's input, so the with-input name is the true one. */
export function chainTitle(operation: OperationId, locale: Locale): string {
  const spec = OPERATIONS[operation];
  return (spec.inputTitles?.withInput ?? spec.shortTitle)[locale];
}
