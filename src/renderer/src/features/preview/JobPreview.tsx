import { useTranslation } from 'react-i18next';
import { getOperation, getParam } from '@shared/catalog';
import type { Job, JobOutput } from '@shared/jobs';
import { useAppInfo } from '../../lib/appInfo';
import { useNow } from '../../lib/useNow';
import { useDownloadsStore } from '../downloads/store';
import { localInputUrl, outputMedia } from './media';
import { MediaPreview } from './MediaPreview';

function OutputView({ job, output, n, now }: { job: Job; output: JobOutput; n: number; now: number }): React.JSX.Element {
  const { t } = useTranslation('preview');
  const prefix = useAppInfo((s) => s.info?.mediaUrlPrefix);
  const downloaded = useDownloadsStore((s) => (output.downloadId ? s.byId[output.downloadId]?.status === 'completed' : false));
  // Once the file is on disk the preview plays it from there: no vendor link, no expiry.
  const localUrl = (o: JobOutput): string | undefined => (downloaded && prefix && o.downloadId ? `${prefix}download/${o.downloadId}` : undefined);
  const kind = output.kind ?? getOperation(job.operation).output;
  const label = t('result', { n });
  if (output.status === 'failed') return <p className="media-note">{t('failed')}</p>;
  const media = outputMedia(output, now, localUrl);
  if (!media) return <p className="media-note">{output.url ? t('expired') : t('pending')}</p>;
  return (
    <figure className="media-figure">
      <MediaPreview kind={kind} url={media.url} label={label} />
      <figcaption className="muted">{media.local ? t('local') : t('remote')}</figcaption>
    </figure>
  );
}

function StylizeInput({ job }: { job: Job }): React.JSX.Element {
  const { t } = useTranslation('preview');
  const field = getOperation(job.operation).inputField;
  const remote = field ? getParam(job.params, field) : undefined;
  const url = typeof remote === 'string' && remote !== '' ? remote : localInputUrl(job.id);
  if (url) return <MediaPreview kind="video" url={url} label={t('input')} />;
  const name = job.inputFile?.split(/[\\/]/).at(-1) ?? '';
  return (
    <p className="media-note">
      {t('localInput', { name })}
      <br />
      <span className="muted">{t('localInputHint')}</span>
    </p>
  );
}

/**
 * A job's results: each output as a player or an image; a stylize job shows its input and its output
 * side by side.
 */
export function JobPreview({ job }: { job: Job }): React.JSX.Element | null {
  const { t } = useTranslation('preview');
  // Links expire; a minute's resolution is plenty to stop offering a dead one.
  const now = useNow(60_000);
  const outputs = job.outputs.map((output, i) => <OutputView key={output.id} job={job} output={output} n={i + 1} now={now} />);
  if (getOperation(job.operation).fileField) {
    return (
      <div className="side-by-side">
        <section aria-label={t('input')}>
          <h3>{t('input')}</h3>
          <StylizeInput job={job} />
        </section>
        <section aria-label={t('output')}>
          <h3>{t('output')}</h3>
          {outputs.length > 0 ? outputs : <p className="media-note">{t('pending')}</p>}
        </section>
      </div>
    );
  }
  if (outputs.length === 0) return null;
  return <div className="outputs">{outputs}</div>;
}
