import type { ChoiceOption, Field, NumberField, OperationId, OperationSpec, TextField } from './spec';

/*
 * The six operations, transcribed from the vendor pages in shared/vendor-docs. Every documented field is
 * here once; validation, the wire body, the compose form, the CLI help and the sandbox all read it.
 *
 * Vendor details the pages leave open are decided here and marked UNCERTAIN, so there is one place to
 * change when the vendor says otherwise.
 *
 * Two documented HiDream fields are not user fields and so are not listed: `request_id` (the vendor layer
 * sends the UUID the job keeps) and `notify_url` (a desktop app has no public URL; results are polled).
 */

const PROMPT_MAX = 2_000;

/**
 * `fallback` is the documented default, sent when the user leaves the field empty. Fields without one are
 * left out of the body: stylize takes "a style or a prompt", and an empty prompt sent next to a style could
 * be read as the prompt mode.
 */
const prompt = (required: boolean, help: TextField['help'], fallback?: string): TextField => ({
  key: 'prompt',
  type: 'text',
  role: 'prompt',
  required,
  maxLength: PROMPT_MAX,
  ...(fallback === undefined ? {} : { default: fallback }),
  label: { en: 'Prompt', 'zh-CN': '提示词' },
  help,
});

const negative = (key: string, fallback?: string): TextField => ({
  key,
  type: 'text',
  role: 'negative_prompt',
  required: false,
  ...(fallback === undefined ? {} : { default: fallback }),
  maxLength: PROMPT_MAX,
  label: { en: 'Negative prompt', 'zh-CN': '负面提示词' },
  help: { en: 'What the result should avoid.', 'zh-CN': '禁止生成的内容。' },
});

const camera = (key: string, en: string, zh: string, hintEn: string, hintZh: string): NumberField => ({
  key,
  type: 'number',
  integer: true,
  // The page writes the range as "(-5, 5)" but its own example sends -5 and 5, so both ends are allowed.
  min: -5,
  max: 5,
  step: 1,
  default: 0,
  required: false,
  presentation: 'camera',
  label: { en, 'zh-CN': zh },
  help: { en: hintEn, 'zh-CN': hintZh },
});

const resolutionOption = (value: string): ChoiceOption => {
  const [w, h] = value.split('*');
  return { value, label: { en: `${w ?? ''} × ${h ?? ''}`, 'zh-CN': `${w ?? ''} × ${h ?? ''}` } };
};

const seed = (key: string): NumberField => ({
  key,
  type: 'number',
  integer: true,
  // UNCERTAIN: the page gives only the default (-1 = random); we cap at the 32-bit range samplers use.
  min: -1,
  max: 4_294_967_295,
  step: 1,
  default: -1,
  required: false,
  presentation: 'number',
  label: { en: 'Seed', 'zh-CN': '随机种子' },
  help: { en: '-1 picks a random seed; reuse a seed to repeat a result.', 'zh-CN': '-1 表示随机；复用种子可复现结果。' },
});

const STYLES: ChoiceOption[] = [
  ['barbie_doll', 'Barbie', '芭比'],
  ['ink_wash', 'Ink wash', '水墨'],
  ['van_goph', 'Van Gogh', '梵高'],
  ['hayao_miyazaki', 'Hayao Miyazaki', '宫崎骏'],
  ['cyber_punk', 'Cyberpunk', '赛博朋克'],
  ['cartoon', 'Cartoon', '卡通'],
  ['anime', 'Anime', '动漫'],
  ['vector_art', 'Vector art', '矢量艺术'],
  ['abstract', 'Abstract', '抽象'],
  ['watercolor', 'Watercolor', '水彩'],
].map(([value, en, zh]) => ({ value: value ?? '', label: { en: `${en ?? ''} · ${zh ?? ''}`, 'zh-CN': zh ?? '' } }));

