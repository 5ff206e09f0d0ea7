import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useImperativeHandle, useLayoutEffect, useRef, useState, type KeyboardEvent, type MouseEvent, type PointerEvent, type Ref } from 'react';
import { useTranslation } from 'react-i18next';
import type { LibraryItemSummary } from '@shared/library';
import { formatDuration } from '@shared/format';
import { formatCardDay, formatDay } from './dates';
import { operationLabel } from './labels';
import { useLocale } from '../../i18n';
import { requestPoster } from './posters';
import { startItemDrag } from './drag';

/**
 * Every card has the same box: a frame of a fixed aspect (the media letterboxed inside it) above a text
 * block of fixed line heights. The sizes are computed here, in whole pixels, and given to the cards as
 * explicit heights, so a row is exactly as tall as the virtualizer is told at every width and no card
 * can push into the next row, whatever the media's shape or the language's font.
 */
export const GAP = 12;
const MIN_CARD_WIDTH = 176;
/** Width : height of the media frame; wide and tall media both keep most of it. */
const FRAME_ASPECT = 4 / 3;
/** Padding above the title, two title lines, the gap, the meta line, padding below (library.css). */
const TEXT_BLOCK = 6 + 2 * 18 + 2 + 16 + 8;

export interface GridLayout {
  columns: number;
  cardWidth: number;
  frameHeight: number;
  cardHeight: number;
}

export function gridLayout(width: number): GridLayout {
  const columns = Math.max(1, Math.floor((width + GAP) / (MIN_CARD_WIDTH + GAP)));
  const cardWidth = Math.max(1, Math.floor((width - GAP * (columns - 1)) / columns));
  const frameHeight = Math.round(cardWidth / FRAME_ASPECT);
  return { columns, cardWidth, frameHeight, cardHeight: frameHeight + TEXT_BLOCK };
}

/** What a click or key did to the selection. */
export interface SelectIntent {
  /** Ctrl/Cmd: add or remove one item. */
  toggle?: boolean;
  /** Shift: everything between the anchor and this item. */
  range?: boolean;
}

export interface LibraryGridHandle {
  /** Moves keyboard focus to an item's card (scrolling it into view), e.g. when a panel closes. */
  focusItem: (id: string) => void;
}

interface Props {
  items: LibraryItemSummary[];
  /** The item shown in the detail panel. */
  selectedId: string | null;
  /** The items picked for bulk actions (the detail item among them when it is open). */
  selection: ReadonlySet<string>;
  hasMore: boolean;
  nativeDrag: boolean;
  /** A new page for the current search is on its way; the old results stay until it arrives. */
  busy?: boolean;
  /** A plain click: select only this item and show its details. */
  onSelect: (id: string) => void;
  onSelectionChange: (ids: string[]) => void;
  /** Enter: show the details and move focus there. */
  onOpen: (id: string) => void;
  /** Space or double-click: the lightbox. */
  onPreview: (id: string) => void;
  onEscape: () => void;
  onEndReached: () => void;
  ref?: Ref<LibraryGridHandle>;
}

