export const LOCALES = ['en', 'zh-CN'] as const;
export type Locale = (typeof LOCALES)[number];

/** A user-visible string in every locale we ship; the type makes a missing translation a build error. */
export type Text = Record<Locale, string>;

export function t(text: Text, locale: Locale): string {
  return text[locale];
}
