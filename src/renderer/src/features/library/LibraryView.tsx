import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LIBRARY_SORTS, type LibrarySort } from '@shared/library';
import { OPERATION_IDS, OPERATIONS, VENDOR_IDS, VENDORS, type MediaKind, type OperationId, type VendorId } from '@shared/catalog';
import { useLocale } from '../../i18n';
import { call, IpcError, subscribe } from '../../lib/ipc';
import { DATE_PRESETS, formatDayBounds, presetRange, type DatePreset } from './dates';
import { dayStart } from './format';
import { ItemDetail, type PickPath, type ReuseActions } from './ItemDetail';
import { Lightbox } from './Lightbox';
import { LibraryGrid, type LibraryGridHandle } from './LibraryGrid';
import { isFiltered, useLibraryStore, type BulkAction, type LibraryCriteria } from './store';
import './library.css';

const SEARCH_DEBOUNCE_MS = 250;
const DAY_MS = 24 * 3600_000;
const now = (): number => Date.now();

export interface LibraryViewProps extends ReuseActions {
  /** The desktop app can start native file drags; the browser shell drags URLs instead. */
  nativeDrag?: boolean;
  /** The desktop app's file dialog, for the folder to import and a moved file; the shell has none. */
  pickPath?: PickPath | undefined;
  /** The host can show files in the system's file manager (AppInfo.canRevealFiles). */
  canReveal?: boolean;
  /** Starts a reel whose shots are these items, in the grid's order. */
  onNewReel?: ((itemIds: string[]) => void) | undefined;
}

function errorText(error: unknown): string {
  return error instanceof IpcError || error instanceof Error ? error.message : String(error);
}