/** The items in rows of cards; only the rows in view (plus a few) are in the DOM. */
export function LibraryGrid({ items, selectedId, selection, hasMore, nativeDrag, busy = false, onSelect, onSelectionChange, onOpen, onPreview, onEscape, onEndReached, ref }: Props): React.JSX.Element {
  const { t, i18n } = useTranslation('library');
  const scroller = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(1000);
  /** The card that holds the grid's one Tab stop (roving tabindex). */
  const [activeId, setActiveId] = useState<string | null>(null);
  const anchor = useRef<string | null>(null);
  /** Focus the active card once its row is rendered (after a jump or a scroll into view). */
  const pendingFocus = useRef(false);

  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    if (element.clientWidth > 0) setWidth(element.clientWidth);
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(([entry]) => {
      if (entry && entry.contentRect.width > 0) setWidth(Math.floor(entry.contentRect.width));
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const layout = gridLayout(width);
  const { columns, cardWidth, frameHeight, cardHeight } = layout;
  const rows = Math.ceil(items.length / columns);
  // eslint-disable-next-line react-hooks/incompatible-library -- the grid re-renders on scroll by design; nothing here is memoized
  const virtualizer = useVirtualizer({
    count: rows,
    getScrollElement: () => scroller.current,
    estimateSize: () => cardHeight + GAP,
    overscan: 3,
  });
  // Rows are never measured from the DOM: when the width changes their height does, so drop the
  // cached sizes and lay out again from the new estimate.
  useLayoutEffect(() => virtualizer.measure(), [virtualizer, cardHeight]);
  const virtualRows = virtualizer.getVirtualItems();
  const lastRow = virtualRows.at(-1)?.index ?? 0;

  useEffect(() => {
    if (hasMore && lastRow >= rows - 2) onEndReached();
  }, [hasMore, lastRow, rows, onEndReached]);

  const indexOf = (id: string | null): number => (id === null ? -1 : items.findIndex((item) => item.id === id));
  const activeIndex = Math.max(0, indexOf(activeId));
  const active = items[activeIndex];
  const activeRow = Math.floor(activeIndex / columns);
  const activeRendered = virtualRows.some((row) => row.index === activeRow);

  const cardOf = (id: string): HTMLElement | undefined =>
    [...(scroller.current?.querySelectorAll<HTMLElement>('[data-item-id]') ?? [])].find((card) => card.dataset['itemId'] === id);

  const focusIndex = (index: number): void => {
    const item = items[index];
    if (!item) return;
    setActiveId(item.id);
    virtualizer.scrollToIndex(Math.floor(index / columns), { align: 'auto' });
    const card = cardOf(item.id);
    if (card) card.focus({ preventScroll: true });
    // Not rendered yet (a jump far away): focus it once its row is in the DOM.
    else pendingFocus.current = true;
  };

  useImperativeHandle(ref, () => ({ focusItem: (id) => focusIndex(Math.max(0, indexOf(id))) }));

  useEffect(() => {
    if (!pendingFocus.current || !active) return;
    const card = cardOf(active.id);
    if (card) {
      pendingFocus.current = false;
      card.focus({ preventScroll: true });
    }
  });

  const rangeIds = (from: string | null, to: number): string[] => {
    const start = from === null ? to : Math.max(0, indexOf(from));
    const [low, high] = start <= to ? [start, to] : [to, start];
    return items.slice(low, high + 1).map((item) => item.id);
  };

  const choose = (index: number, intent: SelectIntent): void => {
    const item = items[index];
    if (!item) return;
    setActiveId(item.id);
    if (intent.range) {
      onSelectionChange(rangeIds(anchor.current, index));
      return;
    }
    anchor.current = item.id;
    if (intent.toggle) {
      onSelectionChange(selection.has(item.id) ? [...selection].filter((id) => id !== item.id) : [...selection, item.id]);
      return;
    }
    onSelect(item.id);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    if (!active) return;
    const page = Math.max(1, Math.floor((scroller.current?.clientHeight ?? cardHeight) / (cardHeight + GAP))) * columns;
    const moves: Record<string, number> = {
      ArrowRight: activeIndex + 1,
      ArrowLeft: activeIndex - 1,
      ArrowDown: activeIndex + columns,
      ArrowUp: activeIndex - columns,
      PageDown: activeIndex + page,
      PageUp: activeIndex - page,
      Home: 0,
      End: items.length - 1,
    };
    const target = moves[event.key];
    if (target !== undefined) {
      event.preventDefault();
      // Down from the last full row lands on the last item rather than nowhere.
      const index = Math.min(items.length - 1, Math.max(0, event.key === 'ArrowDown' && target >= items.length && activeRow < rows - 1 ? items.length - 1 : target));
      if (index === activeIndex && !event.shiftKey) return;
      focusIndex(index);
      const item = items[index];
      if (!item) return;
      if (event.shiftKey) {
        if (anchor.current === null) anchor.current = active.id;
        onSelectionChange(rangeIds(anchor.current, index));
      } else {
        anchor.current = item.id;
        // The details follow the keyboard while they are open; otherwise the item is only picked.
        if (selectedId !== null) onSelect(item.id);
        else onSelectionChange([item.id]);
      }
      return;
    }
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'a') {
      event.preventDefault();
      onSelectionChange(items.map((item) => item.id));
    } else if (event.key === 'Enter') {
      event.preventDefault();
      anchor.current = active.id;
      onOpen(active.id);
    } else if (event.key === ' ') {
      event.preventDefault();
      onPreview(active.id);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      onEscape();
    }
  };

  return (
    <div
      ref={scroller}
      className={`library-grid${busy ? ' busy' : ''}`}
      role="grid"
      aria-label={t('grid')}
      aria-rowcount={rows}
      aria-colcount={columns}
      aria-multiselectable="true"
      aria-busy={busy}
      // The grid itself takes the Tab stop only while the active card is scrolled out of the DOM.
      tabIndex={activeRendered ? -1 : 0}
      onFocus={(event) => {
        if (event.target !== event.currentTarget || !active) return;
        focusIndex(activeIndex);
      }}
      onKeyDown={onKeyDown}
      style={{ '--card-width': `${cardWidth}px`, '--frame-height': `${frameHeight}px`, '--card-height': `${cardHeight}px` } as React.CSSProperties}
    >
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {virtualRows.map((row) => (
          <div
            key={row.key}
            role="row"
            aria-rowindex={row.index + 1}
            className="library-row"
            style={{ transform: `translateY(${row.start}px)`, height: cardHeight, gridTemplateColumns: `repeat(${columns}, ${cardWidth}px)`, gap: GAP }}
          >
            {items.slice(row.index * columns, row.index * columns + columns).map((item, column) => {
              const index = row.index * columns + column;
              return (
                <Card
                  key={item.id}
                  item={item}
                  locale={i18n.language}
                  open={item.id === selectedId}
                  picked={selection.has(item.id)}
                  tabStop={index === activeIndex}
                  nativeDrag={nativeDrag}
                  onChoose={(intent) => choose(index, intent)}
                  onFocus={() => setActiveId(item.id)}
                  onPreview={() => {
                    setActiveId(item.id);
                    onPreview(item.id);
                  }}
                />
              );
            })}
          </div>
        ))}
      </div>
    </div>
  );
}

interface CardProps {
  item: LibraryItemSummary;
  locale: string;
  open: boolean;
  picked: boolean;
  tabStop: boolean;
  nativeDrag: boolean;
  onChoose: (intent: SelectIntent) => void;
  onPreview: () => void;
  /** The card got focus (a click, Tab): it holds the grid's Tab stop from now on. */
  onFocus: () => void;
}

function Card({ item, locale, open, picked, tabStop, nativeDrag, onChoose, onPreview, onFocus }: CardProps): React.JSX.Element {
  const { t } = useTranslation('library');
  const uiLocale = useLocale();
  useEffect(() => requestPoster(item), [item]);
  const [hovering, setHovering] = useState(false);
  const [scrub, setScrub] = useState<number | null>(null);
  const video = useRef<HTMLVideoElement>(null);
  const canPlay = item.kind === 'video' && !item.missing;
  // An operation's name already says what it made ("HiDream text to image"); an import says its kind.
  const badges = item.operation ? [operationLabel(t, uiLocale, item.operation)] : [item.kind === 'video' ? t('cardVideo') : t('cardImage'), t('imported')];
  const day = formatDay(item.createdAt, locale);
  const [now] = useState(Date.now);

  const onPointerMove = (event: PointerEvent<HTMLElement>): void => {
    const element = video.current;
    if (!element) return;
    const box = event.currentTarget.getBoundingClientRect();
    const fraction = box.width > 0 ? Math.min(1, Math.max(0, (event.clientX - box.left) / box.width)) : 0;
    setScrub(fraction);
    // Scrubbing: the pointer's place across the frame is the place in the clip.
    if (Number.isFinite(element.duration) && element.duration > 0) element.currentTime = fraction * element.duration;
  };
  const onClick = (event: MouseEvent<HTMLButtonElement>): void => {
    // Enter and Space are handled by the grid; a click with detail 0 came from one of them.
    if (event.detail === 0) return;
    onChoose({ toggle: event.ctrlKey || event.metaKey, range: event.shiftKey });
  };

  return (
    <div role="gridcell" aria-selected={picked} className={`library-card${open ? ' open' : ''}${picked ? ' picked' : ''}${item.missing ? ' missing' : ''}`}>
      <button
        type="button"
        className="library-card-button"
        data-item-id={item.id}
        tabIndex={tabStop ? 0 : -1}
        onFocus={onFocus}
        onClick={onClick}
        onDoubleClick={onPreview}
        draggable={!item.missing}
        onDragStart={(event) => startItemDrag(event, item, nativeDrag)}
        title={item.title}
        aria-label={`${item.title}, ${badges.join(', ')}, ${day}${item.favourite ? `, ${t('favourite')}` : ''}${item.missing ? `, ${t('missingBadge')}` : ''}`}
      >
        <span
          className="library-thumb"
          onPointerEnter={() => canPlay && setHovering(true)}
          onPointerLeave={() => {
            setHovering(false);
            setScrub(null);
          }}
          onPointerMove={canPlay ? onPointerMove : undefined}
        >
          {item.posterUrl ? <img src={item.posterUrl} alt="" loading="lazy" draggable={false} /> : <span className="library-thumb-empty">{t('noPoster')}</span>}
          {hovering && canPlay && <video ref={video} className="library-hover-video" src={item.mediaUrl} muted autoPlay loop playsInline preload="auto" draggable={false} aria-hidden="true" />}
          {scrub !== null && <span className="library-scrub" style={{ width: `${scrub * 100}%` }} aria-hidden="true" />}
          {item.durationMs !== null && <span className="library-duration">{formatDuration(item.durationMs)}</span>}
          {item.favourite && <span className="library-fav" aria-hidden="true">★</span>}
          {item.missing && <span className="library-missing-badge">{t('missingBadge')}</span>}
        </span>
        <span className="library-card-text">
          <span className="library-card-title">{item.title}</span>
          <span className="library-card-meta">{`${badges.join(' · ')} · ${formatCardDay(item.createdAt, locale, now)}`}</span>
        </span>
      </button>
    </div>
  );
}
