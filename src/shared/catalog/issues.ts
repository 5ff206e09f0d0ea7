import type { ErrorIssue } from '../errors';
import { formatBytes } from '../format';
import type { Locale } from '../i18n-text';
import type { PublicUrlProblem } from '../url';
import { OPERATIONS } from './operations';
import { VENDORS } from './vendors';
import type { Field, NumberField, OperationSpec } from './spec';
import { ISSUE_CODES, type IssueCode, type ValidationIssue } from './validate';

/*
 * The one wording of validation issues, for the compose form, the CLI, the engine's `invalid_input`
 * errors and the sandbox's refusals. A message names the field by its label, never by its wire key:
 * the key is what the CLI prints in front of it.
 */

const NUMBER = { en: new Intl.NumberFormat('en'), 'zh-CN': new Intl.NumberFormat('zh-CN') };

/** A number as people write it: digit groups, and a real minus sign. */
function num(value: number, locale: Locale): string {
  return NUMBER[locale].format(value).replace(/^-/, '\u2212');
}

function fieldOf(spec: OperationSpec, path: string): Field | undefined {
  return spec.fields.find((f) => f.key === path);
}

function labelOf(spec: OperationSpec, key: string, locale: Locale): string {
  return fieldOf(spec, key)?.label[locale] ?? key;
}

function range(label: string, field: NumberField, locale: Locale): string {
  const min = num(field.min, locale);
  const max = num(field.max, locale);
  if (locale === 'zh-CN') {
    const what = field.integer ? '整数' : '数字';
    return field.exclusiveMin ? `${label}须为大于 ${min} 且不超过 ${max} 的${what}。` : `${label}须为 ${min} 到 ${max} 之间的${what}。`;
  }
  const what = field.integer ? 'a whole number' : 'a number';
  return field.exclusiveMin ? `${label} must be ${what} above ${min} and at most ${max}.` : `${label} must be ${what} from ${min} to ${max}.`;
}

function fileOperations(locale: Locale): string {
  return Object.values(OPERATIONS)
    .filter((spec) => spec.fileField)
    .map((spec) => spec.title[locale])
    .join(locale === 'zh-CN' ? '、' : ', ');
}

const UNREACHABLE: Record<PublicUrlProblem, { en: string; zh: string }> = {
  not_url: { en: 'is not a valid URL', zh: '不是有效的链接' },
  not_http: { en: 'must be an http(s) URL', zh: '须为 http(s) 链接' },
  credentials: { en: 'must not contain a user name or password', zh: '不能包含用户名或密码' },
  loopback: { en: 'points at this computer (a loopback address), which the vendor cannot reach', zh: '指向本机（回环地址），服务商无法访问' },
  private: { en: 'points at a private network address, which the vendor cannot reach', zh: '指向私有网络地址，服务商无法访问' },
  link_local: { en: 'points at a link-local address, which the vendor cannot reach', zh: '指向链路本地地址，服务商无法访问' },
  local_name: { en: 'names a host on the local network (a .local name or one without a domain), which the vendor cannot reach', zh: '指向局域网主机（.local 或无域名的主机名），服务商无法访问' },
  unspecified: { en: 'has no usable host (0.0.0.0 or ::)', zh: '没有可用的主机（0.0.0.0 或 ::）' },
};

/** A URL a vendor could not fetch, and what to give instead. */
function unreachable(label: string, problem: PublicUrlProblem, locale: Locale): string {
  const words = UNREACHABLE[problem];
  return locale === 'zh-CN' ? `${label}${words.zh}；请填写可公开访问的 http(s) 链接。` : `${label} ${words.en}; give a public http(s) link.`;
}

