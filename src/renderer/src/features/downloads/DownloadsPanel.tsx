import { useEffect, useState, type DragEvent, type SyntheticEvent } from 'react';
import { getI18n, useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import type { Download, DownloadProgress } from '@shared/downloads';
import type { ErrorInfo } from '@shared/errors';
import type { DownloadHostCapabilities } from '@shared/ipc/downloads';
import { formatBytes, formatDuration } from '@shared/format';
import { describeError } from '../../lib/errors';
import { displayName } from './format';
import { useDownloadsT, type DownloadsT } from './i18n';
import { DOWNLOADS_NAMESPACE, type DownloadsKey } from './locales';
import { useDownloadsStore, type DownloadAction } from './store';
import './downloads.css';

/** The Downloads section: the queue with progress, per-item and global controls, and on-demand URLs. */
export function DownloadsPanel(): React.JSX.Element {
  const t = useDownloadsT();
  const { order, loaded, error, connect, load, pauseAll, resumeAll, enqueueUrl, dismissError } = useDownloadsStore(
    useShallow((s) => ({
      order: s.order,
      loaded: s.loaded,
      error: s.error,
      connect: s.connect,
      load: s.load,
      pauseAll: s.pauseAll,
      resumeAll: s.resumeAll,
      enqueueUrl: s.enqueueUrl,
      dismissError: s.dismissError,
    })),
  );
  const [url, setUrl] = useState('');

  useEffect(() => {
    // Subscribe first, then list: an update that lands in between is not lost.
    const disconnect = connect();
    void load();
    return disconnect;
  }, [connect, load]);

  const submit = async (event: SyntheticEvent): Promise<void> => {
    event.preventDefault();
    if (await enqueueUrl(url.trim())) setUrl('');
  };

  return (
    <section className="downloads" aria-labelledby="downloads-title">
      <header className="downloads-header">
        <h1 id="downloads-title">{t('title')}</h1>
        <div role="toolbar" aria-label={t('toolbar')} className="downloads-toolbar">
          <button type="button" onClick={() => void pauseAll()}>
            {t('pauseAll')}
          </button>
          <button type="button" onClick={() => void resumeAll()}>
            {t('resumeAll')}
          </button>
        </div>
      </header>
      <form className="downloads-add" onSubmit={(e) => void submit(e)}>
        <label>
          {t('urlLabel')}
          <input type="url" required maxLength={8192} placeholder={t('urlPlaceholder')} value={url} onChange={(e) => setUrl(e.target.value)} />
        </label>
        <button type="submit">{t('download')}</button>
      </form>
      {error && (
        <div role="alert" className="banner error" onClick={dismissError}>
          {error}
        </div>
      )}
      {loaded && order.length === 0 ? (
        <p className="placeholder">{t('empty')}</p>
      ) : (
        <ul className="downloads-list" aria-label={t('list')}>
          {order.map((id) => (
            <DownloadRow key={id} id={id} />
          ))}
        </ul>
      )}
    </section>
  );
}

function DownloadRow({ id }: { id: string }): React.JSX.Element | null {
  const t = useDownloadsT();
  const { i18n } = useTranslation(DOWNLOADS_NAMESPACE);
  const locale = (i18n as { language?: string } | undefined)?.language ?? 'en';
  const { download, progress, host, act } = useDownloadsStore(
    useShallow((s) => ({ download: s.byId[id], progress: s.progress[id], host: s.host, act: s.act })),
  );
  if (!download) return null;
  const name = displayName(download.path, download.url);
  const draggable = download.status === 'completed' && host.drag;

  const onDragStart = (event: DragEvent): void => {
    // The OS drag is started by main (webContents.startDrag) with the real file.
    event.preventDefault();
    void act('startDrag', id);
  };

  return (
    <li
      className="download-row"
      data-status={download.status}
      aria-label={name}
      draggable={draggable}
      onDragStart={draggable ? onDragStart : undefined}
      title={draggable ? t('dragHint') : undefined}
    >
      <div className="download-main">
        <span className="download-name">{name}</span>
        <span className="download-status">{t(`status.${download.status}`)}</span>
      </div>
      <Progress download={download} progress={progress} locale={locale} t={t} />
      {download.error && <ErrorLine error={download.error} t={t} />}
      <Actions download={download} host={host} act={act} t={t} />
    </li>
  );
}

/**
 * The headline is in the UI's language. A failed connection's reason is too (the app's network words);
 * any other detail is main's sentence, in English and specific (the host, the cap).
 */
function ErrorLine({ error, t }: { error: ErrorInfo; t: DownloadsT }): React.JSX.Element {
  const i18n = getI18n() as ReturnType<typeof getI18n> | undefined;
  const worded = error.net && i18n ? describeError(error, i18n.getFixedT(null, 'jobs')).text : null;
  return (
    <p className="download-error">
      <span>{t(errorHeadline(error.kind))}</span>{' '}
      <span className="download-error-detail" lang={worded ? undefined : 'en'}>
        {worded ?? error.message}
      </span>
    </p>
  );
}

const HEADLINED = ['network', 'server', 'expired', 'io', 'not_found', 'forbidden', 'bad_response'] as const;

function errorHeadline(kind: string): DownloadsKey {
  return (HEADLINED as readonly string[]).includes(kind) ? (`error.${kind}` as DownloadsKey) : 'error.other';
}

function Progress({ download, progress, locale, t }: { download: Download; progress: DownloadProgress | undefined; locale: string; t: DownloadsT }): React.JSX.Element | null {
  if (download.status === 'completed' || download.status === 'canceled') {
    return download.bytesTotal !== null ? <span className="download-meta">{formatBytes(download.bytesTotal, locale)}</span> : null;
  }
  const done = progress?.bytesDone ?? download.bytesDone;
  const total = progress?.bytesTotal ?? download.bytesTotal;
  const details = [
    total !== null ? t('sizeOf', { done: formatBytes(done, locale), total: formatBytes(total, locale) }) : formatBytes(done, locale),
  ];
  if (download.status === 'active' && progress) {
    details.push(t('speed', { value: formatBytes(progress.speedBps, locale) }));
    if (progress.etaSeconds !== null) details.push(t('eta', { time: formatDuration(progress.etaSeconds * 1000) }));
  }
  return (
    <div className="download-progress">
      {total !== null ? <progress aria-label={t('progress')} value={done} max={total || 1} /> : <progress aria-label={t('progress')} />}
      <span className="download-meta">{details.join(' · ')}</span>
    </div>
  );
}

function Actions({ download, host, act, t }: { download: Download; host: DownloadHostCapabilities; act: (action: DownloadAction, id: string) => Promise<void>; t: DownloadsT }): React.JSX.Element {
  const button = (action: DownloadAction, label: string, enabled = true): React.JSX.Element => (
    <button type="button" disabled={!enabled} title={enabled ? undefined : t('desktopOnly')} onClick={() => void act(action, download.id)}>
      {label}
    </button>
  );
  const { status } = download;
  return (
    <div className="download-actions">
      {(status === 'queued' || status === 'active') && button('pause', t('pause'))}
      {status === 'paused' && button('resume', t('resume'))}
      {(status === 'failed' || status === 'expired' || status === 'canceled') && button('retry', t('retry'))}
      {status !== 'completed' && status !== 'canceled' && button('cancel', t('cancel'))}
      {status === 'completed' && button('open', t('open'), host.open)}
      {status === 'completed' && button('reveal', t('reveal'), host.reveal)}
    </div>
  );
}
