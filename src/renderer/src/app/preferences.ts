import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';
import type { Locale } from '@shared/i18n-text';
import { initI18n, isLocale, localeFor } from '../i18n';

export const THEMES = ['system', 'light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];

interface PreferencesState {
  language: Locale;
  theme: Theme;
  setLanguage: (language: Locale) => void;
  setTheme: (theme: Theme) => void;
}

/**
 * The UI's language and theme: the one place both are read and changed. Until the settings feature
 * stores them in main (`settings.language`, `settings.theme`), they persist in localStorage; at that
 * point only this store's source changes.
 */
export const usePreferences = create<PreferencesState>()(
  persist(
    (set) => ({
      language: localeFor(typeof navigator === 'undefined' ? undefined : navigator.language),
      theme: 'system',
      setLanguage: (language) => set({ language }),
      setTheme: (theme) => set({ theme }),
    }),
    {
      name: 'promptreel.preferences',
      storage: createJSONStorage(() => localStorage),
      partialize: ({ language, theme }) => ({ language, theme }),
      merge: (persisted, current) => {
        const saved = (persisted ?? {}) as Partial<PreferencesState>;
        return {
          ...current,
          ...(isLocale(saved.language) ? { language: saved.language } : {}),
          ...(saved.theme && (THEMES as readonly string[]).includes(saved.theme) ? { theme: saved.theme } : {}),
        };
      },
    },
  ),
);

function apply({ language, theme }: Pick<PreferencesState, 'language' | 'theme'>): void {
  initI18n(language);
  const root = document.documentElement;
  root.lang = language;
  // `system` leaves the choice to prefers-color-scheme; light/dark pin it (styles.css reads data-theme).
  root.dataset['theme'] = theme;
}

/** Applies the preferences now and on every change; returns the unsubscribe. */
export function applyPreferences(): () => void {
  apply(usePreferences.getState());
  return usePreferences.subscribe((state, previous) => {
    if (state.language !== previous.language || state.theme !== previous.theme) apply(state);
  });
}
