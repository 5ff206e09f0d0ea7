import { getOperation, getParam, OPERATION_LIST, setParam, type MediaKind, type OperationSpec } from '@shared/catalog';
import type { Locale } from '@shared/i18n-text';
import type { Job, JobOutput } from '@shared/jobs';

/** The seed fields of an operation: where a variation puts its new random seed. */
function seedFields(spec: OperationSpec): { key: string; max: number }[] {
  return spec.fields.flatMap((field) => (field.type === 'number' && /(^|\.)seed$/.test(field.key) ? [{ key: field.key, max: field.max }] : []));
}

/**
 * A variation of a job: the same parameters with a new random seed where the operation takes one (a
 * vendor without a seed field picks a new one itself for every task, so the same parameters vary).
 */
export function variationParams(job: Job, random: () => number = Math.random): Record<string, unknown> {
  const params = structuredClone(job.params);
  for (const { key, max } of seedFields(getOperation(job.operation))) setParam(params, key, Math.floor(random() * Math.max(1, max)));
  return params;
}

/** The operations a result of this kind can feed, in the catalog's order (image → Haiper video; clip → stylize, upscale, extend). */
export function chainTargets(kind: MediaKind): OperationSpec[] {
  return OPERATION_LIST.filter((spec) => spec.accepts === kind && spec.inputField !== undefined);
}

/**
 * What a feed card is called: a stylize job by its input's name and its style ("clip.mp4 · Watercolor"),
 * anything else by its prompt, or its operation when it has none.
 */
export function resultTitle(job: Job, locale: Locale, inputName: string | undefined, template: (name: string, style: string) => string): string {
  const spec = getOperation(job.operation);
  const prompt = typeof job.params['prompt'] === 'string' ? job.params['prompt'].trim() : '';
  if (spec.fileField) {
    const styleField = spec.fields.find((f) => f.key === 'style');
    const value = getParam(job.params, 'style');
    const style = styleField?.type === 'choice' ? styleField.options.find((o) => o.value === value)?.label[locale] : undefined;
    const remote = spec.inputField ? getParam(job.params, spec.inputField) : undefined;
    const name = inputName ?? (typeof remote === 'string' && remote ? (remote.split(/[?#]/)[0]?.split('/').at(-1) ?? remote) : undefined);
    const what = style ?? prompt;
    if (name && what) return template(name, what);
    if (name) return name;
  }
  return prompt || spec.title[locale];
}

/** The results of a job a card can show, in order: those done, with their media kind. */
export function doneOutputs(job: Job): (JobOutput & { kind: MediaKind })[] {
  const fallback = getOperation(job.operation).output;
  return job.outputs.filter((o) => o.status === 'succeeded').map((o) => ({ ...o, kind: o.kind ?? fallback }));
}
