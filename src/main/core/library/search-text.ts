import { OPERATION_IDS, OPERATIONS, VENDOR_IDS, VENDORS, type MediaKind, type OperationId, type VendorId } from '@shared/catalog';

/**
 * How library items become rows of the one search index, `items_fts` (FTS5, `unicode61` tokenizer),
 * and how a search box and filters become one FTS5 query. See db/schema/library.ts for the choice.
 *
 * - Latin, Cyrillic, digits…: words. A term of two or more characters matches words that start with
 *   it ("as" → astronaut, "astro" → astronomer), a single character the whole word ("a"); "quoted
 *   words" are a phrase. A prefix is looked up in the index's term list and becomes an OR of the few
 *   words it stands for, which FTS5 reads lazily (a `prefix*` query would read every matching doclist
 *   in full first, except for three characters, which have their own prefix index).
 * - CJK has no spaces, so `unicode61` would make a whole sentence one token. Each run of CJK characters
 *   is written instead as its overlapping character pairs ("赛博朋克" → 赛博 博朋 朋克), and a query of
 *   two or more characters becomes the phrase of its pairs: an exact substring match, whatever the
 *   length. Single characters are listed separately in the `extra` column for one-character queries.
 * - `extra` also holds the item's filter facts (kind, operation, favourite, missing, tag ids) as single
 *   private-use characters, so text and filters are one FTS5 intersection that skips through doclists.
 *   `unicode61` keeps private-use characters as tokens; nothing typed in a search box produces them and
 *   no text contains them, so keys and text never match each other.
 */

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const CJK_RUN = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]+/gu;
/** What `unicode61` separates words on: anything but letters, digits and private-use characters. */
const WORD_SPLIT = /[^\p{L}\p{N}\p{Co}]+/u;
const MAX_TERMS = 12;

/**
 * Filter keys: one private-use character each. Stored in every index row: never renumber, only add.
 * Operations and vendors carry theirs in the catalog (`searchKey`), so a new one without a key is a build error.
 */
const FACT_KEYS = { video: 0xe010, image: 0xe011, favourite: 0xe012, missing: 0xe013 } as const;
const OPERATION_KEYS = Object.fromEntries(Object.values(OPERATIONS).map((spec) => [spec.id, spec.searchKey])) as Record<OperationId, number>;
/**
 * A job item also carries its vendor's key: a vendor filter is then one term instead of an OR of the
 * vendor's operations, which FTS5 intersects at about half the cost (measured at a million items).
 */
const VENDOR_KEYS = Object.fromEntries(VENDOR_IDS.map((vendor) => [vendor, VENDORS[vendor].searchKey])) as Record<VendorId, number>;
/**
 * Each item also carries the key of its month (UTC, from 2000): a date range becomes an OR of a few
 * month keys that FTS5 intersects like any other key, which it does far faster than it honours rowid
 * bounds on a large doclist. The exact edges are then checked on the rowid.
 */
const MONTH_BASE = 0xe100;
const MONTH_EPOCH_YEAR = 2000;
const MONTH_KEYS = 0xf8ff - MONTH_BASE;
/** Longer ranges cover most of a library anyway; they are checked on the rowid alone. */
const MAX_RANGE_MONTHS = 36;

/** Tag ids map onto the supplementary private-use planes (131,068 code points), then onto pairs. */
const TAG_BASE = 0xf0000;
const TAG_SPAN = 0x1fffe;

/**
 * The `items_fts` rowid of an item: its id negated (and back: the function is its own inverse). FTS5
 * reads a doclist backwards about twice as slowly as forwards (it decodes each page into an array
 * first), and newest-first, the library's default order, is descending item ids: negated, that order
 * is the index's forward order. Oldest-first, the rarer choice, pays the backwards reading instead.
 */
export function ftsRowid(id: number): number {
  return -id;
}

