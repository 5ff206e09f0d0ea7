import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { LibraryItemSummary } from '@shared/library';

interface Props {
  items: LibraryItemSummary[];
  id: string;
  hasMore: boolean;
  /** Another item of the results is shown. */
  onShow: (id: string) => void;
  /** Closed on this item; the view returns focus to its card. */
  onClose: (id: string) => void;
  onEndReached: () => void;
}

/**
 * One result at a time over the whole window: arrow keys step through the results in their order,
 * videos play with their controls, images fit the window and zoom to full size (click, +/−, Z).
 */
export function Lightbox({ items, id, hasMore, onShow, onClose, onEndReached }: Props): React.JSX.Element | null {
  const { t } = useTranslation('library');
  const dialog = useRef<HTMLDivElement>(null);
  /** Zoom belongs to one item; stepping to the next shows it fitted again. */
  const [zoomedId, setZoomedId] = useState<string | null>(null);
  const zoomed = zoomedId === id;
  const setZoomed = (value: boolean): void => setZoomedId(value ? id : null);
  const index = items.findIndex((item) => item.id === id);
  const item = items[index];

  useEffect(() => {
    dialog.current?.focus();
  }, []);
  useEffect(() => {
    if (hasMore && index >= items.length - 2) onEndReached();
  }, [index, items.length, hasMore, onEndReached]);

  if (!item) return null;
  const step = (by: number): void => {
    const next = items[index + by];
    if (next) onShow(next.id);
  };

  return (
    <div
      ref={dialog}
      className="library-lightbox"
      role="dialog"
      aria-modal="true"
      aria-label={`${t('lightbox')}: ${item.title}`}
      tabIndex={-1}
      onKeyDown={(event) => {
        const keys: Record<string, () => void> = {
          Escape: () => onClose(item.id),
          ArrowRight: () => step(1),
          ArrowDown: () => step(1),
          ArrowLeft: () => step(-1),
          ArrowUp: () => step(-1),
          '+': () => setZoomed(true),
          '=': () => setZoomed(true),
          '-': () => setZoomed(false),
          z: () => setZoomed(!zoomed),
          // Space closes, as it opened (Quick Look), unless a button or the video has focus.
          ' ': () => onClose(item.id),
        };
        const target = event.target as HTMLElement;
        if (event.key === ' ' && (target.tagName === 'VIDEO' || target.tagName === 'BUTTON')) return;
        const action = keys[event.key];
        if (action) {
          event.preventDefault();
          event.stopPropagation();
          action();
        } else if (event.key === 'Tab') {
          // Focus stays in the dialog: it covers everything else.
          const focusable = [...(dialog.current?.querySelectorAll<HTMLElement>('button, video') ?? [])];
          const first = focusable[0];
          const last = focusable.at(-1);
          if (!first || !last) return;
          if (event.shiftKey && (document.activeElement === first || document.activeElement === dialog.current)) {
            event.preventDefault();
            last.focus();
          } else if (!event.shiftKey && document.activeElement === last) {
            event.preventDefault();
            first.focus();
          }
        }
      }}
    >
      <div className="library-lightbox-bar">
        <span className="library-lightbox-title" title={item.title}>
          {item.title}
        </span>
        <span className="library-hint">{t('lightboxPosition', { position: index + 1, count: items.length })}</span>
        <button type="button" className="secondary" onClick={() => step(-1)} disabled={index === 0}>
          ‹ {t('lightboxPrevious')}
        </button>
        <button type="button" className="secondary" onClick={() => step(1)} disabled={index === items.length - 1}>
          {t('lightboxNext')} ›
        </button>
        {item.kind === 'image' && (
          <button type="button" className="secondary" aria-pressed={zoomed} onClick={() => setZoomed(!zoomed)}>
            {zoomed ? t('zoomOut') : t('zoomIn')}
          </button>
        )}
        <button type="button" className="secondary" onClick={() => onClose(item.id)} aria-label={t('lightboxClose')}>
          ✕
        </button>
      </div>
      <div className={`library-lightbox-stage${zoomed ? ' zoomed' : ''}`}>
        {item.kind === 'video' ? (
          <video key={item.id} src={item.mediaUrl} controls autoPlay loop playsInline />
        ) : (
          <img key={item.id} src={item.mediaUrl} alt={item.title} onClick={() => setZoomed(!zoomed)} />
        )}
      </div>
    </div>
  );
}
