import type { i18n as I18n } from 'i18next';
import type { Locale } from '@shared/i18n-text';

/** The `settings` namespace. The zh-CN object is typed against the English one, so a missing string is a build error. */
const en = {
  title: 'Settings',
  keys: {
    title: 'API keys',
    intro: 'Keys stay in the app’s main process. This window only learns whether a key is saved and its last four characters.',
    vendor: { hidream: 'HiDream (Pixeling)', haiper: 'Haiper via Cloudsway' },
    keyLabel: { hidream: 'Token', haiper: 'AccessKey' },
    keyPlaceholderNew: 'Paste the key here',
    keyPlaceholderReplace: 'Enter a new key to replace the saved one',
    userId: 'API-User-ID (optional)',
    userIdPlaceholderSaved: 'Saved (hidden); enter a new one to replace it',
    removeUserId: 'Remove the saved API-User-ID',
    baseUrl: 'Base URL',
    endpointPath: 'Endpoint path',
    endpointHelp: 'The path of your Haiper deployment on Cloudsway, e.g. the part after /v1/ai/.',
    notConfigured: 'No key saved.',
    configured: 'Configured · ends in {{last4}}',
    unreadable: 'The saved key could not be decrypted on this system (the keyring changed or is locked). Enter it again.',
    storage: {
      encrypted: 'Encrypted by your system’s key storage ({{backend}}).',
      weak: 'Stored with weak protection: anyone who can read your files can recover it.',
      session: 'Kept for this session only: enter it again after restarting.',
      memory: 'Kept in memory for this run only.',
    },
    save: 'Save',
    saving: 'Saving…',
    saved: 'Saved.',
    clear: 'Clear',
    confirmClear: 'Remove the saved key? Jobs that need it will wait until a new key is saved.',
    confirmClearYes: 'Remove key',
    cancel: 'Cancel',
    test: 'Test connection',
    testing: 'Testing…',
    result: {
      ok: 'Connection OK: the key works.',
      not_configured: 'Save a key first, then test it.',
      invalid_key: 'Invalid key: the vendor refused it. Check that it was copied completely and has not expired.',
      unreachable: 'Unreachable: the vendor did not answer. Check your internet connection and the base URL.',
      unexpected: 'Unexpected answer: the vendor replied in a way Promptreel does not understand.',
    },
  },
  storage: {
    title: 'Where keys are kept',
    memoryOnly:
      'This browser window keeps keys in memory for this run only: they are never written to disk and are gone when Promptreel stops. The desktop app can store them encrypted.',
    unavailable: 'This system offers no way to store keys, so they are kept for this session only.',
    weakWarning:
      'Keys cannot be protected on this system: no keyring (such as GNOME Keyring or KWallet) is available, so a stored key would only be weakly obscured.',
    modeLabel: 'Keep keys',
    mode: {
      persistentSecure: 'Stored, encrypted by the system (recommended)',
      persistentWeak: 'Stored with weak protection',
      session: 'For this session only',
      sessionRecommended: 'For this session only (recommended)',
    },
    confirmWeakCheck: 'I understand that anyone who can read my files could recover my keys.',
    confirmWeak: 'Store keys with weak protection',
  },
  general: {
    title: 'Downloads and app',
    downloadDir: 'Download folder',
    fileNameTemplate: 'File-name template',
    fileNameHelp: 'Tokens: {date} {time} {operation} {vendor} {kind} {prompt-slug} {n} {ext}',
    concurrentDownloads: 'Downloads at the same time',
    autoDownload: 'Download results automatically',
    downloadSizeCapMb: 'Largest download (MB)',
    hidreamLevel: 'HiDream membership level',
    hidreamLevelHelp: 'Sets how many HiDream jobs run at once ({{count}} at this level).',
    haiperConcurrency: 'Haiper jobs at the same time',
    haiperPerMinute: 'Haiper submissions per minute',
    language: 'Language',
    languages: { system: 'Same as the system', en: 'English', 'zh-CN': '简体中文' },
    theme: 'Theme',
    themes: { system: 'Same as the system', light: 'Light', dark: 'Dark' },
    levels: { free: 'Free', L1: 'L1', L2: 'L2', L3: 'L3', L4: 'L4' },
    save: 'Save settings',
    saved: 'Settings saved.',
  },
  recovery: {
    unreadable: 'Your settings file could not be read, so all settings were reset to their defaults.',
    invalid: 'Some settings in your settings file were not valid and were reset to their defaults: {{fields}}.',
    newer_version: 'Your settings file was written by a newer Promptreel; settings this version does not know were left out: {{fields}}.',
    migration_failed: 'Your settings could not be upgraded to this version, so they were reset to their defaults.',
    backup: 'The original file was kept at {{path}}.',
    dismiss: 'Dismiss',
  },
  loadFailed: 'The settings could not be loaded: {{message}}',
};

type Strings = typeof en;
type Shape<T> = { [K in keyof T]: T[K] extends string ? string : Shape<T[K]> };

