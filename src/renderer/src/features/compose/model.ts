import { getParam, setParam, validateParams, type Field, type OperationSpec, type Params, type ParamsResult } from '@shared/catalog';
import type { SourceFile } from '../../lib/files';
import { useVendorStates } from '../../lib/appInfo';

/**
 * What a form holds, by field key: text as typed, a choice's value, a number as the text of its input
 * (so "" means "use the default" and a half-typed value is not lost), URLs as typed.
 */
export type FormValue = string | number | undefined;
export type FormValues = Record<string, FormValue>;

export interface Draft {
  values: FormValues;
  /** A local video for the operation's `video_source` field. */
  source?: SourceFile | undefined;
  /** The library item the input came from, for lineage. */
  parentItemId?: string | undefined;
}

/** An earlier result chosen for an input: its link, and its library item when it has one (lineage). */
export interface Picked {
  url: string;
  itemId?: string | undefined;
}

function initialValue(field: Field): FormValue {
  switch (field.type) {
    case 'text':
      return field.default ?? '';
    case 'choice':
      return field.default;
    case 'number':
      return field.default === undefined ? '' : String(field.default);
    case 'url':
    case 'video_source':
      return '';
  }
}

export function emptyDraft(spec: OperationSpec): Draft {
  return { values: Object.fromEntries(spec.fields.map((f) => [f.key, initialValue(f)])) };
}

function text(value: FormValue): string {
  return value === undefined ? '' : String(value);
}

/**
 * The parameters a form stands for, in the vendor's shape, exactly as the CLI would send them: blank
 * optional inputs are left out so the spec's defaults apply (an empty `prompt` beside a `style` could
 * be read as prompt mode, on the tightest quota); required ones stay in, so their message is the spec's
 * own.
 */
export function draftToParams(spec: OperationSpec, draft: Draft): Params {
  const params: Params = {};
  for (const field of spec.fields) {
    const raw = draft.values[field.key];
    switch (field.type) {
      case 'text': {
        const typed = text(raw);
        if (typed.trim() !== '' || field.required) setParam(params, field.key, typed);
        break;
      }
      case 'choice':
        if (raw !== undefined && raw !== '') setParam(params, field.key, raw);
        break;
      case 'number': {
        const typed = text(raw).trim();
        if (typed !== '') setParam(params, field.key, Number(typed));
        break;
      }
      case 'url':
      case 'video_source': {
        // A local file fills the video field on the wire; the field itself stays out.
        if (field.type === 'video_source' && draft.source) break;
        const url = text(raw).trim();
        if (url !== '' || field.required) setParam(params, field.key, url);
        break;
      }
    }
  }
  return params;
}

/** A job's parameters back into a form, for duplicate-and-edit. */
export function paramsToDraft(spec: OperationSpec, params: Params, inputFile?: string | null): Draft {
  const draft = emptyDraft(spec);
  for (const field of spec.fields) {
    const value = getParam(params, field.key);
    if (typeof value !== 'string' && typeof value !== 'number') continue;
    draft.values[field.key] = field.type === 'number' ? String(value) : value;
  }
  if (inputFile) {
    draft.source = { kind: 'path', path: inputFile, name: inputFile.split(/[\\/]/).at(-1) ?? inputFile };
  }
  return draft;
}

/** The same check the engine makes, for feedback while typing. */
export function checkDraft(spec: OperationSpec, draft: Draft): ParamsResult {
  // The built-in sandbox runs on this computer and can fetch its own (loopback) results; no vendor can.
  const allowLoopback = useVendorStates.getState().states?.[spec.vendor].mode === 'sandbox';
  return validateParams(spec.id, draftToParams(spec, draft), { hasFile: Boolean(draft.source), allowLoopback });
}
