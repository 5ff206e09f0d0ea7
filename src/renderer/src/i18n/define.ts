/** A namespace's messages: nested keys, string leaves, `{{name}}` interpolation. */
export interface Messages {
  [key: string]: string | Messages;
}

/** The same keys as `T` with any strings: a translation missing in one locale is a type error. */
export type Translation<T> = { [K in keyof T]: T[K] extends string ? string : Translation<T[K]> };

export interface LocaleBundle<T extends Messages> {
  en: T;
  'zh-CN': Translation<T>;
}

export function defineLocales<T extends Messages>(bundle: LocaleBundle<T>): LocaleBundle<T> {
  return bundle;
}
