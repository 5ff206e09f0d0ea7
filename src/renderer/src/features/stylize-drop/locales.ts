import { defineLocales } from '../../i18n/define';

export const dropLocales = defineLocales({
  en: {
    overlay: 'Drop a video to stylize it',
    overlayHint: 'MP4, MOV, WebM, MKV or AVI, up to {{max}}',
    rejected: {
      too_large: '“{{name}}” is {{size}}; videos up to {{max}} can be stylized.',
      not_video: '“{{name}}” is not a video. Drop an MP4, MOV, WebM, MKV or AVI file.',
      unreadable: '“{{name}}” could not be read. Check that the file still exists and that you may open it.',
      empty: '“{{name}}” is empty.',
      not_file: 'Only files can be dropped here.',
    },
    nothingSubmitted: 'Nothing was submitted.',
    dismiss: 'Dismiss',
    sheet: {
      title: 'Stylize a video',
      preview: 'Preview of {{name}}',
      submit: 'Stylize',
      close: 'Close',
    },
  },
  'zh-CN': {
    overlay: '拖放视频以进行风格化',
    overlayHint: '支持 MP4、MOV、WebM、MKV、AVI，最大 {{max}}',
    rejected: {
      too_large: '“{{name}}”大小为 {{size}}，可风格化的视频最大为 {{max}}。',
      not_video: '“{{name}}”不是视频。请拖放 MP4、MOV、WebM、MKV 或 AVI 文件。',
      unreadable: '无法读取“{{name}}”。请确认文件仍然存在且有权限打开。',
      empty: '“{{name}}”是空文件。',
      not_file: '这里只能拖放文件。',
    },
    nothingSubmitted: '未提交任何任务。',
    dismiss: '关闭',
    sheet: {
      title: '视频风格化',
      preview: '{{name}} 的预览',
      submit: '开始风格化',
      close: '关闭',
    },
  },
});
