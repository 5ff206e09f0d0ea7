import { describe, expect, it } from 'vitest';
import { indexRow, keysExpression, monthsExpression, textExpression } from '@main/core/library/search-text';

describe('search box to FTS5', () => {
  it('matches words from their start, short words whole, and quoted words as a phrase', () => {
    expect(textExpression('fox')).toBe('"fox"*');
    expect(textExpression('4k AI')).toBe('"4k"* AND "AI"*');
    expect(textExpression('a')).toBe('"a"');
    expect(textExpression('"neon ci"')).toBe('"neon ci"*');
    expect(textExpression('train-station')).toBe('"train station"*');
    expect(textExpression('say "hi"')).toBe('"say"* AND "hi"*');
    expect(textExpression('  ')).toBeNull();
    expect(textExpression('"" !!')).toBeNull();
  });

  it('turns a typed prefix into the words the index knows, or leaves it to FTS5 when there are many', () => {
    const words: Record<string, string[] | null> = { as: ['asteroid', 'astronaut'], astro: ['astronaut', 'astronomer'], cinematic: ['cinematic'], zzzz: [], many: null };
    const expand = (prefix: string): string[] | null => words[prefix] ?? [];
    expect(textExpression('Astro', expand)).toBe('("astronaut" OR "astronomer")');
    expect(textExpression('cinematic', expand)).toBe('"cinematic"');
    expect(textExpression('many', expand)).toBe('"many"*');
    expect(textExpression('zzzz', expand)).toBe('"zzzz"*');
    // From the second letter, as the box is typed; a third letter alone has a prefix index to fall back on.
    expect(textExpression('as', expand)).toBe('("asteroid" OR "astronaut")');
    expect(textExpression('ast', expand)).toBe('"ast"*');
    // A phrase's last word, perhaps only begun, is finished from the same list.
    expect(textExpression('airship-astro', expand)).toBe('("airship astronaut" OR "airship astronomer")');
    expect(textExpression('"red cinematic"', expand)).toBe('"red cinematic"');
    expect(textExpression('"red many"', expand)).toBe('"red many"*');
  });

  it('finds Chinese of any length as the phrase of its character pairs', () => {
    expect(textExpression('猫')).toBe('"猫"');
    expect(textExpression('城市')).toBe('"城市"');
    expect(textExpression('赛博朋克')).toBe('"赛博 博朋 朋克"');
    expect(textExpression('4k城市')).toBe('"4k"* AND "城市"');
  });

  it('quotes what the user types, so FTS5 syntax in the box is only text', () => {
    expect(textExpression('a" OR "b')).toBe('"a" AND "OR"* AND "b"*');
    expect(textExpression('NOT x*')).toBe('"NOT"* AND "x"');
  });

  it('indexes CJK as pairs plus single characters, and filter facts as keys', () => {
    const [title, prompt, , , extra] = indexRow({
      title: 'Night 城市夜景',
      prompt: 'ＦＵＬＬ width',
      tags: '',
      notes: '',
      labels: [],
      kind: 'video',
      operation: 'haiper.extend',
      favourite: true,
      missing: false,
      tagIds: [7],
      createdAt: Date.UTC(2025, 2, 14),
    });
    expect(title).toBe('Night  城市 市夜 夜景 ');
    expect(prompt).toBe('FULL width');
    expect(extra.split(' ')).toEqual(expect.arrayContaining(['城', '市', '夜', '景']));
    const keys = keysExpression({ kind: 'video', operations: ['haiper.extend'], favourite: true, tagId: 7 }) ?? '';
    for (const key of keys.match(/"[^"]+"/g) ?? []) expect(extra.split(' ')).toContain(key.slice(1, -1));
    // Its month is a key too, and a date range touching March 2025 asks for it.
    const march = monthsExpression(Date.UTC(2025, 1, 20), Date.UTC(2025, 3, 2)) ?? '';
    expect(march.match(/"[^"]+"/g)).toHaveLength(3);
    expect(march.match(/"[^"]+"/g)?.filter((key) => extra.split(' ').includes(key.slice(1, -1)))).toHaveLength(1);
    expect(monthsExpression(Date.UTC(2020, 0, 1), Date.UTC(2025, 0, 1))).toBeNull();
  });

  it('asks for a vendor by its one key when the filter lists all of its operations (of the kind asked for)', () => {
    const [, , , , extra] = indexRow({ title: '', prompt: '', tags: '', notes: '', labels: [], kind: 'video', operation: 'haiper.extend', favourite: false, missing: false, tagIds: [], createdAt: 0 });
    const terms = (expression: string | null): string[] => (expression?.match(/"[^"]+"/g) ?? []).map((key) => key.slice(1, -1));
    const haiper = terms(keysExpression({ operations: ['haiper.generate', 'haiper.upscale', 'haiper.extend'] }));
    expect(haiper).toHaveLength(1);
    expect(extra.split(' ')).toContain(haiper[0]);
    // HiDream's videos: the vendor key and the kind key, not an OR of two operations.
    const hidreamVideo = terms(keysExpression({ kind: 'video', operations: ['hidream.txt2video', 'hidream.video_stylize'] }));
    expect(hidreamVideo).toHaveLength(2);
    expect(hidreamVideo).not.toContain(haiper[0]);
    // Some of a vendor's operations, or two vendors' operations, stay an OR of operations.
    expect(terms(keysExpression({ operations: ['hidream.txt2video', 'hidream.video_stylize'] }))).toHaveLength(2);
    expect(keysExpression({ operations: ['hidream.txt2video', 'hidream.video_stylize'] })).toContain(' OR ');
    expect(terms(keysExpression({ operations: ['hidream.txt2img', 'haiper.generate'] }))).toHaveLength(2);
  });
});
