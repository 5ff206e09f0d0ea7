import { describe, expect, it } from 'vitest';
import { formatIssue, getParam, OPERATION_IDS, OPERATIONS, setParam, validateParams, type OperationId } from '@shared/catalog';

/** Each issue as `path: English message`: the path is where it sits, the message what a user reads. */
function issues(op: OperationId, params: unknown, hasFile = false): string[] {
  const result = validateParams(op, params, { hasFile });
  return result.ok ? [] : result.issues.map((i) => `${i.path}: ${formatIssue(OPERATIONS[op], i, 'en')}`);
}

describe('operation specs', () => {
  it('label every field in English and Chinese, and keep style names in Chinese', () => {
    for (const id of OPERATION_IDS) {
      for (const field of OPERATIONS[id].fields) {
        expect(field.label.en, `${id}.${field.key}`).not.toBe('');
        expect(field.label['zh-CN'], `${id}.${field.key}`).toMatch(/[\u4e00-\u9fff]/);
      }
    }
    const style = OPERATIONS['hidream.video_stylize'].fields.find((f) => f.key === 'style');
    expect(style?.type === 'choice' && style.options.map((o) => o.label['zh-CN'])).toContain('水墨');
  });

  it('fill every default so the vendor gets explicit values', () => {
    const result = validateParams('hidream.txt2video', { prompt: 'a fish' });
    expect(result).toEqual({
      ok: true,
      params: {
        prompt: 'a fish',
        negative_prompt: '',
        version: 'v2',
        resolution: '960*960',
        camera_move_horizontal: 0,
        camera_move_vertical: 0,
        camera_move_depth: 0,
        motion_strength: 9,
      },
    });
    const haiper = validateParams('haiper.generate', { prompt: 'sunset' });
    expect(haiper.ok && haiper.params).toMatchObject({ settings: { seed: -1, duration: 2, aspectRatio: '16:9' } });
  });

  it('accept the vendor example values, including camera moves at ±5', () => {
    expect(issues('hidream.txt2video', { prompt: 'x', camera_move_depth: -5, camera_move_horizontal: 5, motion_strength: 10 })).toEqual([]);
    expect(issues('hidream.txt2img', { prompt: 'x', img_count: 4, resolution: '1360*768' })).toEqual([]);
    expect(issues('haiper.extend', { config: { sourceVideo: 'https://demo.mp4', extendDuration: 2 }, settings: { guidanceScale: 7.5 } })).toEqual([]);
  });

  it.each([
    ['hidream.txt2video', { prompt: 'x', camera_move_horizontal: 6 }, 'camera_move_horizontal: Horizontal camera move must be a whole number from −5 to 5.'],
    ['hidream.txt2video', { prompt: 'x', camera_move_vertical: -6 }, 'camera_move_vertical: Vertical camera move must be a whole number from −5 to 5.'],
    ['hidream.txt2video', { prompt: 'x', camera_move_depth: 1.5 }, 'camera_move_depth: Depth camera move must be a whole number from −5 to 5.'],
    ['hidream.txt2video', { prompt: 'x', motion_strength: 0 }, 'motion_strength: Motion strength must be a number above 0 and at most 30.'],
    ['hidream.txt2video', { prompt: 'x', motion_strength: 30.5 }, 'motion_strength: Motion strength must be a number above 0 and at most 30.'],
    ['hidream.txt2video', { prompt: 'x', resolution: '1920*1080' }, 'resolution: Resolution must be one of: 960 × 960, 1280 × 720, 720 × 1280.'],
    ['hidream.txt2video', { prompt: '  ' }, 'prompt: Prompt is required.'],
    ['hidream.txt2video', {}, 'prompt: Prompt is required.'],
    ['hidream.txt2video', { prompt: 7 }, 'prompt: Prompt must be text.'],
    ['hidream.txt2video', { prompt: 'x', motion_strength: '9' }, 'motion_strength: Motion strength must be a number above 0 and at most 30.'],
    ['hidream.txt2img', { img_count: 5 }, 'img_count: Images must be a whole number from 1 to 4.'],
    ['hidream.txt2img', { img_count: 0 }, 'img_count: Images must be a whole number from 1 to 4.'],
    ['hidream.txt2img', { version: 'v3' }, 'version: Model version must be one of: v2L.'],
    ['hidream.txt2img', { aspect_ratio: '1:1' }, 'aspect_ratio: HiDream · Text to image has no field “aspect_ratio”.'],
    [
      'hidream.video_stylize',
      { video_name: 'https://x.example/v.mp4', style: 'pixar' },
      'style: Style must be one of: Barbie · 芭比, Ink wash · 水墨, Van Gogh · 梵高, Hayao Miyazaki · 宫崎骏, Cyberpunk · 赛博朋克, Cartoon · 卡通, Anime · 动漫, Vector art · 矢量艺术, Abstract · 抽象, Watercolor · 水彩.',
    ],
    ['hidream.video_stylize', { video_name: 'https://x.example/v.mp4' }, 'style: Choose a style or write a prompt (or both).'],
    ['hidream.video_stylize', { style: 'anime', video_name: 'ftp://x/v.mp4' }, 'video_name: Source video: give an http(s) video URL or choose a local file.'],
    ['haiper.generate', { prompt: 'x', settings: { duration: 3 } }, 'settings.duration: Duration must be one of: 2 s, 4 s, 8 s.'],
    ['haiper.generate', { prompt: 'x', settings: { aspectRatio: '21:9' } }, 'settings.aspectRatio: Aspect ratio must be one of: 16:9, 9:16, 3:4, 4:3, 1:1.'],
    ['haiper.generate', { prompt: 'x', config: { sourceImage: 'file:///etc/passwd' } }, 'config.sourceImage: Source image must be a public http(s) URL.'],
    ['haiper.generate', { prompt: 'x', settings: { seed: -2 } }, 'settings.seed: Seed must be a whole number from −1 to 4,294,967,295.'],
    ['haiper.generate', { prompt: 'x', settings: 3 }, 'settings: settings must be an object.'],
    ['haiper.upscale', {}, 'config.sourceVideo: Source video is required.'],
    ['haiper.upscale', { config: {} }, 'config.sourceVideo: Source video is required.'],
    ['haiper.upscale', { config: { sourceVideo: ' ' } }, 'config.sourceVideo: Source video is required.'],
    ['haiper.extend', { config: { sourceVideo: 'https://v.mp4', extendDuration: 8 } }, 'config.extendDuration: Extend by must be one of: +2 s, +4 s.'],
    ['haiper.extend', { config: { sourceVideo: 'https://v.mp4' }, settings: { guidanceScale: 25 } }, 'settings.guidanceScale: Guidance scale must be a number from 1 to 20.'],
  ] as const)('%s rejects %j', (op, params, message) => {
    expect(issues(op, params)).toContain(message);
  });

  it('take a local file in place of the stylize URL, and refuse both at once', () => {
    expect(issues('hidream.video_stylize', { style: 'anime' }, true)).toEqual([]);
    expect(issues('hidream.video_stylize', { style: 'anime', video_name: 'https://x.example/v.mp4' }, true)).toEqual(['video_name: Source video: give a URL or a local file, not both.']);
    expect(issues('hidream.video_stylize', { style: 'anime' })).toEqual(['video_name: Source video is required: give an http(s) video URL or choose a local file.']);
  });

  it('refuse a local file for an operation without a file field, saying which one takes it', () => {
    expect(issues('haiper.upscale', { config: { sourceVideo: 'https://x.example/v.mp4' } }, true)).toEqual([
      'file: Haiper · Upscale video does not take a local file (only HiDream · Stylize a video does).',
    ]);
  });

  it('come back as codes with the data a message needs, and no words', () => {
    const result = validateParams('hidream.video_stylize', { video_name: 'https://x.example/v.mp4', extra: 1 });
    expect(result.ok ? [] : result.issues).toEqual([
      { path: 'extra', code: 'unknown_field', params: { allowed: ['video_name', 'style', 'prompt'] } },
      { path: 'style', code: 'at_least_one_of', params: { keys: ['style', 'prompt'] } },
    ]);
  });
});

