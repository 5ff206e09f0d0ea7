import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { LinkableItem } from '@shared/library';
import type { MediaKind } from '@shared/catalog';
import { getOperation } from '@shared/catalog';
import { useLocale } from '../../i18n';
import { call } from '../../lib/ipc';
import { useModal } from '../../lib/useModal';
import { useNow } from '../../lib/useNow';
import { jobTitle } from '../jobs/format';
import { useJobs } from '../jobs/store';
import type { Picked } from './model';

export interface Candidate extends Picked {
  title: string;
  expiresAt: number | null;
  posterUrl?: string | null | undefined;
}

/** How many candidates the picker lists; older links have usually expired anyway. */
const MAX_CANDIDATES = 50;

/** This session's results with a link the vendor will still serve for a while, newest first. */
function useSessionCandidates(kind: MediaKind): Candidate[] {
  const locale = useLocale();
  const ids = useJobs((s) => s.ids);
  const jobs = useJobs((s) => s.jobs);
  // A link that dies within the minute would fail the next job; leave it out.
  const soon = useNow(60_000) + 60_000;
  const found: Candidate[] = [];
  for (const id of ids) {
    const job = jobs.get(id);
    // A partly done job's saved results are as good as any; a lost one's link may be dead.
    if (job?.status !== 'succeeded' && job?.status !== 'partial') continue;
    for (const output of job.outputs) {
      const outputKind = output.kind ?? getOperation(job.operation).output;
      if (output.status !== 'succeeded' || outputKind !== kind || !output.url || (output.expiresAt !== null && output.expiresAt < soon)) continue;
      found.push({ url: output.url, title: jobTitle(job, locale), expiresAt: output.expiresAt });
    }
    if (found.length >= MAX_CANDIDATES) break;
  }
  return found;
}

/** Library items whose link still works; undefined while main is asked. A failure lists none. */
function useLibraryCandidates(kind: MediaKind): LinkableItem[] | undefined {
  const [items, setItems] = useState<{ kind: MediaKind; items: LinkableItem[] }>();
  useEffect(() => {
    let live = true;
    call('library.linkable', { kind, limit: MAX_CANDIDATES }).then(
      (found) => live && setItems({ kind, items: found }),
      () => live && setItems({ kind, items: [] }),
    );
    return () => {
      live = false;
    };
  }, [kind]);
  return items?.kind === kind ? items.items : undefined;
}

/**
 * Picks an earlier result's still-valid link for a URL source (Haiper takes public URLs only): the
 * library's items first, which carry lineage, then this session's results that never became items
 * (automatic download off).
 */
export function ResultPicker({ kind, onDone }: { kind: MediaKind; onDone: (picked: Picked | undefined) => void }): React.JSX.Element {
  const { t } = useTranslation('compose');
  const locale = useLocale();
  const session = useSessionCandidates(kind);
  const library = useLibraryCandidates(kind);
  const dialog = useModal();
  const listed = new Set(library?.map((item) => item.url));
  const candidates: Candidate[] = [
    ...(library ?? []).map((item) => ({ url: item.url, itemId: item.id, title: item.title, expiresAt: item.expiresAt, posterUrl: item.posterUrl })),
    ...session.filter((c) => !listed.has(c.url)),
  ].slice(0, MAX_CANDIDATES);
  return (
    <dialog ref={dialog} className="sheet picker" aria-labelledby="picker-title" aria-busy={library === undefined} onCancel={() => onDone(undefined)}>
      <h2 id="picker-title">{t('picker.title')}</h2>
      {library !== undefined && candidates.length === 0 ? (
        <p className="muted">{t('picker.empty')}</p>
      ) : (
        <ul className="picker-list">
          {candidates.map((c) => (
            <li key={c.url}>
              {c.posterUrl ? <img className="picker-poster" src={c.posterUrl} alt="" /> : <span className="picker-poster" aria-hidden="true" />}
              <span className="picker-title">{c.title}</span>
              {c.expiresAt !== null && <span className="muted">{t('picker.validUntil', { time: new Date(c.expiresAt).toLocaleTimeString(locale) })}</span>}
              <button type="button" onClick={() => onDone(c.itemId ? { url: c.url, itemId: c.itemId } : { url: c.url })} aria-label={`${t('picker.use')}: ${c.title}`}>
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
