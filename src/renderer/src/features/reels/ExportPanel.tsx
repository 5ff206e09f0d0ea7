import { useTranslation } from 'react-i18next';
import type { Reel } from '@shared/reels';
import { isFinished, useReels } from './store';
import { useErrorText, type ShotProblem } from './words';

interface Props {
  reel: Reel;
  problems: ShotProblem[];
  onOpenItem?: ((itemId: string) => void) | undefined;
}

/** One MP4 of the whole reel, made in main: start, watch, cancel, and then open the result. */
export function ExportPanel({ reel, problems, onOpenItem }: Props): React.JSX.Element {
  const { t } = useTranslation('reels');
  const errorText = useErrorText();
  const progress = useReels((s) => s.exports.get(reel.id));
  const starting = useReels((s) => s.starting.has(reel.id));
  const { startExport, cancelExport } = useReels.getState();
  const running = starting || (progress !== undefined && !isFinished(progress));
  const percent = Math.round((progress?.fraction ?? 0) * 100);
  const openLink = (itemId: string, text: string): React.JSX.Element | null =>
    onOpenItem ? (
      <button type="button" className="link" onClick={() => onOpenItem(itemId)}>
        {text}
      </button>
    ) : null;

  return (
    <section className="reel-export" aria-label={t('export.label')}>
      <div className="row">
        <button type="button" className="primary" disabled={running || reel.shots.length === 0} onClick={() => void startExport(reel.id)}>
          {t('export.start', { width: reel.resolution.width, height: reel.resolution.height })}
        </button>
        {running && (
          <button type="button" className="secondary" disabled={!progress?.exportId} onClick={() => void cancelExport(reel.id)}>
            {t('export.cancel')}
          </button>
        )}
        {!running && progress?.phase !== 'done' && reel.lastExportItemId && openLink(reel.lastExportItemId, t('export.openLast'))}
      </div>
      {running && (
        <div className="reel-export-progress" role="status">
          <div className="progress" role="progressbar" aria-label={t('export.progress')} aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent}>
            <div className="progress-fill" style={{ width: `${percent}%` }} />
          </div>
          <span>
            {progress?.phase === 'encoding'
              ? t('export.encoding', { percent, done: progress.outSeconds.toFixed(1), total: progress.totalSeconds.toFixed(1) })
              : progress?.phase === 'finishing'
                ? t('export.finishing')
                : t('export.checking')}
            {progress?.phase === 'encoding' && progress.speed !== null && ` · ${t('export.speed', { speed: progress.speed.toFixed(1) })}`}
          </span>
        </div>
      )}
      {progress?.phase === 'failed' && progress.error && (
        <div className="banner error reel-export-error" role="alert">
          {problems.length > 0 ? (
            <>
              <strong>{t('export.notReady')}</strong>
              <ul>
                {problems.map((p) => (
                  <li key={`${p.position}:${p.code}`}>{p.message}</li>
                ))}
              </ul>
            </>
          ) : (
            <span>{t('export.failed', { message: errorText(progress.error) })}</span>
          )}
        </div>
      )}
      {progress?.phase === 'canceled' && <p role="status">{t('export.canceled')}</p>}
      {progress?.phase === 'done' && (
        <div className="reel-note" role="status">
          <span>{t('export.done', { path: progress.path ?? '' })}</span>
          {progress.itemId && openLink(progress.itemId, t('export.open'))}
          {progress.shotListCsv && <span className="muted">{t('export.shotLists', { json: progress.shotListJson ?? '', csv: progress.shotListCsv })}</span>}
        </div>
      )}
    </section>
  );
}
