/**
 * Sizes and durations as every view and every message shows them.
 *
 * Sizes count in binary units (1 KB = 1024 B), labelled KB/MB/GB as Windows and most download
 * managers do, because every limit the app states is binary: the stylize cap of 500 MB is 500 × 1024²
 * bytes and the download cap is set in MB of 1024². Decimal units would show a file right at the cap as
 * "524.3 MB" beside a "500 MB" limit.
 */

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'] as const;

/** `512 B`, `1.5 MB`, `12 MB`: one decimal below 10, whole numbers above, the locale's digits. */
export function formatBytes(bytes: number, locale = 'en'): string {
  let value = Math.max(0, bytes);
  let unit = 0;
  // 1023.7 KB would round to "1,024 KB": such a value is shown in the next unit up.
  while (value >= 1024 - 0.5 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || value >= 9.95 ? 0 : 1;
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(value)} ${UNITS[unit] ?? 'TB'}`;
}

/** `0:05`, `1:05`, `12:00:09`: a duration in milliseconds, short and unambiguous in every locale. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}