const HIDREAM_TXT2VIDEO: OperationSpec = {
  id: 'hidream.txt2video',
  vendor: 'hidream',
  category: 'video',
  output: 'video',
  title: { en: 'HiDream · Text to video', 'zh-CN': 'HiDream · 文生视频' },
  tabTitle: { en: 'Video', 'zh-CN': '视频' },
  shortTitle: { en: 'HiDream text to video', 'zh-CN': 'HiDream 文生视频' },
  searchKey: 0xe021,
  description: { en: 'A short clip from a prompt, with camera moves and motion strength.', 'zh-CN': '根据提示词生成短视频，可设置运镜和运动强度。' },
  submitPath: '/api-pub/gw/v3/video/txt2video/async',
  resultPath: '/api-pub/gw/v3/video/txt2video/async/results',
  // UNCERTAIN: the batch query is documented for v2 only; that it sees tasks submitted on v3 is inferred.
  batchResultPath: '/api-pub/gw/v2/video/txt2video/async/results/batch',
  fields: [
    prompt(true, { en: 'Describe the clip.', 'zh-CN': '描述要生成的视频。' }),
    negative('negative_prompt', ''),
    {
      key: 'version',
      type: 'choice',
      required: false,
      default: 'v2',
      options: [{ value: 'v2', label: { en: 'v2', 'zh-CN': 'v2' } }],
      presentation: 'select',
      label: { en: 'Model version', 'zh-CN': '模型版本' },
      help: { en: 'The only version the API offers.', 'zh-CN': '目前仅支持 v2。' },
    },
    {
      key: 'resolution',
      type: 'choice',
      // UNCERTAIN: the page lists the values but no default; we send the first, as its example does.
      required: false,
      default: '960*960',
      options: ['960*960', '1280*720', '720*1280'].map(resolutionOption),
      presentation: 'resolution',
      label: { en: 'Resolution', 'zh-CN': '分辨率' },
      help: { en: 'Width × height of the clip.', 'zh-CN': '视频的宽 × 高。' },
    },
    camera('camera_move_horizontal', 'Horizontal camera move', '水平运镜', 'Negative pans left, positive pans right.', '负值向左，正值向右。'),
    camera('camera_move_vertical', 'Vertical camera move', '垂直运镜', 'Negative tilts down, positive tilts up.', '负值向下，正值向上。'),
    camera('camera_move_depth', 'Depth camera move', '纵深运镜', 'Negative pulls back, positive pushes in.', '负值拉远，正值推近。'),
    {
      key: 'motion_strength',
      type: 'number',
      integer: false,
      min: 0,
      exclusiveMin: true,
      max: 30,
      step: 0.5,
      default: 9,
      required: false,
      presentation: 'slider',
      label: { en: 'Motion strength', 'zh-CN': '运动强度' },
      help: { en: 'How much moves in the clip (above 0, up to 30).', 'zh-CN': '画面运动幅度（大于 0，最大 30）。' },
    },
  ],
};

const HIDREAM_TXT2IMG: OperationSpec = {
  id: 'hidream.txt2img',
  vendor: 'hidream',
  category: 'image',
  output: 'image',
  title: { en: 'HiDream · Text to image', 'zh-CN': 'HiDream · 文生图' },
  tabTitle: { en: 'Image', 'zh-CN': '文生图' },
  shortTitle: { en: 'HiDream text to image', 'zh-CN': 'HiDream 文生图' },
  searchKey: 0xe022,
  countField: 'img_count',
  description: { en: 'Up to four images from a prompt.', 'zh-CN': '根据提示词一次生成 1–4 张图片。' },
  submitPath: '/api-pub/gw/v3/image/txt2img/async',
  resultPath: '/api-pub/gw/v3/image/txt2img/async/results',
  // UNCERTAIN: as for text-to-video, a v2 batch path for v3 tasks.
  batchResultPath: '/api-pub/gw/v2/image/txt2img/async/results/batch',
  fields: [
    // The page gives the prompt a default of "" rather than marking it required.
    prompt(false, { en: 'Describe the image.', 'zh-CN': '描述要生成的图片。' }, ''),
    negative('negative_prompt', ''),
    {
      key: 'img_count',
      type: 'number',
      integer: true,
      min: 1,
      max: 4,
      step: 1,
      default: 1,
      required: false,
      presentation: 'number',
      label: { en: 'Images', 'zh-CN': '图片数量' },
      help: { en: 'How many images to make at once (1–4).', 'zh-CN': '一次生成的图片数量（1–4）。' },
    },
    {
      key: 'version',
      type: 'choice',
      required: false,
      default: 'v2L',
      options: [{ value: 'v2L', label: { en: 'v2L', 'zh-CN': 'v2L' } }],
      presentation: 'select',
      label: { en: 'Model version', 'zh-CN': '模型版本' },
      help: { en: 'The only version the API offers.', 'zh-CN': '目前仅支持 v2L。' },
    },
    {
      key: 'resolution',
      type: 'choice',
      // UNCERTAIN: no default on the page; its example sends 1024*1024.
      required: false,
      default: '1024*1024',
      options: ['1024*1024', '832*1248', '880*1168', '768*1360', '1248*832', '1168*880', '1360*768'].map(resolutionOption),
      presentation: 'resolution',
      label: { en: 'Resolution', 'zh-CN': '分辨率' },
      help: { en: 'Width × height of each image.', 'zh-CN': '每张图片的宽 × 高。' },
    },
  ],
};

