import type { MediaKind, OperationId } from '@shared/operations';

/**
 * How library items become rows of the one search index, `items_fts` (FTS5, trigram tokenizer), and
 * how a search box and filters become one FTS5 query. See db/schema/library.ts for the choice.
 *
 * - Text of three or more characters matches as a substring, in any script: "moonlight", "赛博朋克".
 * - Trigrams cannot see shorter text, so the `keys` column also lists every one- or two-character word
 *   and every CJK character and character pair, each padded to exactly three characters with a marker:
 *   a query for "猫", "城市", "4k" or "AI" is then a single trigram lookup. Short queries match whole
 *   words (or CJK characters / pairs), which is what a two-letter query means.
 * - The same column lists the item's filter facts (kind, operation, favourite, missing, tag ids), so
 *   text and filters are one FTS5 intersection, skipping through doclists rather than testing rows.
 *
 * Markers and keys are Unicode private-use characters: nothing typed in a search box produces them and
 * no text contains them, so they never match typed text and typed text never matches them (which
 * spares FTS5 column filters, a third of the query time).
 */

const CJK_RUN = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]+/gu;
const WORD_SPLIT = /[^\p{L}\p{N}]+/u;
const MAX_TERMS = 12;
/** Pads a short word to one trigram; keys use other private-use characters. */
const PAD = '\uE0FF';

/**
 * Filter keys, each exactly one trigram (bracket, symbol, bracket): a single-trigram lookup seeks
 * through its doclist, where a longer key would be a phrase whose positions FTS5 checks doc by doc.
 * Symbols are stored in every index row: never renumber, only add. The Record type makes a new
 * operation without a key a build error.
 */
const KEY_OPEN = 0xe001;
const KEY_CLOSE = 0xe002;
const FACT_SYMBOLS = { video: 0xe010, image: 0xe011, favourite: 0xe012, missing: 0xe013 } as const;
const OPERATION_SYMBOLS: Record<OperationId, number> = {
  'hidream.txt2video': 0xe021,
  'hidream.txt2img': 0xe022,
  'hidream.video_stylize': 0xe023,
  'haiper.generate': 0xe024,
  'haiper.upscale': 0xe025,
  'haiper.extend': 0xe026,
};
/** Tag ids map onto the supplementary private-use planes (131,068 code points). */
const TAG_PLANES = [0xf0000, 0x100000];
const PLANE_SIZE = 0xfffe;

export interface IndexFacts {
  title: string;
  prompt: string;
  /** Tag names joined by newlines. */
  tags: string;
  notes: string;
  kind: MediaKind;
  operation: OperationId | null;
  favourite: boolean;
  missing: boolean;
  tagIds: readonly number[];
}

export interface KeyFilter {
  kind?: MediaKind | undefined;
  /** Any of these operations. */
  operations?: readonly OperationId[] | undefined;
  favourite?: boolean | undefined;
  missing?: boolean | undefined;
  tagId?: number | undefined;
}

/** Full-width letters and compatibility forms fold to their plain forms on both sides of the index. */
function normalizeText(text: string): string {
  return text.normalize('NFKC');
}

function key(...symbols: number[]): string {
  return String.fromCodePoint(KEY_OPEN, ...symbols, KEY_CLOSE);
}

function tagKey(id: number): string {
  const plane = Math.floor(id / PLANE_SIZE);
  const base = TAG_PLANES[plane];
  // Beyond 131,068 tag ids (never expected) the key is two symbols long: still exact, a little slower.
  return base === undefined ? key(TAG_PLANES[1] ?? 0, ...[...String(id)].map((d) => 0xe030 + Number(d))) : key(base + (id % PLANE_SIZE));
}

/** A one- or two-character word, CJK character or CJK pair as the single trigram that stands for it. */
function padded(short: string): string {
  return short + PAD.repeat(3 - [...short].length);
}

/** The short forms a text is findable by: words of one or two characters, CJK characters and pairs. */
function shortForms(text: string, into: Set<string>): void {
  for (const run of text.match(CJK_RUN) ?? []) {
    const chars = [...run];
    chars.forEach((char, i) => {
      into.add(padded(char));
      const next = chars[i + 1];
      if (next) into.add(padded(char + next));
    });
  }
  for (const word of text.replace(CJK_RUN, ' ').split(WORD_SPLIT)) {
    if (word && [...word].length <= 2) into.add(padded(word.toLowerCase()));
  }
}

function filterKeys(facts: { kind?: MediaKind | undefined; favourite?: boolean | undefined; missing?: boolean | undefined }): string[] {
  const keys: string[] = [];
  if (facts.kind) keys.push(key(FACT_SYMBOLS[facts.kind]));
  if (facts.favourite) keys.push(key(FACT_SYMBOLS.favourite));
  if (facts.missing) keys.push(key(FACT_SYMBOLS.missing));
  return keys;
}

/** The row of `items_fts`: title, prompt, tags, notes, keys. */
export function indexRow(facts: IndexFacts): [string, string, string, string, string] {
  const fields = [facts.title, facts.prompt, facts.tags, facts.notes].map(normalizeText) as [string, string, string, string];
  const keys = new Set<string>(filterKeys(facts));
  if (facts.operation) keys.add(key(OPERATION_SYMBOLS[facts.operation]));
  for (const id of facts.tagIds) keys.add(tagKey(id));
  for (const field of fields) shortForms(field, keys);
  return [...fields, [...keys].join(' ')];
}

function quote(text: string): string {
  return `"${text.replaceAll('"', '""')}"`;
}

/** The filters as an FTS5 expression, or null when there are none. */
export function keysExpression(filter: KeyFilter): string | null {
  const parts = filterKeys(filter).map(quote);
  const ops = filter.operations ?? [];
  if (ops.length) parts.push(`(${ops.map((op) => quote(key(OPERATION_SYMBOLS[op]))).join(' OR ')})`);
  if (filter.tagId !== undefined) parts.push(quote(tagKey(filter.tagId)));
  return parts.length ? parts.join(' AND ') : null;
}

/**
 * The search box as an FTS5 expression (null when it holds nothing searchable). Terms are separated by
 * spaces, or "quoted" to keep spaces; all must match. Three or more characters: a substring; fewer: a
 * whole word, or a CJK character / pair.
 */
export function textExpression(input: string): string | null {
  const terms: string[] = [];
  for (const match of normalizeText(input).matchAll(/"([^"]*)"?|(\S+)/g)) {
    const term = (match[1] ?? match[2] ?? '').replace(/\s+/g, ' ').trim();
    if (term && !terms.includes(term)) terms.push(term);
    if (terms.length === MAX_TERMS) break;
  }
  const parts = new Set<string>();
  for (const term of terms) {
    if ([...term].length >= 3) {
      parts.add(quote(term));
    } else {
      // The term as it was indexed: its CJK run (one character or a pair) and its other word, if any.
      for (const run of term.match(CJK_RUN) ?? []) parts.add(quote(padded(run)));
      for (const word of term.replace(CJK_RUN, ' ').split(WORD_SPLIT)) if (word) parts.add(quote(padded(word.toLowerCase())));
    }
  }
  return parts.size ? [...parts].join(' AND ') : null;
}

/** Expressions joined with AND; null when all are empty. */
export function allOf(...expressions: (string | null)[]): string | null {
  const present = expressions.filter((e): e is string => e !== null);
  return present.length ? present.join(' AND ') : null;
}
