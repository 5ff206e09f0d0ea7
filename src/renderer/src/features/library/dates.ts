/**
 * Dates in the UI's language (not the browser's or the system's): the i18n language is passed to Intl
 * everywhere the Library shows a day or a range of days.
 */
export function formatDay(ms: number, locale: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).format(new Date(ms));
}

/** A card's date: the day and month, and the year only when it is not this year's. */
export function formatCardDay(ms: number, locale: string, now: number): string {
  const sameYear = new Date(ms).getFullYear() === new Date(now).getFullYear();
  return new Intl.DateTimeFormat(locale, sameYear ? { month: 'short', day: 'numeric' } : { dateStyle: 'medium' }).format(new Date(ms));
}

/**
 * A filter's first and last day as the user reads them ("Dec 1, 2026", "2026年12月1日"). Each end is
 * formatted on its own: ICU's range format for Chinese falls back to "2026/11/25 – 2026/12/1".
 */
export function formatDayBounds(from: number | undefined, to: number | undefined, locale: string): { from?: string; to?: string } {
  // `to` is the exclusive end of the last day; the last day shown is the one before it.
  return {
    ...(from !== undefined ? { from: formatDay(from, locale) } : {}),
    ...(to !== undefined ? { to: formatDay(to - 1, locale) } : {}),
  };
}

export type DatePreset = 'any' | 'today' | 'week' | 'month' | 'year' | 'custom';
export const DATE_PRESETS: readonly DatePreset[] = ['any', 'today', 'week', 'month', 'year', 'custom'];

/** The local-day range a preset stands for at `now` (`to` exclusive); custom and any have none. */
export function presetRange(preset: DatePreset, now: number): { from?: number; to?: number } {
  const today = new Date(now);
  // Days counted on the calendar, so a daylight-saving change does not shift a boundary by an hour.
  const day = (offset: number): number => new Date(today.getFullYear(), today.getMonth(), today.getDate() + offset).getTime();
  const end = day(1);
  switch (preset) {
    case 'today':
      return { from: day(0), to: end };
    case 'week':
      return { from: day(-6), to: end };
    case 'month':
      return { from: day(-29), to: end };
    case 'year':
      return { from: new Date(today.getFullYear(), 0, 1).getTime(), to: end };
    default:
      return {};
  }
}