const zhCN: Shape<Strings> = {
  title: '设置',
  keys: {
    title: 'API 密钥',
    intro: '密钥只保存在应用的主进程中。此窗口只知道是否已保存密钥以及它的最后四个字符。',
    vendor: { hidream: 'HiDream（智象 Pixeling）', haiper: 'Haiper（通过 Cloudsway）' },
    keyLabel: { hidream: 'Token', haiper: 'AccessKey' },
    keyPlaceholderNew: '在此粘贴密钥',
    keyPlaceholderReplace: '输入新密钥以替换已保存的密钥',
    userId: 'API-User-ID（可选）',
    userIdPlaceholderSaved: '已保存（隐藏）；输入新的以替换',
    removeUserId: '删除已保存的 API-User-ID',
    baseUrl: '基础 URL',
    endpointPath: '端点路径',
    endpointHelp: '你在 Cloudsway 上的 Haiper 部署路径，例如 /v1/ai/ 之后的部分。',
    notConfigured: '尚未保存密钥。',
    configured: '已配置 · 末尾为 {{last4}}',
    unreadable: '无法在此系统上解密已保存的密钥（密钥环已更改或被锁定）。请重新输入。',
    storage: {
      encrypted: '由系统密钥存储加密（{{backend}}）。',
      weak: '以弱保护方式存储：能读取你文件的人可以恢复它。',
      session: '仅在本次会话中保留：重启后需要重新输入。',
      memory: '仅在本次运行期间保存在内存中。',
    },
    save: '保存',
    saving: '正在保存…',
    saved: '已保存。',
    clear: '清除',
    confirmClear: '删除已保存的密钥？需要它的任务将等待新密钥。',
    confirmClearYes: '删除密钥',
    cancel: '取消',
    test: '测试连接',
    testing: '正在测试…',
    result: {
      ok: '连接正常：密钥有效。',
      not_configured: '请先保存密钥，再进行测试。',
      invalid_key: '密钥无效：服务商拒绝了它。请检查是否完整复制且未过期。',
      unreachable: '无法连接：服务商没有响应。请检查网络连接和基础 URL。',
      unexpected: '意外的响应：服务商的回复 Promptreel 无法理解。',
    },
  },
  storage: {
    title: '密钥的保存方式',
    memoryOnly: '此浏览器窗口仅在本次运行期间将密钥保存在内存中：它们从不写入磁盘，Promptreel 停止后即消失。桌面应用可以加密保存密钥。',
    unavailable: '此系统无法保存密钥，因此密钥仅在本次会话中保留。',
    weakWarning: '此系统无法保护密钥：没有可用的密钥环（如 GNOME Keyring 或 KWallet），保存的密钥只会被简单混淆。',
    modeLabel: '密钥保留方式',
    mode: {
      persistentSecure: '保存，由系统加密（推荐）',
      persistentWeak: '以弱保护方式保存',
      session: '仅本次会话',
      sessionRecommended: '仅本次会话（推荐）',
    },
    confirmWeakCheck: '我了解能读取我文件的人可能恢复我的密钥。',
    confirmWeak: '以弱保护方式保存密钥',
  },
  general: {
    title: '下载与应用',
    downloadDir: '下载文件夹',
    fileNameTemplate: '文件名模板',
    fileNameHelp: '可用标记：{date} {time} {operation} {vendor} {kind} {prompt-slug} {n} {ext}',
    concurrentDownloads: '同时下载数',
    autoDownload: '自动下载结果',
    downloadSizeCapMb: '单个下载上限（MB）',
    hidreamLevel: 'HiDream 会员等级',
    hidreamLevelHelp: '决定同时运行多少个 HiDream 任务（此等级为 {{count}} 个）。',
    haiperConcurrency: 'Haiper 同时任务数',
    haiperPerMinute: 'Haiper 每分钟提交数',
    language: '语言',
    languages: { system: '跟随系统', en: 'English', 'zh-CN': '简体中文' },
    theme: '主题',
    themes: { system: '跟随系统', light: '浅色', dark: '深色' },
    levels: { free: '免费', L1: 'L1', L2: 'L2', L3: 'L3', L4: 'L4' },
    save: '保存设置',
    saved: '设置已保存。',
  },
  recovery: {
    unreadable: '无法读取你的设置文件，所有设置已恢复为默认值。',
    invalid: '设置文件中的部分设置无效，已恢复为默认值：{{fields}}。',
    newer_version: '你的设置文件由更新版本的 Promptreel 写入；此版本不认识的设置已被忽略：{{fields}}。',
    migration_failed: '无法将你的设置升级到此版本，已恢复为默认值。',
    backup: '原文件已保留在 {{path}}。',
    dismiss: '关闭',
  },
  loadFailed: '无法加载设置：{{message}}',
};

export const settingsLocales: Record<Locale, Strings> = { en, 'zh-CN': zhCN };

export const SETTINGS_NAMESPACE = 'settings';

/**
 * Adds the `settings` namespace to an i18next instance: at once if it is initialised, otherwise as soon
 * as it is. Whoever initialises i18next for the app need not know about this feature.
 */
export function registerSettingsLocales(i18n: I18n): void {
  const add = (): void => {
    for (const [lng, strings] of Object.entries(settingsLocales)) {
      if (!i18n.hasResourceBundle(lng, SETTINGS_NAMESPACE)) i18n.addResourceBundle(lng, SETTINGS_NAMESPACE, strings);
    }
  };
  if (i18n.isInitialized) add();
  else i18n.on('initialized', add);
}
