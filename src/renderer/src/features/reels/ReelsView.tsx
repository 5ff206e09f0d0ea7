import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDuration } from '@shared/format';
import { ReelEditor, type ReelEditorProps } from './ReelEditor';
import { useReels } from './store';
import { useErrorText } from './words';
import './reels.css';

export type ReelsViewProps = Pick<ReelEditorProps, 'onOpenItem'>;

/** Every reel on the left, the one being edited on the right. */
export function ReelsView({ onOpenItem }: ReelsViewProps): React.JSX.Element {
  const { t } = useTranslation('reels');
  const errorText = useErrorText();
  const { summaries, listLoaded, selectedId, error } = useReels();
  const reel = useReels((s) => (s.selectedId ? s.reels.get(s.selectedId) : undefined));
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    void useReels.getState().loadList();
  }, []);
  // The first reel opens by itself, so the section never shows an empty editor beside a full list.
  useEffect(() => {
    const first = summaries[0];
    if (listLoaded && selectedId === null && first) void useReels.getState().open(first.id);
  }, [listLoaded, selectedId, summaries]);

  const createReel = async (): Promise<void> => {
    setBusy(true);
    try {
      await useReels.getState().create(t('list.newName', { n: summaries.length + 1 }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="reels-view" aria-labelledby="reels-title">
      <aside className="reels-list-pane">
        <header className="reels-list-head">
          <h1 id="reels-title">{t('title')}</h1>
          <button type="button" onClick={() => void createReel()} disabled={busy}>
            {t('list.new')}
          </button>
        </header>
        {listLoaded && summaries.length === 0 ? (
          <p className="placeholder">{t('list.empty')}</p>
        ) : (
          <ul className="reels-list" aria-label={t('list.label')}>
            {summaries.map((s) => (
              <li key={s.id}>
                <button
                  type="button"
                  className={s.id === selectedId ? 'reels-list-item active' : 'reels-list-item'}
                  aria-current={s.id === selectedId ? 'true' : undefined}
                  onClick={() => void useReels.getState().open(s.id)}
                >
                  {s.posterUrl ? <img className="reels-list-poster" src={s.posterUrl} alt="" /> : <span className="reels-list-poster" aria-hidden="true" />}
                  <span className="reels-list-text">
                    <span className="reels-list-name">{s.name}</span>
                    <span className="reels-list-meta">
                      {t('list.shots', { count: s.shotCount })}
                      {s.durationSeconds !== null && ` · ${formatDuration(s.durationSeconds * 1000)}`}
                      {` · ${s.aspectRatio}`}
                      {s.pendingCount > 0 && ` · ${t('list.pending', { count: s.pendingCount })}`}
                    </span>
                  </span>
                </button>
              </li>
            ))}
          </ul>
        )}
      </aside>
      <div className="reels-editor-pane">
        {error && !reel && (
          <div role="alert" className="banner error">
            {errorText(error)}
          </div>
        )}
        {reel ? <ReelEditor key={reel.id} reel={reel} onOpenItem={onOpenItem} /> : listLoaded && <p className="placeholder">{t('list.pick')}</p>}
      </div>
    </section>
  );
}
