import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { isFinalStatus } from '@shared/jobs';
import { JobsView } from '../features/jobs/JobsView';
import { startJobsSync, useJobs } from '../features/jobs/store';
import { useDownloadsStore } from '../features/downloads/store';
import { DropZone } from '../features/stylize-drop/DropZone';
import { About } from './About';
import { useAppInfo, useVendorStates } from '../lib/appInfo';
import { SandboxBanner } from './Header';
import { SECTIONS, useNavigation, type Section } from '../lib/navigation';
import { followNotificationClicks, notifySettled } from './notifications';
import { DownloadsSection, LibrarySection, ReelsSection, SettingsSection, StudioSection } from './sections';
import { Toasts } from './Toasts';
import { followNotices } from '../lib/toasts';
import { followReels } from '../features/reels';

const VIEWS: Record<Section, () => React.JSX.Element> = {
  compose: StudioSection,
  jobs: JobsView,
  library: LibrarySection,
  reels: ReelsSection,
  downloads: DownloadsSection,
  settings: SettingsSection,
  about: About,
};

/** Jobs still running or waiting for the user, shown next to "Jobs". */
function JobsBadge(): React.JSX.Element | null {
  const count = useJobs((s) => {
    let n = 0;
    for (const job of s.jobs.values()) if (!isFinalStatus(job.status)) n++;
    return n;
  });
  return count > 0 ? <span className="nav-count">{count}</span> : null;
}

export function App(): React.JSX.Element {
  const { t } = useTranslation('app');
  const section = useNavigation((s) => s.section);
  const go = useNavigation((s) => s.go);
  const infoError = useAppInfo((s) => s.error);

  useEffect(() => {
    void useAppInfo.getState().load();
    const stopVendors = useVendorStates.getState().follow();
    const stopNotices = followNotices();
    const stopJobs = startJobsSync({ onSettled: notifySettled });
    const stopNotificationClicks = followNotificationClicks();
    // Reel exports report progress while the user is elsewhere; the section shows where they got to.
    const stopReels = followReels();
    // Downloads are followed app-wide: previews switch to the local file as soon as it is complete.
    const downloads = useDownloadsStore.getState();
    const stopDownloads = downloads.connect();
    void downloads.load();
    return () => {
      stopVendors();
      stopNotices();
      stopJobs();
      stopNotificationClicks();
      stopReels();
      stopDownloads();
    };
  }, []);

  const View = VIEWS[section];
  return (
    <div className="shell">
      <nav className="sidebar" aria-label={t('nav.label')}>
        <div className="brand">
          <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
            <rect x="2" y="5" width="20" height="14" rx="3" />
            <path d="M10 9.5v5l4.5-2.5z" />
          </svg>
          Promptreel
        </div>
        {SECTIONS.map((s) => (
          <button
            key={s}
            type="button"
            className={s === section ? 'nav-item active' : 'nav-item'}
            aria-current={s === section ? 'page' : undefined}
            onClick={() => go(s)}
          >
            <span>{t(`nav.${s}`)}</span>
            {s === 'jobs' && <JobsBadge />}
          </button>
        ))}
      </nav>
      <div className="main-column">
        <SandboxBanner />
        {/* In the column's flow, so a drop's rejection pushes the view down instead of covering its tabs. */}
        <DropZone />
        <main className="content">
          {infoError && (
            <div role="alert" className="banner error">
              {infoError}
            </div>
          )}
          <View />
        </main>
      </div>
      <Toasts />
    </div>
  );
}