/** The smallest params an operation accepts, so one field at a time can be pushed out of range. */
const MINIMAL: Record<OperationId, Record<string, unknown>> = {
  'hidream.txt2video': { prompt: 'x' },
  'hidream.txt2img': {},
  'hidream.video_stylize': { style: 'anime', video_name: 'https://x.example/v.mp4' },
  'haiper.generate': { prompt: 'x' },
  'haiper.upscale': { config: { sourceVideo: 'https://x.example/v.mp4' } },
  'haiper.extend': { config: { sourceVideo: 'https://x.example/v.mp4' } },
};

describe('every bounded field', () => {
  const cases = OPERATION_IDS.flatMap((id) =>
    OPERATIONS[id].fields.flatMap((field) => {
      const bad: unknown[] = [];
      if (field.type === 'number') bad.push(field.exclusiveMin ? field.min : field.min - 1, field.max + 1, 'text');
      if (field.type === 'number' && field.integer) bad.push(field.min + 0.5);
      if (field.type === 'choice') bad.push('not-an-option', 999);
      if (field.type === 'text') bad.push('x'.repeat(field.maxLength + 1), 5);
      if (field.type === 'url') bad.push('ftp://x/y', 'not a url');
      return bad.map((value) => [id, field.key, value] as const);
    }),
  );

  it.each(cases)('%s refuses %s = %j with a message naming the field by its label, in both languages', (id, key, value) => {
    const params = structuredClone(MINIMAL[id]);
    setParam(params, key, value);
    const result = validateParams(id, params);
    expect(result.ok).toBe(false);
    const issue = result.ok ? undefined : result.issues.find((i) => i.path === key);
    const field = OPERATIONS[id].fields.find((f) => f.key === key);
    expect(issue && field).toBeTruthy();
    if (!issue || !field) return;
    const en = formatIssue(OPERATIONS[id], issue, 'en');
    expect(en.startsWith(`${field.label.en} must be`)).toBe(true);
    // A wire key (dotted, or snake_case) never shows; plain words like "version" may be part of a label.
    if (/[._A-Z]/.test(key)) expect(en).not.toContain(key);
    expect(formatIssue(OPERATIONS[id], issue, 'zh-CN')).toContain(field.label['zh-CN']);
  });

  it('all minimal params are valid, so each refusal above is caused by its one field', () => {
    for (const id of OPERATION_IDS) expect(validateParams(id, MINIMAL[id]).ok, id).toBe(true);
  });

  it('word a range in Chinese with the field label and real minus signs', () => {
    const result = validateParams('hidream.txt2video', { prompt: 'x', camera_move_depth: 9 });
    const issue = result.ok ? undefined : result.issues[0];
    expect(issue && formatIssue(OPERATIONS['hidream.txt2video'], issue, 'zh-CN')).toBe('纵深运镜须为 −5 到 5 之间的整数。');
    expect(getParam({ settings: { seed: 3 } }, 'settings.seed')).toBe(3);
  });
});
