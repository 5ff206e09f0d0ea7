import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { OPERATIONS } from '@shared/catalog';
import type { LibraryItemSummary } from '@shared/library';
import { useLocale } from '../../i18n';
import { formatDuration } from '@shared/format';
import { requestPoster } from './posters';
import { startItemDrag } from './drag';

const CARD_WIDTH = 200;
const ROW_HEIGHT = 210;
const GAP = 12;

interface Props {
  items: LibraryItemSummary[];
  selectedId: string | null;
  hasMore: boolean;
  nativeDrag: boolean;
  onSelect: (id: string) => void;
  onEndReached: () => void;
}

/** The items in rows of cards; only the rows in view (plus a few) are in the DOM. */
export function LibraryGrid({ items, selectedId, hasMore, nativeDrag, onSelect, onEndReached }: Props): React.JSX.Element {
  const { t } = useTranslation('library');
  const scroller = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(1000);

  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(([entry]) => {
      if (entry && entry.contentRect.width > 0) setWidth(entry.contentRect.width);
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const columns = Math.max(1, Math.floor((width + GAP) / (CARD_WIDTH + GAP)));
  const rows = Math.ceil(items.length / columns);
  // eslint-disable-next-line react-hooks/incompatible-library -- the grid re-renders on scroll by design; nothing here is memoized
  const virtualizer = useVirtualizer({
    count: rows,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT + GAP,
    overscan: 3,
  });
  const virtualRows = virtualizer.getVirtualItems();
  const lastRow = virtualRows.at(-1)?.index ?? 0;

  useEffect(() => {
    if (hasMore && lastRow >= rows - 2) onEndReached();
  }, [hasMore, lastRow, rows, onEndReached]);

  return (
    <div ref={scroller} className="library-grid" role="grid" aria-label={t('grid')} aria-rowcount={rows} tabIndex={-1}>
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {virtualRows.map((row) => (
          <div
            key={row.key}
            role="row"
            aria-rowindex={row.index + 1}
            className="library-row"
            style={{ transform: `translateY(${row.start}px)`, gridTemplateColumns: `repeat(${columns}, ${CARD_WIDTH}px)`, gap: GAP }}
          >
            {items.slice(row.index * columns, row.index * columns + columns).map((item) => (
              <Card key={item.id} item={item} selected={item.id === selectedId} nativeDrag={nativeDrag} onSelect={onSelect} />
            ))}
          </div>
        ))}
      </div>
    </div>
  );
}

function Card({ item, selected, nativeDrag, onSelect }: { item: LibraryItemSummary; selected: boolean; nativeDrag: boolean; onSelect: (id: string) => void }): React.JSX.Element {
  const { t } = useTranslation('library');
  const locale = useLocale();
  useEffect(() => requestPoster(item), [item]);
  const badges = [item.kind === 'video' ? t('kindVideo') : t('kindImage'), item.operation ? OPERATIONS[item.operation].shortTitle[locale] : t('imported')];
  return (
    <div role="gridcell" aria-selected={selected} className={`library-card${selected ? ' selected' : ''}${item.missing ? ' missing' : ''}`}>
      <button
        type="button"
        className="library-card-button"
        onClick={() => onSelect(item.id)}
        draggable={!item.missing}
        onDragStart={(event) => startItemDrag(event, item, nativeDrag)}
        aria-label={`${item.title}, ${badges.join(', ')}${item.favourite ? `, ${t('favourite')}` : ''}${item.missing ? `, ${t('missingBadge')}` : ''}`}
      >
        <span className="library-thumb">
          {item.posterUrl ? <img src={item.posterUrl} alt="" loading="lazy" draggable={false} /> : <span className="library-thumb-empty">{t('noPoster')}</span>}
          {item.durationMs !== null && <span className="library-duration">{formatDuration(item.durationMs)}</span>}
          {item.favourite && <span className="library-fav" aria-hidden="true">★</span>}
          {item.missing && <span className="library-missing-badge">{t('missingBadge')}</span>}
        </span>
        <span className="library-card-title">{item.title}</span>
        <span className="library-card-meta">{badges.join(' · ')}</span>
      </button>
    </div>
  );
}
