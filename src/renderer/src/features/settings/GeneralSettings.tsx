import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ErrorIssue } from '@shared/errors';
import { tiersOf, VENDOR_IDS, VENDORS, type VendorId } from '@shared/catalog';
import { LANGUAGES, THEMES, type Settings } from '@shared/settings';
import { useLocale } from '../../i18n';
import { IpcError } from '../../lib/ipc';
import { useSettingsStore } from './store';

/** Downloads, queue limits, language and theme: edited as a draft and saved together, validated by main. */
export function GeneralSettings({ values }: { values: Settings }): React.JSX.Element {
  const { t } = useTranslation('settings');
  const update = useSettingsStore((s) => s.update);
  const id = useId();
  const [draft, setDraft] = useState(values);
  const [issues, setIssues] = useState<ErrorIssue[]>([]);
  // "Saved" is kept as a fact, not as words, so it is worded in the language the save just switched to.
  const [message, setMessage] = useState<{ kind: 'saved' } | { kind: 'error'; text: string }>();

  // An edit after a save makes "Settings saved." untrue for what is on screen.
  const edited = (): void => setMessage((m) => (m?.kind === 'saved' ? undefined : m));
  const change = <K extends keyof Settings>(key: K, value: Settings[K]): void => {
    edited();
    setDraft((d) => ({ ...d, [key]: value }));
  };
  const locale = useLocale();
  const changeMembership = (vendor: VendorId, value: unknown): void => {
    edited();
    setDraft((d) => ({ ...d, membership: { ...d.membership, [vendor]: value } }));
  };
  const issueFor = (path: string): string | undefined => issues.find((i) => i.path === path)?.message;
  const field = (name: string): string => `${id}-${name}`;

  const save = async (): Promise<void> => {
    setIssues([]);
    setMessage(undefined);
    try {
      await update(draft);
      setMessage({ kind: 'saved' });
    } catch (e) {
      if (e instanceof IpcError) {
        setIssues(e.info.issues ?? []);
        setMessage({ kind: 'error', text: e.message });
      } else {
        setMessage({ kind: 'error', text: String(e) });
      }
    }
  };

  const text = (name: 'downloadDir' | 'fileNameTemplate', help?: string): React.JSX.Element => {
    const error = issueFor(name);
    const describedBy = [help && field(`${name}-help`), error && field(`${name}-error`)].filter(Boolean).join(' ') || undefined;
    return (
      <div className="field">
        <label htmlFor={field(name)}>{t(`general.${name}`)}</label>
        <input
          id={field(name)}
          type="text"
          value={draft[name]}
          maxLength={name === 'downloadDir' ? 4096 : 200}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy}
          onChange={(e) => change(name, e.target.value)}
        />
        {help && (
          <small id={field(`${name}-help`)} className="muted">
            {help}
          </small>
        )}
        {error && (
          <small id={field(`${name}-error`)} className="error-text">
            {error}
          </small>
        )}
      </div>
    );
  };

  const number = (name: string, label: string, value: number, min: number, max: number, onChange: (n: number) => void): React.JSX.Element => (
    <div className="field">
      <label htmlFor={field(name)}>{label}</label>
      <input
        id={field(name)}
        type="number"
        min={min}
        max={max}
        step={1}
        value={Number.isFinite(value) ? value : ''}
        onChange={(e) => onChange(e.target.valueAsNumber)}
      />
    </div>
  );

  return (
    <section aria-labelledby={field('title')} className="settings-section">
      <h2 id={field('title')}>{t('general.title')}</h2>
      <form
        // The browser blocks a submit with an out-of-range number before onSubmit: no old verdict may stay.
        onInvalidCapture={() => setMessage(undefined)}
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        {text('downloadDir')}
        {text('fileNameTemplate', t('general.fileNameHelp'))}
        {number('concurrentDownloads', t('general.concurrentDownloads'), draft.concurrentDownloads, 1, 8, (n) => change('concurrentDownloads', n))}
        <div className="field">
          <label>
            <input type="checkbox" checked={draft.autoDownload} onChange={(e) => change('autoDownload', e.target.checked)} />
            {t('general.autoDownload')}
          </label>
        </div>
        {number('downloadSizeCapMb', t('general.downloadSizeCapMb'), draft.downloadSizeCapMb, 1, 100_000, (n) => change('downloadSizeCapMb', n))}
        {VENDOR_IDS.map((vendor) => {
          const descriptor = VENDORS[vendor];
          const name = descriptor.name[locale];
          const own = draft.membership[vendor];
          if (typeof own === 'object') {
            const max = descriptor.limits.kind === 'custom' ? descriptor.limits.max : { concurrency: 1, perMinute: 1 };
            return (
              <div key={vendor}>
                {number(`${vendor}-concurrency`, t('general.concurrency', { vendor: name }), own.concurrency, 1, max.concurrency, (n) => changeMembership(vendor, { ...own, concurrency: n }))}
                {number(`${vendor}-perMinute`, t('general.perMinute', { vendor: name }), own.perMinute, 1, max.perMinute, (n) => changeMembership(vendor, { ...own, perMinute: n }))}
              </div>
            );
          }
          const tiers = tiersOf(descriptor, locale);
          return (
            <div className="field" key={vendor}>
              <label htmlFor={field(`${vendor}-level`)}>{t('general.level', { vendor: name })}</label>
              <select
                id={field(`${vendor}-level`)}
                value={own}
                aria-describedby={field(`${vendor}-level-help`)}
                onChange={(e) => changeMembership(vendor, e.target.value)}
              >
                {tiers.map((tier) => (
                  <option key={tier.id} value={tier.id}>
                    {tier.label}
                  </option>
                ))}
              </select>
              <small id={field(`${vendor}-level-help`)} className="muted">
                {t('general.levelHelp', { vendor: name, count: tiers.find((tier) => tier.id === own)?.concurrency ?? 1 })}
              </small>
            </div>
          );
        })}
        <div className="field">
          <label htmlFor={field('language')}>{t('general.language')}</label>
          <select id={field('language')} value={draft.language} onChange={(e) => change('language', e.target.value as Settings['language'])}>
            {LANGUAGES.map((lng) => (
              <option key={lng} value={lng}>
                {t(`general.languages.${lng}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={field('theme')}>{t('general.theme')}</label>
          <select id={field('theme')} value={draft.theme} onChange={(e) => change('theme', e.target.value as Settings['theme'])}>
            {THEMES.map((theme) => (
              <option key={theme} value={theme}>
                {t(`general.themes.${theme}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="actions">
          <button type="submit">{t('general.save')}</button>
        </div>
        {message && (
          <p role={message.kind === 'error' ? 'alert' : 'status'} className={message.kind === 'error' ? 'error-text' : undefined}>
            {message.kind === 'saved' ? t('general.saved') : message.text}
          </p>
        )}
      </form>
    </section>
  );
}
