import { t, type Locale, type Text } from '../i18n-text';
import { OPERATIONS } from './catalog';
import type { Field, OperationId } from './spec';

/** The containers a local stylize source may be in; the vendor layer checks the file's magic bytes. */
export const VIDEO_FILE_TYPES = ['mp4', 'mov', 'webm', 'mkv', 'avi'] as const;

function list(values: readonly (string | number)[]): string {
  return values.map(String).join(', ');
}

/**
 * What a field accepts, in words. Validation messages, the CLI help and form hints all say it this way,
 * so the rule a user reads is the rule that is checked.
 */
export function allowedValues(field: Field, locale: Locale = 'en'): string {
  const zh = locale === 'zh-CN';
  switch (field.type) {
    case 'text':
      return zh ? `文本，最多 ${field.maxLength} 个字符` : `text of at most ${field.maxLength} characters`;
    case 'choice': {
      const values = field.options.map((o) => o.value);
      return zh ? `可选值：${list(values)}` : `one of ${list(values)}`;
    }
    case 'number':
      if (field.exclusiveMin) {
        return zh
          ? `${field.integer ? '整数' : '数值'}，大于 ${field.min} 且不超过 ${field.max}`
          : `${field.integer ? 'a whole number' : 'a number'} above ${field.min} and at most ${field.max}`;
      }
      return zh
        ? `${field.integer ? '整数' : '数值'}，${field.min} 到 ${field.max}`
        : `${field.integer ? 'a whole number' : 'a number'} from ${field.min} to ${field.max}`;
    case 'url':
      return zh ? '可公开访问的 http(s) URL' : 'a public http(s) URL';
    case 'video_source':
      return zh
        ? `http(s) 视频 URL，或本机视频文件（${VIDEO_FILE_TYPES.join('、')}）`
        : `an http(s) video URL, or a local video file (${VIDEO_FILE_TYPES.join(', ')})`;
  }
}

export interface FieldHelp {
  /** The vendor's field name (dotted for Haiper's nested objects); what the CLI takes as `--set key=value`. */
  key: string;
  label: string;
  help: string;
  allowed: string;
  /** The value sent when the field is left out, as JSON text; undefined when nothing is sent. */
  default: string | undefined;
  required: boolean;
}

export interface OperationHelp {
  id: OperationId;
  title: string;
  description: string;
  fields: FieldHelp[];
  /** Cross-field rules, e.g. "a style or a prompt". */
  rules: string[];
}

/** An operation's fields in one locale, for the CLI's help and any plain-text listing. */
export function describeOperation(id: OperationId, locale: Locale = 'en'): OperationHelp {
  const spec = OPERATIONS[id];
  const text = (value: Text): string => t(value, locale);
  return {
    id,
    title: text(spec.title),
    description: text(spec.description),
    fields: spec.fields.map((field) => ({
      key: field.key,
      label: text(field.label),
      help: text(field.help),
      allowed: allowedValues(field, locale),
      default: 'default' in field && field.default !== undefined ? JSON.stringify(field.default) : undefined,
      required: field.required,
    })),
    rules: (spec.rules ?? []).map((rule) => text(rule.message)),
  };
}
