import type { Text } from '../i18n-text';
import type { RateCategory, VendorId } from './vendors';

export type { RateCategory, VendorId };

export const OPERATION_IDS = [
  'hidream.txt2video',
  'hidream.txt2img',
  'hidream.video_stylize',
  'haiper.generate',
  'haiper.upscale',
  'haiper.extend',
] as const;
export type OperationId = (typeof OPERATION_IDS)[number];

export type MediaKind = 'video' | 'image';

interface FieldBase {
  /** The vendor's own field name; a dotted path for nested objects (`settings.duration`). */
  key: string;
  label: Text;
  help: Text;
  required: boolean;
}

export interface TextField extends FieldBase {
  type: 'text';
  default?: string;
  maxLength: number;
  /** Prompts get a large text area and drive the library's search and the job title. */
  role?: 'prompt' | 'negative_prompt';
}

export interface ChoiceOption<V extends string | number = string | number> {
  value: V;
  label: Text;
}

export interface ChoiceField extends FieldBase {
  type: 'choice';
  options: ChoiceOption[];
  default?: string | number;
  /** How a form shows it: resolution/aspect chips draw the frame's shape; a gallery shows styles. */
  presentation: 'chips' | 'resolution' | 'aspect' | 'gallery' | 'select';
  /** The chosen option's name, in every language, is searchable in the library ("anime", "动漫"). */
  searchable?: true;
}

export interface NumberField extends FieldBase {
  type: 'number';
  integer: boolean;
  min: number;
  /** When true the minimum itself is not allowed (motion strength must be > 0). */
  exclusiveMin?: boolean;
  max: number;
  step: number;
  default?: number;
  presentation: 'slider' | 'number' | 'camera';
}

/** A public http(s) URL of an earlier result (Haiper cannot take files). */
export interface UrlField extends FieldBase {
  type: 'url';
  accept: MediaKind;
}

/** A video given as a URL, or as a local file that is streamed as base64 into the same field. */
export interface VideoSourceField extends FieldBase {
  type: 'video_source';
}

export type Field = TextField | ChoiceField | NumberField | UrlField | VideoSourceField;

/** Cross-field rules the per-field schema cannot say. */
export interface AtLeastOneRule {
  kind: 'at_least_one';
  keys: string[];
  message: Text;
}

export interface OperationSpec {
  id: OperationId;
  vendor: VendorId;
  category: RateCategory;
  output: MediaKind;
  title: Text;
  description: Text;
  /** Submission path: absolute on the HiDream origin, relative to `{base}/{endpointPath}` for Haiper. */
  submitPath: string;
  /** Result query path, same convention; Haiper appends `/{taskId}`. */
  resultPath: string;
  /** HiDream only: POST `{task_id_list}` here to query several tasks at once. */
  batchResultPath?: string;
  fields: Field[];
  rules?: AtLeastOneRule[];
  /** The field that takes an earlier result as input, for chaining and lineage. */
  inputField?: string;
  /** Which library items can feed `inputField`. */
  accepts?: MediaKind;
  /** Chaining from an item carries its prompt over (animating an image keeps what it shows). */
  keepsPrompt?: boolean;
  /** The field a local file is streamed into as base64; only operations that have one take `--file`. */
  fileField?: string;
  /** The field whose number multiplies what a submission costs against the per-minute limit (images per request). */
  countField?: string;
  /** The operation's name among its vendor's, for the studio's tabs (the vendor is shown beside it). */
  tabTitle: Text;
  /** The field that fixes the vendor's random seed, so variations can differ and be made again. */
  seedField?: string;
  /** A short name for badges, filters and lists: true of everything the operation makes. */
  shortTitle: Text;
  /**
   * Where `inputField` is optional, what an item was made from, named by whether the input was given
   * (Haiper's generate: "image to video" with a source image, "text to video" without).
   */
  inputTitles?: { withInput: Text; withoutInput: Text };
  /** This operation's key in the library's search index rows: stored on disk, so never change or reuse one. */
  searchKey: number;
}