/** The offline library: search, filter and sort every result, then reuse or chain it. */
export function LibraryView({ nativeDrag = false, pickPath, canReveal = false, onRemix, onChain, onNewReel }: LibraryViewProps): React.JSX.Element {
  const { t, i18n } = useTranslation('library');
  const locale = useLocale();
  const { criteria, items, nextCursor, total, loading, refreshing, loaded, error, stale, selectedId, selected, tags } = useLibraryStore();
  const store = useLibraryStore.getState();
  const [text, setText] = useState(criteria.text ?? '');
  /** An input method is composing (pinyin before it becomes 汉字): nothing to search for yet. */
  const [composing, setComposing] = useState(false);
  const [dates, setDates] = useState({ from: '', to: '' });
  const [datePreset, setDatePreset] = useState<DatePreset>('any');
  const [picked, setPicked] = useState<string[]>([]);
  const [bulkTag, setBulkTag] = useState('');
  const [confirmBulkDelete, setConfirmBulkDelete] = useState(false);
  const [bulkBusy, setBulkBusy] = useState(false);
  const [previewId, setPreviewId] = useState<string | null>(null);
  /** The detail panel opened from the keyboard takes focus; one opened by a click leaves it. */
  const [focusDetailFor, setFocusDetailFor] = useState<string | null>(null);
  const grid = useRef<LibraryGridHandle>(null);
  // Picked items that left the list (deleted, filtered out) are no longer picked.
  const selection = useMemo(() => {
    const present = new Set(items.map((item) => item.id));
    return new Set(picked.filter((id) => present.has(id)));
  }, [picked, items]);
  /** A reel plays videos: the picked ones, in the grid's order. */
  const pickedVideos = items.filter((item) => selection.has(item.id) && item.kind === 'video').map((item) => item.id);
  const [folder, setFolder] = useState('');
  const [busy, setBusy] = useState<'import' | 'missing' | null>(null);
  const [report, setReport] = useState<string>();

  useEffect(() => {
    const { refresh, loadTags, applyUpdated, applyRemoved, markStale } = useLibraryStore.getState();
    void refresh();
    void loadTags();
    const stops = [
      subscribe('library.updated', applyUpdated),
      subscribe('library.removed', ({ id }) => applyRemoved(id)),
      subscribe('library.invalidated', () => {
        markStale();
        void loadTags();
      }),
    ];
    return () => {
      for (const stop of stops) stop();
    };
  }, []);

  useEffect(() => {
    if ((criteria.text ?? '') === text || composing) return;
    const timer = setTimeout(() => useLibraryStore.getState().setCriteria({ text: text || undefined }), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [text, criteria.text, composing]);

  /** Typed text not searched yet, or a search on its way: the old results stay, marked as updating. */
  const searching = refreshing || (!composing && (criteria.text ?? '') !== text);

  const openDetails = (id: string, focus: boolean): void => {
    setPicked([id]);
    setFocusDetailFor(focus ? id : null);
    void store.select(id);
  };
  const closeDetails = (): void => {
    const id = useLibraryStore.getState().selectedId;
    void store.select(null);
    if (id) grid.current?.focusItem(id);
  };
  const runBulk = async (action: BulkAction): Promise<void> => {
    setBulkBusy(true);
    try {
      await store.bulk([...selection], action);
    } finally {
      setBulkBusy(false);
      setConfirmBulkDelete(false);
    }
  };
  const setDateFilter = (preset: DatePreset): void => {
    setDatePreset(preset);
    // A custom range starts empty: its two fields then say exactly what is filtered.
    setDates({ from: '', to: '' });
    const range = presetRange(preset, now());
    set({ from: range.from, to: range.to });
  };
  const bounds = formatDayBounds(criteria.from, criteria.to, i18n.language);
  const dateRange =
    bounds.from && bounds.to
      ? t('dateBetween', { from: bounds.from, to: bounds.to })
      : bounds.from
        ? t('dateSince', { from: bounds.from })
        : bounds.to
          ? t('dateUntil', { to: bounds.to })
          : null;

  const set = (patch: Partial<LibraryCriteria>): void => store.setCriteria(patch);
  const onEndReached = useCallback(() => void useLibraryStore.getState().loadMore(), []);

  const runImport = async (path = folder.trim()): Promise<void> => {
    if (!path) return;
    setBusy('import');
    setReport(undefined);
    try {
      const result = await call('library.import', { path });
      setReport(t('importResult', { ...result }));
      await store.refresh();
    } catch (e) {
      setReport(errorText(e));
    } finally {
      setBusy(null);
    }
  };
  const runMissingCheck = async (): Promise<void> => {
    setBusy('missing');
    setReport(undefined);
    try {
      setReport(t('missingResult', { ...(await call('library.checkMissing', {})) }));
      await store.refresh();
    } catch (e) {
      setReport(errorText(e));
    } finally {
      setBusy(null);
    }
  };


  return (
    <div className="library">
      <header className="library-toolbar">
        <h1 className="visually-hidden">{t('title')}</h1>
        <input
          type="search"
          className="library-search"
          value={text}
          onChange={(e) => setText(e.target.value)}
          onCompositionStart={() => setComposing(true)}
          onCompositionEnd={(e) => {
            setComposing(false);
            setText(e.currentTarget.value);
          }}
          aria-busy={searching}
          placeholder={t('searchPlaceholder')}
          aria-label={t('searchLabel')}
          maxLength={500}
        />
        <div className="library-filters" role="group" aria-label={t('filters')}>
          <select aria-label={t('kind')} value={criteria.kind ?? ''} onChange={(e) => set({ kind: (e.target.value || undefined) as MediaKind | undefined })}>
            <option value="">{t('kindAll')}</option>
            <option value="video">{t('kindVideo')}</option>
            <option value="image">{t('kindImage')}</option>
          </select>
          <select aria-label={t('vendor')} value={criteria.vendor ?? ''} onChange={(e) => set({ vendor: (e.target.value || undefined) as VendorId | undefined })}>
            <option value="">{t('vendorAll')}</option>
            {VENDOR_IDS.map((vendor) => (
              <option key={vendor} value={vendor}>
                {VENDORS[vendor].name[locale]}
              </option>
            ))}
          </select>
          <select aria-label={t('operation')} value={criteria.operation ?? ''} onChange={(e) => set({ operation: (e.target.value || undefined) as OperationId | undefined })}>
            <option value="">{t('operationAll')}</option>
            {OPERATION_IDS.map((op) => (
              <option key={op} value={op}>
                {OPERATIONS[op].shortTitle[locale]}
              </option>
            ))}
          </select>
          <select aria-label={t('tag')} value={criteria.tag ?? ''} onChange={(e) => set({ tag: e.target.value || undefined })}>
            <option value="">{t('tagAll')}</option>
            {tags.map((tag) => (
              <option key={tag.name} value={tag.name}>
                {tag.name} ({tag.count})
              </option>
            ))}
          </select>
          <select aria-label={t('dates')} value={datePreset} onChange={(e) => setDateFilter(e.target.value as DatePreset)}>
            {DATE_PRESETS.map((preset) => (
              <option key={preset} value={preset}>
                {t(`date_${preset}`)}
              </option>
            ))}
          </select>
          {datePreset === 'custom' && (
            <>
              <label>
                {t('from')}
                <input
                  type="date"
                  lang={i18n.language}
                  value={dates.from}
                  onChange={(e) => {
                    setDates({ ...dates, from: e.target.value });
                    set({ from: dayStart(e.target.value) });
                  }}
                />
              </label>
              <label>
                {t('to')}
                <input
                  type="date"
                  lang={i18n.language}
                  value={dates.to}
                  onChange={(e) => {
                    setDates({ ...dates, to: e.target.value });
                    const start = dayStart(e.target.value);
                    set({ to: start === undefined ? undefined : start + DAY_MS });
                  }}
                />
              </label>
            </>
          )}
          {dateRange && <span className="library-date-range">{dateRange}</span>}
          <label>
            <input type="checkbox" checked={criteria.favourite ?? false} onChange={(e) => set({ favourite: e.target.checked || undefined })} />
            {t('favouritesOnly')}
          </label>
          <label>
            <input type="checkbox" checked={criteria.missing ?? false} onChange={(e) => set({ missing: e.target.checked || undefined })} />
            {t('missingOnly')}
          </label>
          <select aria-label={t('sort')} value={criteria.sort ?? 'newest'} onChange={(e) => set({ sort: e.target.value as LibrarySort })}>
            {LIBRARY_SORTS.map((sort) => (
              <option key={sort} value={sort}>
                {t(`sort_${sort}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="library-tools">
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void runImport();
            }}
          >
            <input value={folder} onChange={(e) => setFolder(e.target.value)} placeholder={t('importPlaceholder')} aria-label={t('importLabel')} />
            <button type="submit" disabled={busy !== null}>
              {busy === 'import' ? t('importing') : t('importButton')}
            </button>
            {pickPath && (
              <button
                type="button"
                className="secondary"
                disabled={busy !== null}
                onClick={() =>
                  void pickPath('folder', t('importDialog')).then(
                    (path) => {
                      if (!path) return;
                      setFolder(path);
                      void runImport(path);
                    },
                    (e: unknown) => setReport(errorText(e)),
                  )
                }
              >
                {t('importChoose')}
              </button>
            )}
          </form>
          <button type="button" className="secondary" disabled={busy !== null} onClick={() => void runMissingCheck()}>
            {busy === 'missing' ? t('checking') : t('checkMissing')}
          </button>
        </div>
      </header>

      <div className="library-status" aria-live="polite">
        {total && <span>{total.capped ? t('countCapped', { count: total.count }) : t('count', { count: total.count })}</span>}
        {searching ? <span className="library-searching">{t('searching')}</span> : loading && <span>{t('loading')}</span>}
        {report && <span role="status">{report}</span>}
        {stale && (
          <span>
            {t('changed')}{' '}
            <button type="button" className="link" onClick={() => void store.refresh()}>
              {t('refresh')}
            </button>
          </span>
        )}
      </div>
      {error && (
        <div role="alert" className="banner error">
          {error}
        </div>
      )}

      {selection.size > 1 && (
        <div className="library-bulk" role="toolbar" aria-label={t('bulkActions')}>
          <strong>{t('selected', { count: selection.size })}</strong>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              const tag = bulkTag.trim();
              if (!tag) return;
              setBulkTag('');
              void runBulk({ type: 'tag', tag });
            }}
          >
            <input value={bulkTag} maxLength={40} onChange={(e) => setBulkTag(e.target.value)} aria-label={t('bulkTagLabel')} placeholder={t('addTag')} />
            <button type="submit" disabled={bulkBusy}>
              {t('bulkTag')}
            </button>
          </form>
          <button type="button" className="secondary" disabled={bulkBusy} onClick={() => void runBulk({ type: 'favourite', value: true })}>
            ★ {t('bulkFavourite')}
          </button>
          <button type="button" className="secondary" disabled={bulkBusy} onClick={() => void runBulk({ type: 'favourite', value: false })}>
            ☆ {t('bulkUnfavourite')}
          </button>
          {onNewReel && (
            <button
              type="button"
              className="secondary"
              disabled={bulkBusy || pickedVideos.length === 0}
              title={pickedVideos.length < selection.size ? t('bulkNewReelVideos', { count: pickedVideos.length }) : undefined}
              onClick={() => onNewReel(pickedVideos)}
            >
              {t('bulkNewReel')}
            </button>
          )}
          {confirmBulkDelete ? (
            <span className="library-confirm" role="group" aria-label={t('bulkDelete')}>
              <span>{t('bulkConfirmDelete', { count: selection.size })}</span>
              <button type="button" className="danger" disabled={bulkBusy} onClick={() => void runBulk({ type: 'remove' })}>
                {t('confirm')}
              </button>
              <button type="button" className="secondary" onClick={() => setConfirmBulkDelete(false)}>
                {t('cancel')}
              </button>
            </span>
          ) : (
            <button type="button" className="danger" disabled={bulkBusy} onClick={() => setConfirmBulkDelete(true)}>
              {t('bulkDelete')}
            </button>
          )}
          <button type="button" className="link" onClick={() => setPicked([])}>
            {t('clearSelection')}
          </button>
        </div>
      )}

      <div className={`library-body${selected ? ' with-detail' : ''}`}>
        {items.length === 0 && loaded && !searching ? (
          <p className="placeholder">{isFiltered(criteria) ? t('noMatches') : t('empty')}</p>
        ) : (
          <LibraryGrid
            ref={grid}
            items={items}
            selectedId={selectedId}
            selection={selection}
            hasMore={nextCursor !== null}
            nativeDrag={nativeDrag}
            busy={searching}
            onSelect={(id) => openDetails(id, false)}
            onSelectionChange={setPicked}
            onOpen={(id) => openDetails(id, true)}
            onPreview={setPreviewId}
            onEscape={() => (selectedId !== null ? void store.select(null) : setPicked([]))}
            onEndReached={onEndReached}
          />
        )}
        {selected && (
          <ItemDetail
            key={selected.id}
            item={selected}
            nativeDrag={nativeDrag}
            pickPath={pickPath}
            canReveal={canReveal}
            autoFocus={focusDetailFor === selected.id}
            onClose={closeDetails}
            onRemix={onRemix}
            onChain={onChain}
          />
        )}
      </div>
      {previewId && (
        <Lightbox
          items={items}
          id={previewId}
          hasMore={nextCursor !== null}
          onShow={setPreviewId}
          onClose={(id) => {
            setPreviewId(null);
            grid.current?.focusItem(id);
          }}
          onEndReached={onEndReached}
        />
      )}
    </div>
  );
}
