import { create } from 'zustand';
import { expandSet, type SetKind, type SetResult, type SetSpec } from '@shared/batch';
import { getOperation, type ChoiceField, type Field, type OperationId, type OperationSpec } from '@shared/catalog';
import { parseCsv } from '@shared/csv';
import { useVendorStates } from '../../lib/appInfo';
import { draftToParams, type Draft } from './model';
import { promptField } from './PromptHistory';

/** What the set panel holds for one operation, as typed (a count as its input's text). */
export interface SetDraft {
  enabled: boolean;
  kind: SetKind;
  count: string;
  /** The choice field a `values` set varies, and the values ticked. */
  field: string;
  values: (string | number)[];
  prompts: string;
  csv: string;
}

export function choiceFields(spec: OperationSpec): ChoiceField[] {
  return spec.fields.filter((f: Field): f is ChoiceField => f.type === 'choice' && f.options.length > 1);
}

export function emptySetDraft(spec: OperationSpec): SetDraft {
  return { enabled: false, kind: 'seeds', count: '4', field: choiceFields(spec)[0]?.key ?? '', values: [], prompts: '', csv: '' };
}

interface SetsState {
  drafts: Partial<Record<OperationId, SetDraft>>;
  update: (operation: OperationId, patch: Partial<SetDraft>) => void;
}

/** In memory only: a set is a one-off; what should be kept is a preset. */
export const useSets = create<SetsState>()((set) => ({
  drafts: {},
  update: (operation, patch) =>
    set((s) => ({ drafts: { ...s.drafts, [operation]: { ...(s.drafts[operation] ?? emptySetDraft(getOperation(operation))), ...patch } } })),
}));

/** The set the panel stands for, or undefined when the panel is off. */
export function setSpecOf(draft: SetDraft | undefined): SetSpec | undefined {
  if (!draft?.enabled) return undefined;
  switch (draft.kind) {
    case 'seeds':
      return { kind: 'seeds', count: draft.count.trim() === '' ? 0 : Number(draft.count) };
    case 'values':
      return { kind: 'values', field: draft.field, values: draft.values };
    case 'prompts':
      return { kind: 'prompts', text: draft.prompts };
    case 'csv':
      return { kind: 'csv', text: draft.csv };
  }
}

/**
 * Fields the set fills in for every member, so the form's own check of them must not block the submit
 * (an empty prompt box beside a prompt list). Each member is still checked, row by row.
 */
export function suppliedFields(spec: OperationSpec, set: SetSpec | undefined): string[] {
  if (!set) return [];
  switch (set.kind) {
    case 'seeds':
      return spec.seedField ? [spec.seedField] : [];
    case 'values':
      return [set.field];
    case 'prompts': {
      const prompt = promptField(spec);
      return prompt ? [prompt.key] : [];
    }
    case 'csv': {
      const parsed = parseCsv(set.text);
      const header = parsed.ok ? parsed.rows.find((r) => r.cells.some((c) => c.trim() !== '')) : undefined;
      const names = (header?.cells ?? []).map((c) => c.trim().toLocaleLowerCase());
      return spec.fields.filter((f) => [f.key, f.key.split('.').at(-1) ?? '', f.label.en, f.label['zh-CN']].some((n) => names.includes(n.toLocaleLowerCase()))).map((f) => f.key);
    }
  }
}

/** The set's members as main will make them, from the form's draft. */
export function previewSet(spec: OperationSpec, draft: Draft, set: SetSpec): SetResult {
  const allowLoopback = useVendorStates.getState().states?.[spec.vendor].mode === 'sandbox';
  // Seeds drawn here only preview; main draws the real ones.
  return expandSet(spec.id, draftToParams(spec, draft), set, { hasFile: Boolean(draft.source), allowLoopback, randomSeed: () => 0 });
}
