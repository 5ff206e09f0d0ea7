import { useCallback } from 'react';
import { getI18n, useTranslation } from 'react-i18next';
import { DOWNLOADS_NAMESPACE, locales, type DownloadsKey } from './locales';

export type DownloadsT = (key: DownloadsKey, values?: Record<string, string | number>) => string;

function interpolate(text: string, values: Record<string, string | number> = {}): string {
  return text.replace(/\{\{(\w+)\}\}/g, (match, name: string) => (name in values ? String(values[name]) : match));
}

/**
 * `t` for this feature. English is the default value of every key, so a missing translation or an app
 * that has not initialised i18next yet still shows words, never keys.
 */
export function useDownloadsT(): DownloadsT {
  const { t } = useTranslation(DOWNLOADS_NAMESPACE);
  // getI18n() is undefined until the app runs i18next.use(initReactI18next).init(…).
  const ready = (getI18n() as ReturnType<typeof getI18n> | undefined) !== undefined;
  return useCallback<DownloadsT>(
    (key, values) => (ready ? t(key, { ...values, defaultValue: locales.en[key] }) : interpolate(locales.en[key], values)),
    [t, ready],
  );
}
