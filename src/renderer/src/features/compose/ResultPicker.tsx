import { useTranslation } from 'react-i18next';
import type { MediaKind } from '@shared/operations';
import { getOperation } from '@shared/operations';
import { useLocale } from '../../i18n';
import { useModal } from '../../lib/useModal';
import { useNow } from '../../lib/useNow';
import { jobTitle } from '../jobs/format';
import { useJobs } from '../jobs/store';

export interface Candidate {
  url: string;
  title: string;
  expiresAt: number | null;
}

/** Results with a link the vendor will still serve for a while, newest first. */
function useCandidates(kind: MediaKind): Candidate[] {
  const locale = useLocale();
  const ids = useJobs((s) => s.ids);
  const jobs = useJobs((s) => s.jobs);
  // A link that dies within the minute would fail the next job; leave it out.
  const soon = useNow(60_000) + 60_000;
  const found: Candidate[] = [];
  for (const id of ids) {
    const job = jobs.get(id);
    if (job?.status !== 'succeeded') continue;
    for (const output of job.outputs) {
      const outputKind = output.kind ?? getOperation(job.operation).output;
      if (outputKind !== kind || !output.url || (output.expiresAt !== null && output.expiresAt < soon)) continue;
      found.push({ url: output.url, title: jobTitle(job, locale), expiresAt: output.expiresAt });
    }
    if (found.length >= 50) break;
  }
  return found;
}

/**
 * Picks an earlier result's still-valid link for a URL source (Haiper takes public URLs only).
 * UNCERTAIN until the library lands: it lists this session's finished jobs; the library feature can
 * supply its items instead through the same `pickFromLibrary(kind)` slot.
 */
export function ResultPicker({ kind, onDone }: { kind: MediaKind; onDone: (url: string | undefined) => void }): React.JSX.Element {
  const { t } = useTranslation('compose');
  const locale = useLocale();
  const candidates = useCandidates(kind);
  const dialog = useModal();
  return (
    <dialog ref={dialog} className="sheet picker" aria-labelledby="picker-title" onCancel={() => onDone(undefined)}>
      <h2 id="picker-title">{t('picker.title')}</h2>
      {candidates.length === 0 ? (
        <p className="muted">{t('picker.empty')}</p>
      ) : (
        <ul className="picker-list">
          {candidates.map((c) => (
            <li key={c.url}>
              <span className="picker-title">{c.title}</span>
              {c.expiresAt !== null && <span className="muted">{t('picker.validUntil', { time: new Date(c.expiresAt).toLocaleTimeString(locale) })}</span>}
              <button type="button" onClick={() => onDone(c.url)} aria-label={`${t('picker.use')}: ${c.title}`}>
                {t('picker.use')}
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="actions">
        <button type="button" className="secondary" onClick={() => onDone(undefined)}>
          {t('picker.cancel')}
        </button>
      </div>
    </dialog>
  );
}