/** An issue of a field, in words; `field` is undefined for a path the spec does not know. */
function fieldMessage(spec: OperationSpec, issue: ValidationIssue, field: Field | undefined, locale: Locale): string {
  const zh = locale === 'zh-CN';
  const label = field?.label[locale] ?? issue.path;
  switch (issue.code) {
    case 'required':
      if (field?.type === 'video_source') return zh ? `请填写${label}：http(s) 视频链接，或选择本地视频文件。` : `${label} is required: give an http(s) video URL or choose a local file.`;
      return zh ? `请填写${label}。` : `${label} is required.`;
    case 'not_text':
      return zh ? `${label}须为文本。` : `${label} must be text.`;
    case 'too_long': {
      const max = field?.type === 'text' ? num(field.maxLength, locale) : '?';
      return zh ? `${label}最多 ${max} 个字符。` : `${label} must be at most ${max} characters.`;
    }
    case 'not_one_of': {
      const options = field?.type === 'choice' ? field.options.map((o) => o.label[locale]).join(zh ? '、' : ', ') : '';
      return zh ? `${label}必须是以下之一：${options}。` : `${label} must be one of: ${options}.`;
    }
    case 'not_number':
    case 'not_integer':
    case 'too_small':
    case 'too_big':
      if (field?.type === 'number') return range(label, field, locale);
      return zh ? `${label}的数值无效。` : `${label} is not a valid number.`;
    case 'not_public_url':
      if (issue.params?.problem) return unreachable(label, issue.params.problem, locale);
      if (field?.type === 'video_source') return zh ? `${label}：请填写 http(s) 视频链接，或选择本地视频文件。` : `${label}: give an http(s) video URL or choose a local file.`;
      return zh ? `${label}须为可公开访问的 http(s) 链接。` : `${label} must be a public http(s) URL.`;
    case 'exactly_one_of':
      return zh ? `${label}：请填写链接或选择本地文件，只能二选一。` : `${label}: give a URL or a local file, not both.`;
    case 'at_least_one_of': {
      const keys = issue.params?.keys ?? [issue.path];
      const rule = spec.rules?.find((r) => r.keys.join() === keys.join());
      if (rule) return rule.message[locale];
      const labels = keys.map((k) => labelOf(spec, k, locale));
      return zh ? `请填写${labels.join('或')}。` : `Give ${labels.join(' or ')}.`;
    }
    case 'unknown_field':
      return zh ? `${spec.title[locale]}没有“${issue.path}”这个参数。` : `${spec.title[locale]} has no field “${issue.path}”.`;
    case 'not_object':
      return issue.path ? (zh ? `${issue.path} 须为对象。` : `${issue.path} must be an object.`) : zh ? '参数须为 JSON 对象。' : 'The parameters must be a JSON object.';
    case 'file_not_accepted':
      return zh
        ? `${spec.title[locale]}不接受本地文件（只有${fileOperations(locale)}接受）。`
        : `${spec.title[locale]} does not take a local file (only ${fileOperations(locale)} does).`;
    case 'file_unreadable':
      return zh ? `无法读取视频文件 ${issue.params?.file ?? ''}（${issue.params?.reason ?? '错误'}）。` : `The video file ${issue.params?.file ?? ''} cannot be read (${issue.params?.reason ?? 'error'}).`;
    case 'file_not_regular':
      return zh ? `${issue.params?.file ?? ''} 不是文件。` : `${issue.params?.file ?? ''} is not a file.`;
    case 'file_empty':
      return zh ? `${issue.params?.file ?? ''} 是空文件。` : `${issue.params?.file ?? ''} is empty.`;
    case 'file_too_big': {
      const size = formatBytes(issue.params?.size ?? 0, locale);
      const max = formatBytes(issue.params?.max ?? 0, locale);
      return zh
        ? `${issue.params?.file ?? ''} 大小为 ${size}；要风格化的视频最大 ${max}。请剪短或压缩，或改填视频链接。`
        : `${issue.params?.file ?? ''} is ${size}; a video to stylize can be at most ${max}. Trim or compress it, or give its URL instead.`;
    }
    case 'file_not_video': {
      const vendor = VENDORS[spec.vendor].name[locale];
      return zh
        ? `${issue.params?.file ?? ''} 不是 ${vendor} 可风格化的视频：应为 mp4/mov、webm/mkv 或 avi 文件（按内容判断，而非文件名）。`
        : `${issue.params?.file ?? ''} is not a video ${vendor} can stylize: expected an mp4/mov, webm/mkv or avi file (checked by its content, not its name).`;
    }
  }
}

/** One issue in the user's language, with the field's label. */
export function formatIssue(spec: OperationSpec, issue: ValidationIssue, locale: Locale): string {
  return fieldMessage(spec, issue, fieldOf(spec, issue.path), locale);
}

/** The field an issue (coded, or as it crossed a boundary) sits on; undefined for `file` or the whole object. */
export function issueField(spec: OperationSpec, issue: Pick<ValidationIssue, 'path'>): Field | undefined {
  return fieldOf(spec, issue.path);
}

/** The fields an issue is about: the field itself, or every field of a cross-field rule. */
export function issueKeys(issue: Pick<ValidationIssue, 'path' | 'params'>): string[] {
  return issue.params?.keys?.filter((key) => key !== 'file') ?? [issue.path];
}

/** The issue as it crosses a boundary (IPC, a job record, CLI JSON): the code and its English words. */
export function toErrorIssue(spec: OperationSpec, issue: ValidationIssue): ErrorIssue {
  return { path: issue.path, code: issue.code, ...(issue.params ? { params: issue.params } : {}), message: formatIssue(spec, issue, 'en') };
}

/** A coded issue back from its boundary form; undefined for an issue that was never coded (e.g. a vendor's). */
export function fromErrorIssue(issue: ErrorIssue): ValidationIssue | undefined {
  const code = issue.code;
  if (code === undefined || !(ISSUE_CODES as readonly string[]).includes(code)) return undefined;
  return { path: issue.path, code: code as IssueCode, ...(issue.params ? { params: issue.params } : {}) };
}

/** An issue from a boundary in the user's language: worded again when coded, else as it came. */
export function issueText(spec: OperationSpec, issue: ErrorIssue, locale: Locale): string {
  const coded = fromErrorIssue(issue);
  return coded ? formatIssue(spec, coded, locale) : issue.message;
}

/** The summary of an `invalid_input` refusal: every issue, worded. */
export function issuesSummary(spec: OperationSpec, issues: readonly ValidationIssue[], locale: Locale): string {
  return issues.map((issue) => formatIssue(spec, issue, locale)).join(' ');
}
