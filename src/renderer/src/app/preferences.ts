import type { Locale } from '@shared/i18n-text';
import type { Settings } from '@shared/settings';
import { initI18n, isLocale, localeFor } from '../i18n';
import { call, subscribe } from '../lib/ipc';

/**
 * Language and theme come from main's settings (edited in Settings), the single source for every
 * window and transport. A copy in localStorage only paints the first frame in the right language and
 * theme before main answers.
 */
const CACHE_KEY = 'promptreel.preferences';

type Preferences = Pick<Settings, 'language' | 'theme'>;

function resolveLanguage(language: Preferences['language']): Locale {
  return language === 'system' ? localeFor(typeof navigator === 'undefined' ? undefined : navigator.language) : language;
}

function apply({ language, theme }: Preferences): void {
  const locale = resolveLanguage(language);
  initI18n(locale);
  const root = document.documentElement;
  root.lang = locale;
  // `system` leaves the choice to prefers-color-scheme; light/dark pin it (styles.css reads data-theme).
  root.dataset['theme'] = theme;
  try {
    localStorage.setItem(CACHE_KEY, JSON.stringify({ language, theme }));
  } catch {
    // Storage may be unavailable (private mode); the settings still apply.
  }
}

function cached(): Preferences {
  try {
    const saved = JSON.parse(localStorage.getItem(CACHE_KEY) ?? '{}') as Partial<Preferences>;
    return {
      language: saved.language === 'system' || isLocale(saved.language) ? saved.language : 'system',
      theme: saved.theme === 'light' || saved.theme === 'dark' ? saved.theme : 'system',
    };
  } catch {
    return { language: 'system', theme: 'system' };
  }
}

/** Applies the cached preferences at once, then main's settings and every change to them. */
export function applyPreferences(): () => void {
  apply(cached());
  void call('settings.get', {}).then(
    ({ values }) => apply(values),
    () => {
      // Main unreachable: keep the cached preferences; the settings view reports the failure.
    },
  );
  return subscribe('settings.changed', apply);
}
