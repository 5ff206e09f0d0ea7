import { memo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { usePicks } from './picks';
import i18next from 'i18next';
import { chainTitle, getOperation, getParam, type MediaKind, type OperationId } from '@shared/catalog';
import type { Locale } from '@shared/i18n-text';
import { isFinalStatus, type Job, type JobOutput } from '@shared/jobs';
import type { LibraryItemSummary } from '@shared/library';
import { useLocale } from '../../i18n';
import { useAppInfo } from '../../lib/appInfo';
import { useNow } from '../../lib/useNow';
import { describeError } from '../../lib/errors';
import { call, IpcError } from '../../lib/ipc';
import { toast } from '../../lib/toasts';
import { useDownloadsStore } from '../downloads/store';
import { JobProgress, StatusBadge } from '../jobs/JobList';
import { partialText, waitingText } from '../jobs/outcome';
import { useJobs } from '../jobs/store';
import { startItemDrag } from '../library/drag';
import { MediaPreview } from '../preview/MediaPreview';
import { inputName, localInputUrl } from '../preview/media';
import { chainTargets, doneOutputs, resultTitle, variationParams } from './feed';
import { useResultItems } from './items';

/** What a card hands back to the studio: the steps that open another view or the form. */
export interface ResultActions {
  /** The form filled from the job's parameters. */
  onRemix: (job: Job) => void;
  /** The form of `operation` with this item as its input, as the library's chain policy fills it. */
  onChain: (operation: OperationId, params: Record<string, unknown>, parentItemId: string, file?: string) => void;
  onOpenInLibrary: (itemId: string) => void;
  onEnlarge: (outputId: string) => void;
  /** The host can show a file in its folder and start a native drag (the desktop app). */
  canReveal: boolean;
  nativeDrag: boolean;
}

function errorText(error: unknown, job: Job, locale: Locale): string {
  const info = error instanceof IpcError ? error.info : { kind: 'internal' as const, message: String(error) };
  return describeError(info, i18next.getFixedT(null, 'jobs'), { spec: getOperation(job.operation), locale }).text;
}

/** Where an output is seen: its library file, else its downloaded file, else the vendor's link while it works. */
export function outputUrl(output: JobOutput, item: LibraryItemSummary | undefined, local: string | undefined, now: number): string | undefined {
  if (item) return item.mediaUrl;
  if (local) return local;
  return output.url && (output.expiresAt === null || output.expiresAt > now) ? output.url : undefined;
}

/** The downloaded file's media URL, once its download is complete. */
export function downloadUrl(output: JobOutput, prefix: string | undefined, completed: boolean): string | undefined {
  return completed && prefix && output.downloadId ? `${prefix}download/${output.downloadId}` : undefined;
}

function useOutputUrl(output: JobOutput, item: LibraryItemSummary | undefined): string | undefined {
  const prefix = useAppInfo((s) => s.info?.mediaUrlPrefix);
  const completed = useDownloadsStore((s) => (output.downloadId ? s.byId[output.downloadId]?.status === 'completed' : false));
  // Links expire; a minute's resolution is plenty to stop offering a dead one.
  const now = useNow(60_000);
  return outputUrl(output, item, downloadUrl(output, prefix, completed), now);
}

interface OutputProps {
  job: Job;
  output: JobOutput & { kind: MediaKind };
  n: number;
  title: string;
  actions: ResultActions;
}

/** One result, large, with what can be done with it next. */
function ResultOutput({ job, output, n, title, actions }: OutputProps): React.JSX.Element {
  const { t } = useTranslation('studio');
  const locale = useLocale();
  const item = useResultItems((s) => s.byOutput[output.id]);
  const url = useOutputUrl(output, item);
  const video = useRef<HTMLVideoElement>(null);
  const [playing, setPlaying] = useState(false);
  const label = `${title} · ${String(n)}`;

  const chain = async (operation: OperationId): Promise<void> => {
    if (!item) return;
    try {
      const option = (await call('library.chainOptions', { id: item.id })).find((o) => o.operation === operation);
      if (!option) return;
      if (!option.possible) {
        toast('error', t(`chainBlocked.${option.blocked?.code ?? 'no_remote_url'}`, { operation: chainTitle(operation, locale) }));
        return;
      }
      actions.onChain(operation, option.params, option.parentItemId, option.file);
    } catch (error) {
      toast('error', t('chainFailed', { message: errorText(error, job, locale) }));
    }
  };
  const reveal = async (): Promise<void> => {
    if (!item) return;
    try {
      await call('library.reveal', { id: item.id });
    } catch (error) {
      toast('error', errorText(error, job, locale));
    }
  };

  return (
    <figure className="result-output" data-output={output.id}>
      <div
        className="result-media"
        draggable={Boolean(item)}
        title={item ? t('drag') : undefined}
        onDragStart={(e) => {
          if (item) startItemDrag(e, item, actions.nativeDrag);
        }}
      >
        {!url ? (
          <p className="media-note">{i18next.t('pending', { ns: 'preview' })}</p>
        ) : output.kind === 'video' ? (
          <video ref={video} className="media" src={url} controls loop playsInline preload="metadata" aria-label={label} onPlay={() => setPlaying(true)} onPause={() => setPlaying(false)} />
        ) : (
          <img className="media" src={url} alt={label} loading="lazy" />
        )}
      </div>
      <div className="result-actions" role="group" aria-label={t('actions', { title: label })}>
        <button type="button" className="secondary" disabled={!url} onClick={() => actions.onEnlarge(output.id)}>
          {t('enlarge')}
        </button>
        {output.kind === 'video' && (
          <button type="button" className="secondary" disabled={!url} onClick={() => void (playing ? video.current?.pause() : video.current?.play())}>
            {playing ? t('pause') : t('play')}
          </button>
        )}
        {chainTargets(output.kind).map((spec) => (
          <button key={spec.id} type="button" className="secondary" disabled={!item} title={item ? spec.title[locale] : t('saving')} onClick={() => void chain(spec.id)}>
            {chainTitle(spec.id, locale)}
          </button>
        ))}
        {item ? (
          <>
            <button type="button" className="secondary" onClick={() => actions.onOpenInLibrary(item.id)}>
              {t('openInLibrary')}
            </button>
            {output.kind === 'video' && <PickForReel itemId={item.id} />}
            {actions.canReveal && (
              <button type="button" className="secondary" onClick={() => void reveal()}>
                {t('reveal')}
              </button>
            )}
          </>
        ) : (
          <span className="muted small">{t('saving')}</span>
        )}
      </div>
    </figure>
  );
}

/** Picks a saved clip for a new reel; the number says where it goes in the reel. */
function PickForReel({ itemId }: { itemId: string }): React.JSX.Element {
  const { t } = useTranslation('studio');
  const place = usePicks((s) => s.itemIds.indexOf(itemId));
  return (
    <button type="button" className="secondary" aria-pressed={place >= 0} onClick={() => usePicks.getState().toggle(itemId)}>
      {place >= 0 ? t('pickedForReel', { place: place + 1 }) : t('pickForReel')}
    </button>
  );
}

/** A stylize job's input, beside its result. */
function StylizeInput({ job, name }: { job: Job; name: string | undefined }): React.JSX.Element {
  const { t } = useTranslation('studio');
  const field = getOperation(job.operation).inputField;
  const remote = field ? getParam(job.params, field) : undefined;
  const prefix = useAppInfo((s) => s.info?.mediaUrlPrefix);
  // A library item used as input plays from the library (the same media URL its card there uses).
  const fromLibrary = job.parentItemId && prefix ? `${prefix}${job.parentItemId}` : undefined;
  const url = typeof remote === 'string' && remote !== '' ? remote : (localInputUrl(job.id) ?? fromLibrary);
  return (
    <figure className="result-output result-input" aria-label={t('input')}>
      <figcaption className="muted small">
        {t('input')}
        {name ? ` · ${name}` : ''}
      </figcaption>
      {url ? <MediaPreview kind="video" url={url} label={`${t('input')}: ${name ?? ''}`} /> : <p className="media-note">{name}</p>}
    </figure>
  );
}

export interface ResultCardProps {
  id: string;
  actions: ResultActions;
}

/** One job in the studio's feed: its state while it runs, then its results, large, each with its next steps. */
export const ResultCard = memo(function ResultCard({ id, actions }: ResultCardProps): React.JSX.Element | null {
  const { t } = useTranslation('studio');
  const { t: tJobs } = useTranslation('jobs');
  const locale = useLocale();
  const job = useJobs((s) => s.jobs.get(id));
  const running = job ? !isFinalStatus(job.status) && job.status !== 'needs_attention' : false;
  const now = useNow(1000, running);
  if (!job) return null;
  const spec = getOperation(job.operation);
  const name = spec.fileField ? inputName(job.id, job.inputFile) : undefined;
  const title = resultTitle(job, locale, name, (n, style) => t('stylizeTitle', { name: n, style }));
  const active = running;
  const waiting = waitingText(job, tJobs, now, locale);
  const problem = partialText(job, tJobs) ?? (job.error && job.status !== 'succeeded' ? describeError(job.error, tJobs, { spec, locale }).text : undefined);
  const outputs = doneOutputs(job);
  const prompt = typeof job.params['prompt'] === 'string' ? job.params['prompt'].trim() : '';

  const copyPrompt = async (): Promise<void> => {
    try {
      await navigator.clipboard.writeText(prompt);
      toast('success', t('copied'));
    } catch (error) {
      toast('error', t('copyFailed', { message: error instanceof Error ? error.message : String(error) }));
    }
  };
  const variation = async (): Promise<void> => {
    try {
      const next = await call('jobs.submit', {
        operation: job.operation,
        params: variationParams(job),
        ...(job.inputFile ? { file: job.inputFile } : {}),
        ...(job.parentItemId ? { parentItemId: job.parentItemId } : {}),
      });
      useJobs.getState().upsert(next);
      toast('success', t('variationQueued', { title }));
    } catch (error) {
      toast('error', t('variationFailed', { message: errorText(error, job, locale) }));
    }
  };
  const retry = async (): Promise<void> => {
    try {
      useJobs.getState().upsert(await call('jobs.retry', { id: job.id }));
    } catch (error) {
      toast('error', errorText(error, job, locale));
    }
  };

  const media = outputs.map((output, i) => <ResultOutput key={output.id} job={job} output={output} n={i + 1} title={title} actions={actions} />);
  return (
    <article className={`result-card result-${job.status}`} aria-label={title}>
      <header className="result-head">
        <h3 title={title}>{title}</h3>
        <StatusBadge status={job.status} />
      </header>
      <p className="muted small result-op">{spec.title[locale]}</p>
      {active && <JobProgress job={job} now={now} />}
      {waiting && <p className="muted small">{waiting}</p>}
      {problem && (
        <p className="row-error" role="note">
          {problem}
        </p>
      )}
      {spec.fileField ? (
        <div className="result-pair">
          <StylizeInput job={job} name={name} />
          {media.length > 0 ? media : <p className="media-note">{active ? i18next.t('pending', { ns: 'preview' }) : '—'}</p>}
        </div>
      ) : (
        media.length > 0 && <div className="result-outputs">{media}</div>
      )}
      <div className="result-actions job-actions" role="group" aria-label={t('actions', { title })}>
        {prompt && (
          <button type="button" className="secondary" onClick={() => void copyPrompt()}>
            {t('copyPrompt')}
          </button>
        )}
        <button type="button" className="secondary" onClick={() => actions.onRemix(job)}>
          {t('remix')}
        </button>
        {(job.status === 'succeeded' || job.status === 'partial') && (
          <button type="button" className="secondary" onClick={() => void variation()}>
            {t('variation')}
          </button>
        )}
        {(job.status === 'failed' || job.status === 'partial' || job.status === 'canceled') && (
          <button type="button" className="secondary" onClick={() => void retry()}>
            {t('retry')}
          </button>
        )}
      </div>
    </article>
  );
});
