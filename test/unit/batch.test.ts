import { describe, expect, it } from 'vitest';
import { estimateSet, expandSet, formatSetIssue, MAX_SET_SIZE, setIssuePath, type SetResult } from '@shared/batch';
import { parseCsv } from '@shared/csv';
import { getParam, limitsOf, OPERATIONS, VENDORS } from '@shared/catalog';
import { currentMembers, summarizeGroup, type GroupSummary } from '@shared/groups';
import type { JobStatus } from '@shared/jobs';

const generate = OPERATIONS['haiper.generate'];
const txt2img = OPERATIONS['hidream.txt2img'];

function messages(result: SetResult, locale: 'en' | 'zh-CN' = 'en', spec = generate): string[] {
  if (result.ok) throw new Error('expected the set to be refused');
  return result.issues.map((issue) => formatSetIssue(spec, issue, locale));
}

describe('expanding a set', () => {
  it('makes N variations counting up from a given seed, every other field as the form had it', () => {
    const result = expandSet('haiper.generate', { prompt: 'a fox', settings: { seed: 41, duration: 4 } }, { kind: 'seeds', count: 4 });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.members.map((m) => getParam(m.params, 'settings.seed'))).toEqual([41, 42, 43, 44]);
    expect(result.members.every((m) => getParam(m.params, 'settings.duration') === 4 && m.params['prompt'] === 'a fox')).toBe(true);
    // Defaults are filled in, as for any job.
    expect(getParam(result.members[0]?.params ?? {}, 'settings.aspectRatio')).toBe('16:9');
  });

  it('draws a seed per variation when the form leaves it random, so each result can be made again', () => {
    let next = 100;
    const result = expandSet('haiper.generate', { prompt: 'a fox' }, { kind: 'seeds', count: 3 }, { randomSeed: () => next++ });
    expect(result.ok && result.members.map((m) => getParam(m.params, 'settings.seed'))).toEqual([100, 101, 102]);
  });

  it('repeats a submission for an operation without a seed (the vendor draws one per task)', () => {
    const result = expandSet('hidream.txt2img', { prompt: 'a kite', img_count: 2 }, { kind: 'seeds', count: 3 });
    expect(result.ok && result.members.map((m) => m.params['img_count'])).toEqual([2, 2, 2]);
  });

  it('makes one job per chosen style, aspect ratio or resolution', () => {
    const styles = expandSet('hidream.video_stylize', { style: 'anime' }, { kind: 'values', field: 'style', values: ['ink_wash', 'cartoon'] }, { hasFile: true });
    expect(styles.ok && styles.members.map((m) => m.params['style'])).toEqual(['ink_wash', 'cartoon']);
    const aspects = expandSet('haiper.generate', { prompt: 'x' }, { kind: 'values', field: 'settings.aspectRatio', values: ['1:1', '9:16'] });
    expect(aspects.ok && aspects.members.map((m) => getParam(m.params, 'settings.aspectRatio'))).toEqual(['1:1', '9:16']);
  });

  it('makes one job per non-blank line of a prompt list, and names a bad one by its line', () => {
    const ok = expandSet('hidream.txt2video', {}, { kind: 'prompts', text: 'a boat\n\n  a kite  \r\na dog\n' });
    expect(ok.ok && ok.members.map((m) => [m.at.n, m.params['prompt']])).toEqual([
      [1, 'a boat'],
      [3, 'a kite'],
      [4, 'a dog'],
    ]);
    const long = expandSet('hidream.txt2video', {}, { kind: 'prompts', text: `fine\n${'x'.repeat(2001)}` });
    expect(messages(long, 'en', OPERATIONS['hidream.txt2video'])).toEqual(['Line 2: Prompt must be at most 2,000 characters.']);
  });

  it('reads a CSV whose header names fields by key, short key or label, with quoted cells and empty cells keeping the form', () => {
    const csv = 'prompt,Seed,时长\n"a fox, running",7,8\n"say ""hi""",,\n';
    const result = expandSet('haiper.generate', { prompt: 'base', settings: { duration: 2, seed: 1 } }, { kind: 'csv', text: csv });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.members.map((m) => [m.at.n, m.params['prompt'], getParam(m.params, 'settings.seed'), getParam(m.params, 'settings.duration')])).toEqual([
      [2, 'a fox, running', 7, 8],
      [3, 'say "hi"', 1, 2],
    ]);
  });

  it('places every bad row on its row, in the user language, and makes nothing', () => {
    const csv = 'prompt,seed\nok,3\nbad,-7\nworse,lots\n';
    const result = expandSet('haiper.generate', {}, { kind: 'csv', text: csv });
    expect(messages(result)).toEqual([
      'Row 3: Seed must be a whole number from \u22121 to 4,294,967,295.',
      'Row 4: Seed must be a whole number from \u22121 to 4,294,967,295.',
    ]);
    expect(messages(result, 'zh-CN')[0]).toBe('第 3 行：随机种子须为 \u22121 到 4,294,967,295 之间的整数。');
    if (!result.ok) expect(result.issues.map(setIssuePath)).toEqual(['rows.3.settings.seed', 'rows.4.settings.seed']);
  });

  it('refuses a CSV column the operation does not have, naming the columns it takes', () => {
    const result = expandSet('hidream.txt2img', {}, { kind: 'csv', text: 'prompt,colour\na,b\n' });
    expect(messages(result, 'en', txt2img)).toEqual([
      'The CSV column “colour” is not a field of HiDream · Text to image; columns it takes: prompt, negative_prompt, img_count, version, resolution.',
    ]);
  });

  it('refuses a row with the wrong number of cells and an unclosed quote, by row', () => {
    expect(messages(expandSet('haiper.generate', {}, { kind: 'csv', text: 'prompt,seed\na,1,2\n' }))).toEqual(['Row 2: expected 2 cells, as in the header, but found 3.']);
    expect(messages(expandSet('haiper.generate', {}, { kind: 'csv', text: 'prompt\n"a\nb\n' }))).toEqual(['Row 2: a quoted cell starts here and is never closed.']);
  });

  it('refuses an empty set, a set too big, and a field that is not a choice', () => {
    expect(messages(expandSet('haiper.generate', { prompt: 'x' }, { kind: 'prompts', text: ' \n ' }))).toEqual(['The set is empty: give at least one member.']);
    expect(messages(expandSet('haiper.generate', { prompt: 'x' }, { kind: 'seeds', count: MAX_SET_SIZE + 1 }))).toEqual([
      `A set can have at most ${String(MAX_SET_SIZE)} members; this one has ${String(MAX_SET_SIZE + 1)}.`,
    ]);
    expect(messages(expandSet('haiper.generate', { prompt: 'x' }, { kind: 'values', field: 'prompt', values: ['a'] }))).toEqual([
      'Haiper · Generate video has no choice field “prompt” to vary.',
    ]);
    expect(messages(expandSet('haiper.upscale', { config: { sourceVideo: 'https://example.com/a.mp4' } }, { kind: 'prompts', text: 'a' }), 'en', OPERATIONS['haiper.upscale'])).toEqual([
      'Haiper · Upscale video takes no prompt, so it cannot make a set from a list of prompts.',
    ]);
  });

  it('refuses a value that is not one of the options, on its row', () => {
    const result = expandSet('haiper.generate', { prompt: 'x' }, { kind: 'values', field: 'settings.aspectRatio', values: ['1:1', '2:1'] });
    expect(messages(result)).toEqual(['Row 2: Aspect ratio must be one of: 16:9, 9:16, 3:4, 4:3, 1:1.']);
  });
});

