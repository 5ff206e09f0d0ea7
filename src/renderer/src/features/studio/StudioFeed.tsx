import './studio.css';
import { Fragment, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { LibraryItemSummary } from '@shared/library';
import { useLocale } from '../../i18n';
import { useAppInfo } from '../../lib/appInfo';
import { useNow } from '../../lib/useNow';
import { useDownloadsStore } from '../downloads/store';
import { useJobs } from '../jobs/store';
import { Lightbox } from '../library/Lightbox';
import { inputName } from '../preview/media';
import { doneOutputs, resultTitle } from './feed';
import { followResultItems, useResultItems } from './items';
import { usePicks } from './picks';
import { downloadUrl, outputUrl, ResultCard, type ResultActions } from './ResultCard';

/** Jobs made before this window opened are "earlier"; the rest are this session's. */
const SESSION_START = Date.now();
const PAGE = 24;

export interface StudioFeedProps {
  actions: Omit<ResultActions, 'onEnlarge'>;
  /** Makes a reel of these library clips, in this order (the clips picked in the feed). */
  onNewReel?: (itemIds: string[]) => void;
  /** Shown above the results (the first-run panel). */
  intro?: ReactNode;
}

/** Every done result in the feed's order, as the lightbox steps through them. */
function useLightboxItems(ids: readonly string[], open: boolean): LibraryItemSummary[] {
  const locale = useLocale();
  const { t } = useTranslation('studio');
  const jobs = useJobs((s) => s.jobs);
  const items = useResultItems((s) => s.byOutput);
  const downloads = useDownloadsStore((s) => s.byId);
  const prefix = useAppInfo((s) => s.info?.mediaUrlPrefix);
  const now = useNow(60_000, open);
  return useMemo(() => {
    if (!open) return [];
    return ids.flatMap((id) => {
      const job = jobs.get(id);
      if (!job) return [];
      const title = resultTitle(job, locale, inputName(job.id, job.inputFile), (name, style) => t('stylizeTitle', { name, style }));
      return doneOutputs(job).flatMap((output) => {
        const item = items[output.id];
        const url = outputUrl(output, item, downloadUrl(output, prefix, output.downloadId ? downloads[output.downloadId]?.status === 'completed' : false), now);
        if (!url) return [];
        const summary: LibraryItemSummary = item ?? {
          id: output.id,
          title,
          kind: output.kind,
          sizeBytes: 0,
          width: null,
          height: null,
          durationMs: null,
          createdAt: job.createdAt,
          vendor: job.vendor,
          operation: job.operation,
          favourite: false,
          missing: false,
          mediaUrl: url,
          posterUrl: null,
        };
        // The lightbox knows results by the output's id, whether or not the library has them yet.
        return [{ ...summary, id: output.id, title, mediaUrl: url }];
      });
    });
  }, [open, ids, jobs, items, downloads, prefix, locale, t, now]);
}

/**
 * The studio's live feed: this session's jobs and the recent ones before them, newest first, each with
 * its results large and its next steps. A new job appears at the top the moment it is submitted.
 */
/** The clips picked for a reel, and the action that makes it. */
function PickedBar({ onNewReel }: { onNewReel: (itemIds: string[]) => void }): React.JSX.Element | null {
  const { t } = useTranslation('studio');
  const picked = usePicks((s) => s.itemIds);
  if (!picked.length) return null;
  return (
    <div className="feed-picked" role="group" aria-label={t('picked', { count: picked.length })}>
      <span>{t('picked', { count: picked.length })}</span>
      <button
        type="button"
        onClick={() => {
          onNewReel(picked);
          usePicks.getState().clear();
        }}
      >
        {t('newReel')}
      </button>
      <button type="button" className="secondary" onClick={() => usePicks.getState().clear()}>
        {t('clearPicks')}
      </button>
    </div>
  );
}

export function StudioFeed({ actions, intro, onNewReel }: StudioFeedProps): React.JSX.Element {
  const { t } = useTranslation('studio');
  const allIds = useJobs((s) => s.ids);
  const [limit, setLimit] = useState(PAGE);
  const [enlarged, setEnlarged] = useState<string | null>(null);
  const ids = useMemo(() => allIds.slice(0, limit), [allIds, limit]);
  const outputKey = useJobs((s) =>
    ids
      .flatMap((id) => {
        const job = s.jobs.get(id);
        return job ? doneOutputs(job).map((o) => o.id) : [];
      })
      .join(' '),
  );
  const firstEarlier = useJobs((s) => ids.findIndex((id) => (s.jobs.get(id)?.createdAt ?? 0) < SESSION_START));
  const lightboxItems = useLightboxItems(ids, enlarged !== null);

  useEffect(() => followResultItems(), []);
  useEffect(() => {
    if (outputKey) void useResultItems.getState().load(outputKey.split(' '));
  }, [outputKey]);

  /** Focus goes back to where the lightbox was opened from, whichever result it was closed on. */
  const opener = useRef<HTMLElement | null>(null);
  const cardActions = useMemo<ResultActions>(
    () => ({
      ...actions,
      onEnlarge: (outputId) => {
        opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
        setEnlarged(outputId);
      },
    }),
    [actions],
  );
  const close = (): void => {
    setEnlarged(null);
    requestAnimationFrame(() => opener.current?.focus());
  };

  return (
    <section className="studio-feed" aria-labelledby="studio-feed-title">
      <header className="studio-feed-head">
        <h2 id="studio-feed-title">{t('feed')}</h2>
        {allIds.length > 0 && <span className="muted small">{t('count', { count: allIds.length })}</span>}
      </header>
      {intro}
      {onNewReel && <PickedBar onNewReel={onNewReel} />}
      {allIds.length === 0 && <p className="muted feed-empty">{t('feedEmpty')}</p>}
      <div className="feed-grid">
        {ids.map((id, index) => (
          <Fragment key={id}>
            {index === firstEarlier && index > 0 && <h3 className="feed-divider">{t('earlier')}</h3>}
            <ResultCard id={id} actions={cardActions} />
          </Fragment>
        ))}
      </div>
      {allIds.length > limit && (
        <button type="button" className="secondary feed-more" onClick={() => setLimit((n) => n + PAGE)}>
          {t('showMore')}
        </button>
      )}
      {enlarged !== null && lightboxItems.some((item) => item.id === enlarged) && (
        <Lightbox items={lightboxItems} id={enlarged} hasMore={false} onShow={setEnlarged} onClose={close} onEndReached={() => undefined} />
      )}
    </section>
  );
}