const HIDREAM_STYLIZE: OperationSpec = {
  id: 'hidream.video_stylize',
  vendor: 'hidream',
  category: 'stylize',
  output: 'video',
  title: { en: 'HiDream · Stylize a video', 'zh-CN': 'HiDream · 视频风格化' },
  tabTitle: { en: 'Stylize', 'zh-CN': '风格化' },
  shortTitle: { en: 'Stylize', 'zh-CN': '风格化' },
  searchKey: 0xe023,
  description: { en: 'Restyle a clip with one of ten styles or a prompt.', 'zh-CN': '用十种风格之一或提示词为视频换风格。' },
  submitPath: '/api-pub/gw/v2/video/video_edit/async',
  // UNCERTAIN: inferred from the vendor's batch page, which lists video_edit under the same pattern.
  resultPath: '/api-pub/gw/v2/video/video_edit/async/results',
  batchResultPath: '/api-pub/gw/v2/video/video_edit/async/results/batch',
  inputField: 'video_name',
  accepts: 'video',
  fileField: 'video_name',
  fields: [
    {
      key: 'video_name',
      type: 'video_source',
      required: true,
      label: { en: 'Source video', 'zh-CN': '源视频' },
      help: { en: 'A video file from this computer, or the URL of a video.', 'zh-CN': '本机的视频文件，或视频的 URL。' },
    },
    {
      key: 'style',
      type: 'choice',
      required: false,
      options: STYLES,
      presentation: 'gallery',
      searchable: true,
      label: { en: 'Style', 'zh-CN': '风格' },
      help: { en: 'Pick a style, write a prompt, or both.', 'zh-CN': '选择风格或填写提示词（至少一项）。' },
    },
    prompt(false, { en: 'Describe the look you want.', 'zh-CN': '描述想要的风格。' }),
  ],
  rules: [
    {
      kind: 'at_least_one',
      keys: ['style', 'prompt'],
      message: { en: 'Choose a style or write a prompt (or both).', 'zh-CN': '请选择风格或填写提示词（至少一项）。' },
    },
  ],
};

const HAIPER_GENERATE: OperationSpec = {
  id: 'haiper.generate',
  vendor: 'haiper',
  category: 'video',
  output: 'video',
  title: { en: 'Haiper · Generate video', 'zh-CN': 'Haiper · 生成视频' },
  tabTitle: { en: 'Video', 'zh-CN': '视频' },
  shortTitle: { en: 'Haiper video', 'zh-CN': 'Haiper 视频' },
  inputTitles: { withInput: { en: 'Haiper image to video', 'zh-CN': 'Haiper 图生视频' }, withoutInput: { en: 'Haiper text to video', 'zh-CN': 'Haiper 文生视频' } },
  searchKey: 0xe024,
  description: { en: 'Text to video, or image to video from an image URL.', 'zh-CN': '文生视频，或基于图片 URL 的图生视频。' },
  submitPath: '/video/generate',
  resultPath: '/video/tasks',
  inputField: 'config.sourceImage',
  accepts: 'image',
  keepsPrompt: true,
  seedField: 'settings.seed',
  fields: [
    prompt(true, { en: 'Describe the clip.', 'zh-CN': '描述要生成的视频。' }),
    negative('negativePrompt'),
    {
      key: 'config.sourceImage',
      type: 'url',
      accept: 'image',
      required: false,
      label: { en: 'Source image', 'zh-CN': '源图像' },
      help: { en: 'A public http(s) image URL to animate, e.g. a recent HiDream image.', 'zh-CN': '可公开访问的 http(s) 图片 URL，例如刚生成的 HiDream 图片。' },
    },
    seed('settings.seed'),
    {
      key: 'settings.duration',
      type: 'choice',
      required: false,
      default: 2,
      options: [2, 4, 8].map((value) => ({ value, label: { en: `${value} s`, 'zh-CN': `${value} 秒` } })),
      presentation: 'chips',
      label: { en: 'Duration', 'zh-CN': '时长' },
      help: { en: 'Length of the clip in seconds.', 'zh-CN': '视频时长（秒）。' },
    },
    {
      key: 'settings.aspectRatio',
      type: 'choice',
      required: false,
      default: '16:9',
      options: ['16:9', '9:16', '3:4', '4:3', '1:1'].map((value) => ({ value, label: { en: value, 'zh-CN': value } })),
      presentation: 'aspect',
      label: { en: 'Aspect ratio', 'zh-CN': '画面比例' },
      help: { en: 'Shape of the frame.', 'zh-CN': '画面的宽高比。' },
    },
  ],
};

