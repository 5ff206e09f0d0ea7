import { defineLocales } from '../i18n/define';

export const appLocales = defineLocales({
  en: {
    nav: {
      label: 'Sections',
      compose: 'Studio',
      jobs: 'Jobs',
      library: 'Library',
      downloads: 'Downloads',
      settings: 'Settings',
      about: 'About',
    },
    sandbox: {
      label: 'Sandbox mode',
      text_one: 'Sandbox mode: {{vendors}} answers with demo media. Nothing goes to the real service and nothing is billed.',
      text_other: 'Sandbox mode: {{vendors}} answer with demo media. Nothing goes to the real services and nothing is billed.',
    },
    toast: { dismiss: 'Dismiss' },
    about: {
      title: 'About Promptreel',
      version: 'Version',
      runningIn: 'Running in',
      desktop: 'Desktop app',
      browser: 'Browser shell',
      platform: 'Platform',
      keysIn: 'Keys are kept',
      keyStorage: {
        memory: 'in memory, for this run only',
        session: 'for this session only (not stored)',
        encrypted: 'encrypted by the system ({{backend}})',
        weak: 'stored with weak protection',
      },
      sandbox: 'Sandbox',
      sandboxOn: 'on for {{vendors}}',
      sandboxOff: 'off',
    },
  },
  'zh-CN': {
    nav: {
      label: '功能区',
      compose: '工作室',
      jobs: '任务',
      library: '素材库',
      downloads: '下载',
      settings: '设置',
      about: '关于',
    },
    sandbox: {
      label: '沙盒模式',
      text_one: '沙盒模式：{{vendors}} 返回演示素材，不会调用真实服务，也不会计费。',
      text_other: '沙盒模式：{{vendors}} 返回演示素材，不会调用真实服务，也不会计费。',
    },
    toast: { dismiss: '关闭' },
    about: {
      title: '关于 Promptreel',
      version: '版本',
      runningIn: '运行环境',
      desktop: '桌面应用',
      browser: '浏览器外壳',
      platform: '平台',
      keysIn: '密钥保存方式',
      keyStorage: {
        memory: '仅在本次运行期间保存在内存中',
        session: '仅本次会话（不存储）',
        encrypted: '由系统加密（{{backend}}）',
        weak: '以弱保护方式存储',
      },
      sandbox: '沙盒',
      sandboxOn: '{{vendors}} 已开启',
      sandboxOff: '关闭',
    },
  },
});
