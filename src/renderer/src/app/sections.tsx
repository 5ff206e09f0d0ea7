import { useTranslation } from 'react-i18next';
import { DownloadsPanel } from '../features/downloads/DownloadsPanel';
import { SettingsView } from '../features/settings';

/**
 * The sections other features own. Each is a placeholder until its feature is merged; swap the
 * component here (LibraryView, DownloadsPanel, SettingsView) and nothing else changes.
 */
function Placeholder({ section }: { section: 'library' }): React.JSX.Element {
  const { t } = useTranslation('app');
  return (
    <section aria-labelledby={`${section}-title`}>
      <header className="view-header">
        <h1 id={`${section}-title`}>{t(`nav.${section}`)}</h1>
      </header>
      <p className="placeholder">{t(`placeholder.${section}`)}</p>
    </section>
  );
}

export function LibrarySection(): React.JSX.Element {
  return <Placeholder section="library" />;
}

export function DownloadsSection(): React.JSX.Element {
  return <DownloadsPanel />;
}

export function SettingsSection(): React.JSX.Element {
  return <SettingsView />;
}
