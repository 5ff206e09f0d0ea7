import { useTranslation } from 'react-i18next';
import { LOCALES } from '@shared/i18n-text';
import { isLocale } from '../i18n';
import { sandboxedVendors, useSandboxStatus } from './appInfo';
import { THEMES, usePreferences, type Theme } from './preferences';

/**
 * Language and theme pickers. They live in the header until the settings feature owns both; then
 * SettingsView shows them and these can go (the preferences store stays the single source).
 */
export function PreferencePickers(): React.JSX.Element {
  const { t } = useTranslation('app');
  const { language, theme, setLanguage, setTheme } = usePreferences();
  return (
    <div className="pickers">
      <label className="inline">
        <span className="muted">{t('language')}</span>
        <select value={language} onChange={(e) => isLocale(e.target.value) && setLanguage(e.target.value)}>
          {LOCALES.map((locale) => (
            <option key={locale} value={locale} lang={locale}>
              {t(`languages.${locale}`)}
            </option>
          ))}
        </select>
      </label>
      <label className="inline">
        <span className="muted">{t('theme')}</span>
        <select value={theme} onChange={(e) => setTheme(e.target.value as Theme)}>
          {THEMES.map((value) => (
            <option key={value} value={value}>
              {t(`themes.${value}`)}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}

/** Says plainly when results are demo media from the sandbox rather than the real services. */
export function SandboxBanner(): React.JSX.Element | null {
  const { t } = useTranslation('app');
  const vendors = sandboxedVendors(useSandboxStatus());
  if (vendors.length === 0) return null;
  return (
    <div className="sandbox-banner" role="note" aria-label={t('sandbox.label')}>
      {t('sandbox.text', { vendors: vendors.join(' & ') })}
    </div>
  );
}
