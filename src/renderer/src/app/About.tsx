import { useTranslation } from 'react-i18next';
import { sandboxedVendors, useAppInfo, useVendorStates } from '../lib/appInfo';

/** What runs where: version, host, where keys are kept, the sandbox. Testing a key is Settings › Keys. */
export function About(): React.JSX.Element {
  const { t, i18n } = useTranslation('app');
  const info = useAppInfo((s) => s.info);

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
          <dd>{sandboxed.length > 0 ? t('about.sandboxOn', { vendors: new Intl.ListFormat(i18n.language, { type: 'conjunction' }).format(sandboxed) }) : t('about.sandboxOff')}</dd>
        </dl>
      )}
    </section>
  );
}
