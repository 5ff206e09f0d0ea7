import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';

type Permission = NotificationPermission | 'unsupported';

function currentPermission(): Permission {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

/**
 * The browser shell's desktop notifications. Browsers grant the permission only from a user gesture, so
 * it is asked here, from a button, never on load. The desktop app needs none of this (main shows them).
 */
export function NotificationsSection(): React.JSX.Element {
  const { t } = useTranslation('settings');
  const id = useId();
  const [permission, setPermission] = useState<Permission>(currentPermission);

  const ask = async (): Promise<void> => {
    setPermission(await Notification.requestPermission());
  };

  return (
    <section aria-labelledby={`${id}-title`} className="settings-section">
      <h2 id={`${id}-title`}>{t('notifications.title')}</h2>
      {permission === 'default' && (
        <>
          <p className="muted">{t('notifications.explain')}</p>
          <button type="button" onClick={() => void ask()}>
            {t('notifications.allow')}
          </button>
        </>
      )}
      {permission !== 'default' && <p role="status">{t(`notifications.${permission}`)}</p>}
    </section>
  );
}