export interface IndexFacts {
  title: string;
  prompt: string;
  /** Tag names joined by newlines. */
  tags: string;
  notes: string;
  /** Names of the item's searchable choices (its style) in every language, indexed with the prompt. */
  labels: readonly string[];
  kind: MediaKind;
  operation: OperationId | null;
  favourite: boolean;
  missing: boolean;
  tagIds: readonly number[];
  createdAt: number;
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

function codePoint(value: number): string {
  // Plane 16's last two code points are non-characters; skip them.
  return String.fromCodePoint(value >= 0xffffe ? value + 2 : value);
}

function monthOf(ms: number): number {
  const date = new Date(ms);
  return (date.getUTCFullYear() - MONTH_EPOCH_YEAR) * 12 + date.getUTCMonth();
}

function monthKey(month: number): string | null {
  return month >= 0 && month < MONTH_KEYS ? codePoint(MONTH_BASE + month) : null;
}

/** A date range [from, to) as the months it touches, or null when that is not worth it (or unknown). */
export function monthsExpression(from: number | undefined, to: number | undefined): string | null {
  if (from === undefined || to === undefined || to <= from) return null;
  const first = monthOf(from);
  const last = monthOf(to - 1);
  if (last - first + 1 > MAX_RANGE_MONTHS) return null;
  const keys: string[] = [];
  for (let month = first; month <= last; month++) {
    const k = monthKey(month);
    if (k === null) return null;
    keys.push(quote(k));
  }
  return keys.length === 1 ? (keys[0] ?? null) : `(${keys.join(' OR ')})`;
}

function tagKey(id: number): string {
  // Beyond 131,068 tag ids (never expected) a key is two characters: still exact, just a phrase.
  return id < TAG_SPAN ? codePoint(TAG_BASE + id) : `${codePoint(TAG_BASE + Math.floor(id / TAG_SPAN))}${codePoint(TAG_BASE + (id % TAG_SPAN))}`;
}

/** Overlapping pairs of a CJK run; a single character stands for itself. */
function pairs(run: string): string[] {
  const chars = Array.from(run);
  if (chars.length === 1) return chars;
  return chars.slice(1).map((char, i) => `${chars[i] ?? ''}${char}`);
}

/** A text column as indexed: CJK runs become their character pairs, everything else stays. */
function indexText(text: string): string {
  return normalizeText(text).replace(CJK_RUN, (run) => ` ${pairs(run).join(' ')} `);
}

function filterKeys(facts: { kind?: MediaKind | undefined; favourite?: boolean | undefined; missing?: boolean | undefined }): string[] {
  const keys: string[] = [];
  if (facts.kind) keys.push(codePoint(FACT_KEYS[facts.kind]));
  if (facts.favourite) keys.push(codePoint(FACT_KEYS.favourite));
  if (facts.missing) keys.push(codePoint(FACT_KEYS.missing));
  return keys;
}

/** Folded words of two or more characters (what a typed prefix can stand for), for the store's term list. */
export function prefixWords(facts: Pick<IndexFacts, 'title' | 'prompt' | 'tags' | 'notes' | 'labels'>): Set<string> {
  const words = new Set<string>();
  for (const text of [facts.title, facts.prompt, facts.tags, facts.notes, ...facts.labels]) {
    for (const word of normalizeText(text).replace(CJK_RUN, ' ').split(WORD_SPLIT)) {
      if (Array.from(word).length >= 2) words.add(foldWord(word));
    }
  }
  return words;
}

/** The row of `items_fts`: title, prompt, tags, notes, extra (CJK characters and filter keys). */
export function indexRow(facts: IndexFacts): [string, string, string, string, string] {
  const texts = [facts.title, [facts.prompt, ...facts.labels].join('\n'), facts.tags, facts.notes];
  const extra = new Set<string>(filterKeys(facts));
  if (facts.operation) {
    extra.add(codePoint(OPERATION_KEYS[facts.operation]));
    extra.add(codePoint(VENDOR_KEYS[OPERATIONS[facts.operation].vendor]));
  }
  for (const id of facts.tagIds) extra.add(tagKey(id));
  const month = monthKey(monthOf(facts.createdAt));
  if (month !== null) extra.add(month);
  for (const text of texts) for (const char of normalizeText(text)) if (CJK.test(char)) extra.add(char);
  const [title = '', prompt = '', tags = '', notes = ''] = texts.map(indexText);
  return [title, prompt, tags, notes, [...extra].join(' ')];
}

function quote(text: string): string {
  return `"${text.replaceAll('"', '""')}"`;
}

/**
 * The vendor whose every operation (of the filter's kind, whose key is in the expression already) is
 * listed, so that its one key can stand for them; null otherwise.
 */
function wholeVendor(ops: readonly OperationId[], kind: MediaKind | undefined): VendorId | null {
  const vendor = OPERATIONS[ops[0] ?? OPERATION_IDS[0]].vendor;
  const all = OPERATION_IDS.filter((op) => OPERATIONS[op].vendor === vendor && (!kind || OPERATIONS[op].output === kind));
  return all.length === ops.length && all.every((op) => ops.includes(op)) ? vendor : null;
}

/** The filters as an FTS5 expression, or null when there are none. */
export function keysExpression(filter: KeyFilter): string | null {
  const parts = filterKeys(filter).map(quote);
  const ops = filter.operations ?? [];
  const vendor = ops.length > 1 ? wholeVendor(ops, filter.kind) : null;
  if (vendor) parts.push(quote(codePoint(VENDOR_KEYS[vendor])));
  else if (ops.length) parts.push(`(${ops.map((op) => quote(codePoint(OPERATION_KEYS[op]))).join(' OR ')})`);
  if (filter.tagId !== undefined) parts.push(quote(tagKey(filter.tagId)));
  return parts.length ? parts.join(' AND ') : null;
}

/**
 * The words a typed prefix stands for, from the index's term list, or null to let FTS5 expand it (it
 * then reads every matching doclist in full before returning anything, which is slow for common words).
 */
export type ExpandPrefix = (prefix: string) => string[] | null;


/** A word folded the way `unicode61 remove_diacritics 2` folds it, to look it up in the term list. */
export function foldWord(word: string): string {
  return word.normalize('NFKD').replace(/\p{Mn}/gu, '').toLowerCase();
}

function prefixPart(word: string, expand: ExpandPrefix | undefined): string {
  const words = expand?.(foldWord(word));
  // Too many words, none, or no list: FTS5 expands it (quickly for three characters, which have a
  // prefix index, and for none at all).
  if (!words?.length) return `${quote(word)}*`;
  return words.length === 1 ? quote(words[0] ?? word) : `(${words.map(quote).join(' OR ')})`;
}

/**
 * Words that must follow each other, the last perhaps only begun: an OR of the phrases it can finish
 * as, from the term list (FTS5 would read every doclist the last word's prefix covers, in full).
 */
function phrasePart(words: readonly string[], expand: ExpandPrefix | undefined): string {
  const last = words.at(-1) ?? '';
  const endings = Array.from(last).length >= 2 ? expand?.(foldWord(last)) : null;
  if (!endings?.length) return `${quote(words.join(' '))}*`;
  const phrases = endings.map((ending) => quote([...words.slice(0, -1), ending].join(' ')));
  return phrases.length === 1 ? (phrases[0] ?? '') : `(${phrases.join(' OR ')})`;
}

/** One search term as FTS5 expressions, all of which must match. */
function termParts(term: string, phrase: boolean, expand: ExpandPrefix | undefined): string[] {
  const parts: string[] = [];
  for (const segment of term.match(/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]+|[^\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]+/gu) ?? []) {
    if (CJK.test(segment)) {
      parts.push(quote(pairs(segment).join(' ')));
      continue;
    }
    const words = segment.split(WORD_SPLIT).filter(Boolean);
    const last = words.at(-1);
    if (!last) continue;
    // A lone letter must be a whole word ("a"); otherwise the last word may be the start of one.
    if (words.length === 1 && !phrase) parts.push(Array.from(last).length >= 2 ? prefixPart(last, expand) : quote(last));
    else parts.push(phrasePart(words, expand));
  }
  return parts;
}

/**
 * The search box as an FTS5 expression (null when it holds nothing searchable). Terms are separated by
 * spaces, or "quoted" to keep words together; all must match.
 */
export function textExpression(input: string, expand?: ExpandPrefix): string | null {
  const parts = new Set<string>();
  let terms = 0;
  for (const match of normalizeText(input).matchAll(/"([^"]*)"?|(\S+)/g)) {
    const term = (match[1] ?? match[2] ?? '').trim();
    if (!term) continue;
    for (const part of termParts(term, match[1] !== undefined, expand)) parts.add(part);
    if (++terms === MAX_TERMS) break;
  }
  return parts.size ? [...parts].join(' AND ') : null;
}

/** Expressions joined with AND; null when all are empty. */
export function allOf(...expressions: (string | null)[]): string | null {
  const present = expressions.filter((e): e is string => e !== null);
  return present.length ? present.join(' AND ') : null;
}
