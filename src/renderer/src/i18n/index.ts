import i18next from 'i18next';
import { initReactI18next, useTranslation } from 'react-i18next';
import { LOCALES, type Locale } from '@shared/i18n-text';
import { appLocales } from '../app/locales';
import { composeLocales } from '../features/compose/locales';
import { jobsLocales } from '../features/jobs/locales';
import { locales as downloadsLocales } from '../features/downloads/locales';
import { libraryLocales } from '../features/library/locales';
import { previewLocales } from '../features/preview/locales';
import { reelsLocales } from '../features/reels/locales';
import { settingsLocales } from '../features/settings/locales';
import { dropLocales } from '../features/stylize-drop/locales';
import { studioLocales } from '../features/studio/locales';
import type { Messages } from './define';

export { defineLocales, type LocaleBundle } from './define';

/**
 * Every namespace the app ships, one per feature folder (its `locales.ts`). This array is the only
 * place a feature registers its strings: the settings, downloads and library features add theirs here.
 */
export const NAMESPACES: readonly { ns: string; locales: Record<Locale, Messages> }[] = [
  { ns: 'app', locales: appLocales },
  { ns: 'compose', locales: composeLocales },
  { ns: 'jobs', locales: jobsLocales },
  { ns: 'preview', locales: previewLocales },
  { ns: 'drop', locales: dropLocales },
  { ns: 'studio', locales: studioLocales },
  { ns: 'settings', locales: settingsLocales },
  { ns: 'library', locales: libraryLocales },
  { ns: 'reels', locales: reelsLocales },
  { ns: 'downloads', locales: { en: nested(downloadsLocales.en), 'zh-CN': nested(downloadsLocales['zh-CN']) } },
];

/** Turns flat `a.b` keys into the nested objects i18next's default key separator looks up. */
function nested(flat: Readonly<Record<string, string>>): Messages {
  const root: Messages = {};
  for (const [key, text] of Object.entries(flat)) {
    const parts = key.split('.');
    let node = root;
    for (const part of parts.slice(0, -1)) {
      const next = node[part];
      node = typeof next === 'object' ? next : (node[part] = {});
    }
    node[parts.at(-1) ?? key] = text;
  }
  return root;
}

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** The best locale for a browser language tag: any Chinese gets 简体中文, everything else English. */
export function localeFor(tag: string | undefined): Locale {
  return tag?.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

export function initI18n(language: Locale): typeof i18next {
  if (i18next.isInitialized) {
    void i18next.changeLanguage(language);
    return i18next;
  }
  const resources: Record<string, Record<string, object>> = {};
  for (const locale of LOCALES) {
    resources[locale] = Object.fromEntries(NAMESPACES.map(({ ns, locales }) => [ns, locales[locale]]));
  }
  void i18next.use(initReactI18next).init({
    resources,
    lng: language,
    fallbackLng: 'en',
    supportedLngs: [...LOCALES],
    ns: NAMESPACES.map(({ ns }) => ns),
    defaultNS: 'app',
    // Resources are bundled, so init completes synchronously and the first render is translated.
    initAsync: false,
    // React escapes what it renders.
    interpolation: { escapeValue: false },
  });
  return i18next;
}

/** The UI's current locale, re-rendering the caller when it changes. */
export function useLocale(): Locale {
  const { i18n } = useTranslation();
  return isLocale(i18n.language) ? i18n.language : 'en';
}
