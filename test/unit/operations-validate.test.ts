import { describe, expect, it } from 'vitest';
import { allowedValues, describeOperation, getParam, OPERATION_IDS, OPERATIONS, setParam, validateParams, type OperationId } from '@shared/operations';

function issues(op: OperationId, params: unknown, hasFile = false): string[] {
  const result = validateParams(op, params, { hasFile });
  return result.ok ? [] : result.issues.map((i) => `${i.path}: ${i.message}`);
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
    ['hidream.txt2video', { prompt: 'x', camera_move_horizontal: 6 }, 'camera_move_horizontal: camera_move_horizontal must be at most 5 (got 6)'],
    ['hidream.txt2video', { prompt: 'x', camera_move_vertical: -6 }, 'camera_move_vertical: camera_move_vertical must be at least -5 (got -6)'],
    ['hidream.txt2video', { prompt: 'x', camera_move_depth: 1.5 }, 'camera_move_depth: camera_move_depth must be a whole number (got 1.5)'],
    ['hidream.txt2video', { prompt: 'x', motion_strength: 0 }, 'motion_strength: motion_strength must be above 0 (got 0)'],
    ['hidream.txt2video', { prompt: 'x', motion_strength: 30.5 }, 'motion_strength: motion_strength must be at most 30 (got 30.5)'],
    ['hidream.txt2video', { prompt: 'x', resolution: '1920*1080' }, 'resolution: resolution must be one of 960*960, 1280*720, 720*1280 (got "1920*1080")'],
    ['hidream.txt2video', { prompt: '  ' }, 'prompt: prompt is required and cannot be empty'],
    ['hidream.txt2video', {}, 'prompt: prompt is required: text'],
    ['hidream.txt2video', { prompt: 7 }, 'prompt: prompt must be text (got 7)'],
    ['hidream.txt2video', { prompt: 'x', motion_strength: '9' }, 'motion_strength: motion_strength must be a number above 0 and at most 30 (got "9")'],
    ['hidream.txt2img', { img_count: 5 }, 'img_count: img_count must be at most 4 (got 5)'],
    ['hidream.txt2img', { img_count: 0 }, 'img_count: img_count must be at least 1 (got 0)'],
    ['hidream.txt2img', { version: 'v3' }, 'version: version must be one of v2L (got "v3")'],
    ['hidream.txt2img', { aspect_ratio: '1:1' }, ': the parameters has unknown field aspect_ratio; allowed: prompt, negative_prompt, img_count, version, resolution'],
    ['hidream.video_stylize', { video_name: 'https://x.example/v.mp4', style: 'pixar' }, 'style: style must be one of barbie_doll, ink_wash, van_goph, hayao_miyazaki, cyber_punk, cartoon, anime, vector_art, abstract, watercolor (got "pixar")'],
    ['hidream.video_stylize', { video_name: 'https://x.example/v.mp4' }, 'style: Choose a style or write a prompt (or both).'],
    ['hidream.video_stylize', { style: 'anime', video_name: 'ftp://x/v.mp4' }, 'video_name: video_name must be an http(s) URL, or give a local video file instead'],
    ['haiper.generate', { prompt: 'x', settings: { duration: 3 } }, 'settings.duration: settings.duration must be one of 2, 4, 8 (got 3)'],
    ['haiper.generate', { prompt: 'x', settings: { aspectRatio: '21:9' } }, 'settings.aspectRatio: settings.aspectRatio must be one of 16:9, 9:16, 3:4, 4:3, 1:1 (got "21:9")'],
    ['haiper.generate', { prompt: 'x', config: { sourceImage: 'file:///etc/passwd' } }, 'config.sourceImage: config.sourceImage must be a public http(s) URL'],
    ['haiper.generate', { prompt: 'x', settings: { seed: -2 } }, 'settings.seed: settings.seed must be at least -1 (got -2)'],
    ['haiper.upscale', {}, 'config: config must be an object'],
    ['haiper.upscale', { config: {} }, 'config.sourceVideo: config.sourceVideo is required: a public http(s) URL'],
    ['haiper.extend', { config: { sourceVideo: 'https://v.mp4', extendDuration: 8 } }, 'config.extendDuration: config.extendDuration must be one of 2, 4 (got 8)'],
    ['haiper.extend', { config: { sourceVideo: 'https://v.mp4' }, settings: { guidanceScale: 25 } }, 'settings.guidanceScale: settings.guidanceScale must be at most 20 (got 25)'],
  ] as const)('%s rejects %j', (op, params, message) => {
    expect(issues(op, params)).toContain(message);
  });

  it('take a local file in place of the stylize URL, and refuse both at once', () => {
    expect(issues('hidream.video_stylize', { style: 'anime' }, true)).toEqual([]);
    expect(issues('hidream.video_stylize', { style: 'anime', video_name: 'https://x.example/v.mp4' }, true)).toEqual([
      'video_name: video_name must be left out when a video file is given',
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

  it.each(cases)('%s refuses %s = %j with a message naming the field', (id, key, value) => {
    const params = structuredClone(MINIMAL[id]);
    setParam(params, key, value);
    const result = validateParams(id, params);
    expect(result.ok).toBe(false);
    const issue = result.ok ? undefined : result.issues.find((i) => i.path === key);
    expect(issue?.message.startsWith(`${key} must be`)).toBe(true);
  });

  it('all minimal params are valid, so each refusal above is caused by its one field', () => {
    for (const id of OPERATION_IDS) expect(validateParams(id, MINIMAL[id]).ok, id).toBe(true);
  });

  it('say what is allowed in both languages, for the CLI help', () => {
    const help = describeOperation('hidream.txt2video', 'zh-CN');
    expect(help.title).toBe('HiDream · 文生视频');
    expect(help.fields.find((f) => f.key === 'camera_move_depth')).toMatchObject({ label: '纵深运镜', allowed: '整数，-5 到 5', default: '0', required: false });
    expect(describeOperation('hidream.video_stylize').rules).toEqual(['Choose a style or write a prompt (or both).']);
    const motion = OPERATIONS['hidream.txt2video'].fields.find((f) => f.key === 'motion_strength');
    expect(motion && allowedValues(motion)).toBe('a number above 0 and at most 30');
    expect(getParam({ settings: { seed: 3 } }, 'settings.seed')).toBe(3);
  });
});
