import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SettingsRecovery } from '@shared/settings';
import { GeneralSettings } from './GeneralSettings';
import { KeysSection } from './KeysSection';
import { NotificationsSection } from './NotificationsSection';
import { useAppInfo } from '../../lib/appInfo';
import { useSettingsStore } from './store';
import './settings.css';

/** Settings: API keys (never shown, only their state), how they are kept, downloads, queue limits, language, theme. */
export function SettingsView(): React.JSX.Element {
  const { t } = useTranslation('settings');
  const keys = useSettingsStore((s) => s.keys);
  const settings = useSettingsStore((s) => s.settings);
  const loadError = useSettingsStore((s) => s.loadError);
  const start = useSettingsStore((s) => s.start);
  const inBrowser = useAppInfo((s) => s.info?.transport === 'browser');

  useEffect(() => start(), [start]);

  return (
    <div className="settings">
      <h1>{t('title')}</h1>
      {loadError && (
        <div role="alert" className="banner error">
          {t('loadFailed', { message: loadError })}
        </div>
      )}
      {settings?.recovery && <RecoveryNotice recovery={settings.recovery} />}
      {keys && <KeysSection keys={keys} />}
      {settings && <GeneralSettings values={settings.values} />}
      {inBrowser && <NotificationsSection />}
    </div>
  );
}

function RecoveryNotice({ recovery }: { recovery: SettingsRecovery }): React.JSX.Element | null {
  const { t } = useTranslation('settings');
  const [dismissed, setDismissed] = useState(false);
  if (dismissed) return null;
  return (
    <div role="alert" className="banner warning">
      <p>{t(`recovery.${recovery.reason}`, { fields: recovery.resetFields.join(', ') })}</p>
      {recovery.backupPath && <p>{t('recovery.backup', { path: recovery.backupPath })}</p>}
      <button type="button" className="secondary" onClick={() => setDismissed(true)}>
        {t('recovery.dismiss')}
      </button>
    </div>
  );
}
