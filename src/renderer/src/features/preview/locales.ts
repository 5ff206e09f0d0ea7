import { defineLocales } from '../../i18n/define';

export const previewLocales = defineLocales({
  en: {
    input: 'Input',
    output: 'Result',
    result: 'Result {{n}}',
    localInput: 'Local file {{name}}',
    localInputHint: 'Its preview shows here while this window stays open.',
    expired: 'This result’s link has expired; it can still be seen in the library if it was downloaded.',
    broken: 'The preview could not be loaded.',
    pending: 'Being generated…',
    failed: 'This result failed.',
    remote: 'From the vendor (not downloaded yet)',
    local: 'Saved on this computer',
    openRemote: 'Open link',
  },
  'zh-CN': {
    input: '输入',
    output: '结果',
    result: '结果 {{n}}',
    localInput: '本地文件 {{name}}',
    localInputHint: '窗口保持打开期间可在此预览。',
    expired: '该结果的链接已过期；如已下载，仍可在素材库中查看。',
    broken: '无法加载预览。',
    pending: '生成中…',
    failed: '该结果生成失败。',
    remote: '来自服务商（尚未下载）',
    local: '已保存在本机',
    openRemote: '打开链接',
  },
});