describe('parseCsv', () => {
  it('keeps line breaks inside quotes and numbers rows as a spreadsheet does', () => {
    expect(parseCsv('\uFEFFa,b\r\n"x\ny",z\r\n')).toEqual({ ok: true, rows: [{ line: 1, cells: ['a', 'b'] }, { line: 2, cells: ['x\ny', 'z'] }] });
  });
});

describe('estimating a set', () => {
  const hidream = limitsOf(VENDORS.hidream, 'free');

  it('counts each HiDream image as a vendor task', () => {
    const members = Array.from({ length: 3 }, () => ({ prompt: 'a', img_count: 4 }));
    expect(estimateSet('hidream.txt2img', members, hidream)).toMatchObject({ jobs: 3, tasks: 12, perMinute: 100, lastStartMs: 0, concurrency: 1 });
  });

  it('spreads submissions over the per-minute limit: 25 videos at 10 a minute start over two minutes', () => {
    const members = Array.from({ length: 25 }, () => ({ prompt: 'a' }));
    expect(estimateSet('hidream.txt2video', members, hidream)).toMatchObject({ jobs: 25, tasks: 25, perMinute: 10, category: 'video', lastStartMs: 120_000 });
    expect(estimateSet('hidream.txt2video', members.slice(0, 10), hidream).lastStartMs).toBe(0);
    expect(estimateSet('hidream.video_stylize', members.slice(0, 5), hidream)).toMatchObject({ perMinute: 2, lastStartMs: 120_000 });
  });

  it('uses the user’s own numbers for a vendor without published limits', () => {
    const haiper = limitsOf(VENDORS.haiper, { concurrency: 3, perMinute: 2 });
    expect(estimateSet('haiper.generate', [{}, {}, {}], haiper)).toMatchObject({ tasks: 3, perMinute: 2, concurrency: 3, lastStartMs: 60_000 });
  });
});

describe('a group’s combined status', () => {
  const of = (...statuses: JobStatus[]): GroupSummary => summarizeGroup(statuses.map((status) => ({ status })));

  it('is active while any member is on its way, counting running and queued', () => {
    expect(of('succeeded', 'succeeded', 'succeeded', 'running')).toMatchObject({ state: 'active', succeeded: 3, running: 1 });
    expect(of('queued', 'submitting', 'failed')).toMatchObject({ state: 'active', queued: 1, running: 1, failed: 1 });
  });

  it('is succeeded only when every member is, failed when none made anything, partial for a mix', () => {
    expect(of('succeeded', 'succeeded').state).toBe('succeeded');
    expect(of('succeeded', 'failed').state).toBe('partial');
    expect(of('succeeded', 'partial').state).toBe('partial');
    expect(of('failed', 'canceled').state).toBe('failed');
    expect(of('canceled', 'canceled').state).toBe('canceled');
    expect(of('succeeded', 'needs_attention').state).toBe('needs_attention');
  });
});

describe('a set’s current members', () => {
  it('lets a retry stand in for the member it retried, in the set’s order', () => {
    const jobs = [
      { id: 'b', createdAt: 1, groupIndex: 1 },
      { id: 'a', createdAt: 1, groupIndex: 0 },
      { id: 'b2', createdAt: 5, groupIndex: 1 },
    ];
    expect(currentMembers(jobs).map((j) => j.id)).toEqual(['a', 'b2']);
  });
});
