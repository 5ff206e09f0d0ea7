import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call, IpcError } from '../lib/ipc';
import { sandboxedVendors, useAppInfo, useVendorStates } from '../lib/appInfo';

/** About and diagnostics: what runs where, and a round trip to main. */
export function About(): React.JSX.Element {
  const { t } = useTranslation('app');
  const info = useAppInfo((s) => s.info);
  const [text, setText] = useState('hello from the renderer');
  const [reply, setReply] = useState<string>();
  const [error, setError] = useState<string>();

  const send = async (): Promise<void> => {
    setError(undefined);
    try {
      const result = await call('app.echo', { text });
      setReply(t('about.received', { text: result.text, at: result.receivedAt }));
    } catch (e) {
      setError(e instanceof IpcError ? e.message : String(e));
    }
  };

  const sandboxed = sandboxedVendors(useVendorStates((s) => s.states));

  return (
    <section aria-labelledby="about-title" className="about">
      <header className="view-header">
        <h1 id="about-title">{t('about.title')}</h1>
      </header>
      {info && (
        <dl className="facts">
          <dt>{t('about.version')}</dt>
          <dd data-testid="app-version">{info.version}</dd>
          <dt>{t('about.runningIn')}</dt>
          <dd data-testid="app-transport">{info.transport === 'electron' ? t('about.desktop') : t('about.browser')}</dd>
          <dt>{t('about.platform')}</dt>
          <dd>{info.platform}</dd>
          <dt>{t('about.keysIn')}</dt>
          <dd data-testid="key-storage">{t(`about.keyStorage.${info.keyStorageKind}`, { backend: info.keyStorageBackend })}</dd>
          <dt>{t('about.sandbox')}</dt>
          <dd>{sandboxed.length > 0 ? t('about.sandboxOn', { vendors: sandboxed.join(', ') }) : t('about.sandboxOff')}</dd>
        </dl>
      )}
      <h2>{t('about.check')}</h2>
      <div className="row">
        <label className="inline">
          {t('about.message')}
          <input value={text} onChange={(e) => setText(e.target.value)} />
        </label>
        <button type="button" onClick={() => void send()}>
          {t('about.send')}
        </button>
      </div>
      {reply && <output aria-label={t('about.reply')}>{reply}</output>}
      {error && (
        <div role="alert" className="banner error">
          {error}
        </div>
      )}
    </section>
  );
}
