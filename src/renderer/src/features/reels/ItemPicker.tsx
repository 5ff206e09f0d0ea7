import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDuration } from '@shared/format';
import type { LibraryItemSummary } from '@shared/library';
import { call } from '../../lib/ipc';
import { useModal } from '../../lib/useModal';

const LIMIT = 60;
const SEARCH_DELAY_MS = 200;

interface Props {
  title: string;
  /** Several items at once (adding shots), or one (swapping a shot's clip). */
  multiple?: boolean;
  /** The chosen item ids in the order they were picked; empty when the user cancels. */
  onDone: (itemIds: string[]) => void;
}

/** The library's videos, newest first, searchable: what a shot can play. */
export function ItemPicker({ title, multiple = false, onDone }: Props): React.JSX.Element {
  const { t } = useTranslation('reels');
  const dialog = useModal();
  const [text, setText] = useState('');
  const [items, setItems] = useState<LibraryItemSummary[]>();
  const [failed, setFailed] = useState<string>();
  const [picked, setPicked] = useState<string[]>([]);

  useEffect(() => {
    let live = true;
    const timer = setTimeout(() => {
      call('library.search', { kind: 'video', sort: 'newest', limit: LIMIT, ...(text.trim() ? { text: text.trim() } : {}) }).then(
        (page) => {
          if (!live) return;
          setItems(page.items);
          setFailed(undefined);
        },
        (error: unknown) => live && setFailed(error instanceof Error ? error.message : String(error)),
      );
    }, SEARCH_DELAY_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [text]);

  const toggle = (id: string): void => setPicked((p) => (p.includes(id) ? p.filter((x) => x !== id) : [...p, id]));

  return (
    <dialog ref={dialog} className="sheet picker reel-picker" aria-label={title} aria-busy={items === undefined} onCancel={() => onDone([])}>
      <h2>{title}</h2>
      <input type="search" value={text} onChange={(e) => setText(e.target.value)} aria-label={t('picker.search')} placeholder={t('picker.search')} maxLength={500} />
      {failed && (
        <p className="field-error" role="alert">
          {failed}
        </p>
      )}
      {items !== undefined && items.length === 0 ? (
        <p className="muted">{t('picker.empty')}</p>
      ) : (
        <ul className="picker-list">
          {(items ?? []).map((item) => (
            <li key={item.id}>
              {item.posterUrl ? <img className="picker-poster" src={item.posterUrl} alt="" /> : <span className="picker-poster" aria-hidden="true" />}
              {multiple ? (
                <label className="picker-title inline">
                  <input type="checkbox" checked={picked.includes(item.id)} onChange={() => toggle(item.id)} disabled={item.missing} />
                  {item.title}
                </label>
              ) : (
                <span className="picker-title">{item.title}</span>
              )}
              <span className="muted">{item.missing ? t('picker.missing') : item.durationMs !== null ? formatDuration(item.durationMs) : ''}</span>
              {!multiple && (
                <button type="button" disabled={item.missing} onClick={() => onDone([item.id])} aria-label={`${t('picker.use')}: ${item.title}`}>
                  {t('picker.use')}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      <div className="actions">
        {multiple && (
          <button type="button" disabled={picked.length === 0} onClick={() => onDone(picked)}>
            {t('picker.add', { count: picked.length })}
          </button>
        )}
        <button type="button" className="secondary" onClick={() => onDone([])}>
          {t('cancel')}
        </button>
      </div>
    </dialog>
  );
}
