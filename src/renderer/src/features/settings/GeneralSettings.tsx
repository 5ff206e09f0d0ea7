import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ErrorIssue } from '@shared/errors';
import { HIDREAM_CONCURRENCY, HIDREAM_LEVELS, LANGUAGES, THEMES, type Settings } from '@shared/settings';
import { IpcError } from '../../lib/ipc';
import { useSettingsStore } from './store';

/** Downloads, queue limits, language and theme: edited as a draft and saved together, validated by main. */
export function GeneralSettings({ values }: { values: Settings }): React.JSX.Element {
  const { t } = useTranslation('settings');
  const update = useSettingsStore((s) => s.update);
  const id = useId();
  const [draft, setDraft] = useState(values);
  const [issues, setIssues] = useState<ErrorIssue[]>([]);
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string }>();

  const change = <K extends keyof Settings>(key: K, value: Settings[K]): void => setDraft((d) => ({ ...d, [key]: value }));
  const changeHaiper = (key: keyof Settings['membership']['haiper'], value: number): void =>
    setDraft((d) => ({ ...d, membership: { ...d.membership, haiper: { ...d.membership.haiper, [key]: value } } }));
  const issueFor = (path: string): string | undefined => issues.find((i) => i.path === path)?.message;
  const field = (name: string): string => `${id}-${name}`;

  const save = async (): Promise<void> => {
    setIssues([]);
    setMessage(undefined);
    try {
      await update(draft);
      setMessage({ kind: 'ok', text: t('general.saved') });
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
        <div className="field">
          <label htmlFor={field('level')}>{t('general.hidreamLevel')}</label>
          <select
            id={field('level')}
            value={draft.membership.hidream}
            aria-describedby={field('level-help')}
            onChange={(e) => setDraft((d) => ({ ...d, membership: { ...d.membership, hidream: e.target.value as Settings['membership']['hidream'] } }))}
          >
            {HIDREAM_LEVELS.map((level) => (
              <option key={level} value={level}>
                {t(`general.levels.${level}`)}
              </option>
            ))}
          </select>
          <small id={field('level-help')} className="muted">
            {t('general.hidreamLevelHelp', { count: HIDREAM_CONCURRENCY[draft.membership.hidream] })}
          </small>
        </div>
        {number('haiperConcurrency', t('general.haiperConcurrency'), draft.membership.haiper.concurrency, 1, 50, (n) => changeHaiper('concurrency', n))}
        {number('haiperPerMinute', t('general.haiperPerMinute'), draft.membership.haiper.perMinute, 1, 600, (n) => changeHaiper('perMinute', n))}
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
            {message.text}
          </p>
        )}
      </form>
    </section>
  );
}
