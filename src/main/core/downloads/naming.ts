import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { MediaKind, OperationId } from '@shared/catalog';
import { SETTINGS_DEFAULTS, type FILE_NAME_TOKENS } from '@shared/settings';

/**
 * File names from the user's template, made safe on Windows, macOS and Linux at once (a library folder
 * may live on a USB disk or a synced folder that is later opened on another system).
 */
/** The settings' default, named here for callers that build download settings without the store. */
export const DEFAULT_FILE_NAME_TEMPLATE = SETTINGS_DEFAULTS.fileNameTemplate;

/** The tokens the settings schema lets a template use (and checks as the template is typed). */
type TemplateToken = (typeof FILE_NAME_TOKENS)[number];

export interface NamingFields {
  operation: OperationId | null;
  prompt: string;
  /** 0-based position among the job's results; `{n}` shows it 1-based. */
  index: number;
  kind: MediaKind | null;
  /** ms epoch; `{date}` and `{time}` use the local time zone, as the user reads them. */
  createdAt: number;
  /** The download's id; `{id}` shows its first 8 characters. */
  id: string;
}

/**
 * Longest file name we produce, in UTF-8 bytes. Most file systems allow 255 bytes (ext4, APFS) or
 * 255 UTF-16 units (NTFS); the margin leaves room for " (123)" and ".part" and for Windows' 260-character
 * path limit in a reasonably shallow folder.
 */
export const MAX_NAME_BYTES = 180;
const SLUG_MAX_CHARS = 48;
const FALLBACK_BASE = 'download';

const TOKEN = /\{([a-z-]+)\}/g;
/** Marks where a placeholder had no value (a private-use character no token produces). */
const EMPTY = '\uE000';

/** Lower-case words of any script joined by hyphens; CJK prompts stay readable. */
export function slugify(text: string, maxChars = SLUG_MAX_CHARS): string {
  const words = text.normalize('NFKC').toLowerCase().match(/[\p{L}\p{N}\p{M}]+/gu) ?? [];
  return truncateGraphemes(words.join('-'), (s) => graphemeCount(s) <= maxChars).replace(/-+$/, '');
}

function graphemeCount(text: string): number {
  let count = 0;
  for (const _ of new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)) count++;
  return count;
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

function tokenValue(token: string, fields: NamingFields): string {
  const date = new Date(fields.createdAt);
  switch (token as TemplateToken) {
    case 'date':
      return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
    case 'time':
      return `${pad(date.getHours())}-${pad(date.getMinutes())}-${pad(date.getSeconds())}`;
    case 'operation':
      // The operation's own part ("txt2img"): `{vendor}` names the vendor, so "{vendor}-{operation}" is not "hidream-hidream-txt2img".
      return fields.operation?.split('.')[1] ?? '';
    case 'vendor':
      return fields.operation?.split('.')[0] ?? '';
    case 'kind':
      return fields.kind ?? '';
    case 'prompt-slug':
      return slugify(fields.prompt);
    case 'n':
      return String(fields.index + 1);
    case 'id':
      return fields.id.slice(0, 8);
    case 'ext':
      return '';
    default:
      return '';
  }
}

/**
 * The sanitized name without its extension. The extension is decided only once the bytes are in (from
 * Content-Type or magic bytes), so `{ext}` is dropped here and the extension always ends the name.
 */
export function renderBaseName(template: string, fields: NamingFields): string {
  const withoutExt = template.replace(/\.?\{ext\}/g, '');
  const rendered = withoutExt.replace(TOKEN, (_match, token: string) => tokenValue(token, fields) || EMPTY);
  // An empty placeholder (an on-demand download has no operation) takes the separators before it along,
  // so "{date}_{vendor}-{operation}_x" is "date_x", not "date_-_x"; nor may it leave "a__b" or "_a".
  const tidy = rendered
    .replace(/[_\-. ]*\uE000/g, '')
    .replace(/([_\-. ])\1+/g, '$1')
    .replace(/^[_\-. ]+|[_\-. ]+$/g, '');
  return sanitizeBaseName(tidy);
}

// eslint-disable-next-line no-control-regex -- control characters are exactly what must go
const FORBIDDEN = /[<>:"/\\|?*\u0000-\u001f\u007f]/g;
/** Bidirectional controls can disguise "cat\u202Egpj.exe" as "catexe.jpg". */
const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/** Windows refuses these as a name, with any extension (CON.txt too), in any case. */
const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])$/i;

/** Makes a name stem safe on every desktop file system; never returns an empty string. */
export function sanitizeBaseName(name: string): string {
  let out = name.normalize('NFC').replace(BIDI_CONTROLS, '').replace(FORBIDDEN, '_').trim();
  // Leading dots hide a file (or make "." and ".."); Windows drops trailing dots and spaces silently.
  out = out.replace(/^\.+/, '').replace(/[. ]+$/, '');
  if (out === '') out = FALLBACK_BASE;
  const firstSegment = out.split('.')[0] ?? out;
  if (RESERVED.test(firstSegment.trim())) out = `_${out}`;
  return out;
}

function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** Cuts at a grapheme boundary so no emoji or accented letter is split in half. */
function truncateGraphemes(text: string, fits: (candidate: string) => boolean): string {
  if (fits(text)) return text;
  let out = '';
  for (const { segment } of new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)) {
    if (!fits(out + segment)) break;
    out += segment;
  }
  return out;
}

/** `base (n).ext`, cut to MAX_NAME_BYTES without touching the extension or the counter. */
export function composeFileName(base: string, ext: string, copy = 1): string {
  const suffix = `${copy > 1 ? ` (${copy})` : ''}${ext ? `.${ext}` : ''}`;
  const budget = MAX_NAME_BYTES - utf8Length(suffix);
  const cut = truncateGraphemes(base, (s) => utf8Length(s) <= budget).replace(/[. ]+$/, '');
  return `${cut || FALLBACK_BASE}${suffix}`;
}

/**
 * The first of `base.ext`, `base (2).ext`, `base (3).ext`… that is neither on disk nor claimed by
 * another download. Names compare case-insensitively, as on Windows and macOS.
 */
export function uniqueFileName(dir: string, base: string, ext: string, claimed: (path: string) => boolean = () => false): string {
  for (let copy = 1; copy < 10_000; copy++) {
    const path = join(dir, composeFileName(base, ext, copy));
    if (!existsSync(path) && !claimed(path)) return path;
  }
  throw new Error(`No free file name for "${base}.${ext}" in ${dir}.`);
}