const sourceVideo: Field = {
  key: 'config.sourceVideo',
  type: 'url',
  accept: 'video',
  required: true,
  label: { en: 'Source video', 'zh-CN': '源视频' },
  help: { en: 'A public http(s) video URL, e.g. a recent Haiper clip.', 'zh-CN': '可公开访问的 http(s) 视频 URL，例如刚生成的 Haiper 视频。' },
};

const HAIPER_UPSCALE: OperationSpec = {
  id: 'haiper.upscale',
  vendor: 'haiper',
  category: 'video',
  output: 'video',
  title: { en: 'Haiper · Upscale video', 'zh-CN': 'Haiper · 提高视频像素' },
  tabTitle: { en: 'Upscale', 'zh-CN': '提高像素' },
  shortTitle: { en: 'Upscale', 'zh-CN': '提高像素' },
  searchKey: 0xe025,
  description: { en: 'A sharper, higher-resolution version of a clip.', 'zh-CN': '提升视频的清晰度和分辨率。' },
  submitPath: '/video/upscale',
  resultPath: '/video/tasks',
  inputField: 'config.sourceVideo',
  accepts: 'video',
  fields: [sourceVideo],
};

const HAIPER_EXTEND: OperationSpec = {
  id: 'haiper.extend',
  vendor: 'haiper',
  category: 'video',
  output: 'video',
  title: { en: 'Haiper · Extend video', 'zh-CN': 'Haiper · 扩展视频' },
  tabTitle: { en: 'Extend', 'zh-CN': '扩展' },
  shortTitle: { en: 'Extend', 'zh-CN': '扩展视频' },
  searchKey: 0xe026,
  description: { en: 'Continue a clip by 2 or 4 seconds.', 'zh-CN': '将视频延长 2 或 4 秒。' },
  submitPath: '/video/extend',
  resultPath: '/video/tasks',
  inputField: 'config.sourceVideo',
  accepts: 'video',
  seedField: 'settings.seed',
  fields: [
    sourceVideo,
    prompt(false, { en: 'Where the clip should go next.', 'zh-CN': '描述视频接下来的内容。' }),
    negative('negativePrompt'),
    {
      key: 'config.extendDuration',
      type: 'choice',
      required: false,
      default: 4,
      options: [2, 4].map((value) => ({ value, label: { en: `+${value} s`, 'zh-CN': `+${value} 秒` } })),
      presentation: 'chips',
      label: { en: 'Extend by', 'zh-CN': '扩展时长' },
      help: { en: 'Seconds to add.', 'zh-CN': '要增加的秒数。' },
    },
    seed('settings.seed'),
    {
      key: 'settings.guidanceScale',
      type: 'number',
      integer: false,
      // UNCERTAIN: the page gives only the default 7.5; 1–20 is the usual range for guidance scales.
      min: 1,
      max: 20,
      step: 0.5,
      default: 7.5,
      required: false,
      presentation: 'slider',
      label: { en: 'Guidance scale', 'zh-CN': '指导尺度' },
      help: { en: 'How closely to follow the prompt.', 'zh-CN': '遵循提示词的程度。' },
    },
  ],
};

export const OPERATIONS: Record<OperationId, OperationSpec> = {
  'hidream.txt2video': HIDREAM_TXT2VIDEO,
  'hidream.txt2img': HIDREAM_TXT2IMG,
  'hidream.video_stylize': HIDREAM_STYLIZE,
  'haiper.generate': HAIPER_GENERATE,
  'haiper.upscale': HAIPER_UPSCALE,
  'haiper.extend': HAIPER_EXTEND,
};
