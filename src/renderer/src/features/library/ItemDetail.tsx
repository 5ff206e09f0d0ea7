import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChainOption, LibraryItem, Lineage } from '@shared/library';
import type { OperationId } from '@shared/catalog';
import { useLocale } from '../../i18n';
import { call, IpcError } from '../../lib/ipc';
import { startItemDrag } from './drag';
import { formatBytes, formatDuration } from '@shared/format';
import { formatTime } from './format';
import { chainLabel, operationLabel } from './labels';
import { useLibraryStore } from './store';

/** The system's open dialog (desktop only); resolves null when the user cancels. */
export type PickPath = (kind: 'folder' | 'file', title: string) => Promise<string | null>;

export interface ReuseActions {
  /** Open the compose form with these parameters (the same job again, or changed). */
  onRemix?: ((operation: OperationId, params: Record<string, unknown>) => void) | undefined;
  /** Open the compose form for an operation fed by this item; `file` is a local input (stylize). */
  onChain?: ((operation: OperationId, params: Record<string, unknown>, parentItemId: string, file?: string) => void) | undefined;
}

interface Props extends ReuseActions {
  item: LibraryItem;
  nativeDrag: boolean;
  /** Offered for relinking where the host has a file dialog; elsewhere the path is typed. */
  pickPath?: PickPath | undefined;
  /** The host can show a file in the system's file manager (the desktop app; not the browser shell). */
  canReveal?: boolean;
  /** Take focus when shown (it was opened from the keyboard). */
  autoFocus?: boolean;
  /** Close the panel (✕ or Esc); the view puts focus back on the item's card. Default: just close. */
  onClose?: () => void;
}

function errorText(error: unknown): string {
  return error instanceof IpcError || error instanceof Error ? error.message : String(error);
}

/** Everything about one item, and what can be done with it. */
export function ItemDetail({ item, nativeDrag, pickPath, canReveal = false, autoFocus = false, onClose: close, onRemix, onChain }: Props): React.JSX.Element {
  const { t, i18n } = useTranslation('library');
  const uiLocale = useLocale();
  const { select, applyUpdated, applyRemoved, loadTags } = useLibraryStore.getState();
  const onClose = close ?? ((): void => void select(null));
  /** Edits in progress; null shows the item's saved value (which events keep current). */
  const [titleDraft, setTitleDraft] = useState<string | null>(null);
  const [notesDraft, setNotesDraft] = useState<string | null>(null);
  const [newTag, setNewTag] = useState('');
  const [relinkPath, setRelinkPath] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [notice, setNotice] = useState<string>();
  const [chain, setChain] = useState<ChainOption[]>([]);
  const [lineage, setLineage] = useState<Lineage>();
  const [now] = useState(Date.now);
  const locale = i18n.language;
  const panel = useRef<HTMLElement>(null);
  useEffect(() => {
    if (autoFocus) panel.current?.focus();
  }, [autoFocus]);

  // The parent keys this component by item id, so every item starts with fresh local state.
  useEffect(() => {
    let live = true;
    Promise.all([call('library.chainOptions', { id: item.id }), call('library.lineage', { id: item.id })]).then(
      ([options, tree]) => {
        if (!live) return;
        setChain(options);
        setLineage(tree);
      },
      (error: unknown) => live && setNotice(errorText(error)),
    );
    return () => {
      live = false;
    };
  }, [item.id, item.missing, item.parentId]);

  /** Runs an action; its updated item flows back into the list, and a failure is shown here. */
  const act = async (action: () => Promise<LibraryItem | undefined>): Promise<void> => {
    setNotice(undefined);
    try {
      const updated = await action();
      if (updated) applyUpdated(updated);
    } catch (error) {
      setNotice(errorText(error));
    }
  };

  const saveTitle = (): void => {
    const next = titleDraft?.trim();
    setTitleDraft(null);
    if (next && next !== item.title) void act(() => call('library.update', { id: item.id, title: next }));
  };
  const saveNotes = (): void => {
    const next = notesDraft;
    setNotesDraft(null);
    if (next !== null && next !== item.notes) void act(() => call('library.update', { id: item.id, notes: next }));
  };
  const addTag = (): void => {
    const tag = newTag.trim();
    if (!tag) return;
    setNewTag('');
    void act(() => call('library.tag', { id: item.id, tags: [tag] })).then(loadTags);
  };
  const remove = async (): Promise<void> => {
    try {
      await call('library.remove', { id: item.id });
      applyRemoved(item.id);
    } catch (error) {
      setConfirming(false);
      setNotice(errorText(error));
    }
  };
  const reveal = async (): Promise<void> => {
    try {
      const { revealed } = await call('library.reveal', { id: item.id });
      if (!revealed) setNotice(t('revealUnavailable', { path: item.path }));
    } catch (error) {
      setNotice(errorText(error));
    }
  };

  const remote = !item.remoteUrl
    ? t('remoteNone')
    : item.remoteExpiresAt === null
      ? t('remoteUnknown')
      : item.remoteExpiresAt > now
        ? t('remoteValid', { time: formatTime(item.remoteExpiresAt, locale) })
        : t('remoteExpired', { time: formatTime(item.remoteExpiresAt, locale) });

  const blockedText = (option: ChainOption): string | null => {
    const block = option.blocked;
    if (!block) return option.expiryUnknown ? t('expiryUnknown') : null;
    switch (block.code) {
      case 'file_missing':
        return t('blocked_file_missing');
      case 'no_remote_url':
        return t('blocked_no_remote_url');
      case 'remote_url_expired':
        return t('blocked_remote_url_expired', { time: formatTime(block.expiredAt, locale) });
      case 'remote_url_expiring':
        return t('blocked_remote_url_expiring', { time: formatTime(block.expiresAt, locale) });
    }
  };

  // Removing an imported item never deletes the user's file (main only forgets it), and the words say so.
  const imported = item.source === 'import';
  return (
    <section
      ref={panel}
      className="library-detail"
      aria-label={t('details')}
      tabIndex={-1}
      onKeyDown={(e) => {
        if (e.key !== 'Escape' || e.defaultPrevented) return;
        e.preventDefault();
        // A field being edited saves on blur; blur it before the panel goes away.
        if (e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement) e.target.blur();
        onClose();
      }}
    >
      <div className="library-detail-head">
        <label className="library-title-field">
          <span className="visually-hidden">{t('rename')}</span>
          <input
            value={titleDraft ?? item.title}
            maxLength={300}
            onChange={(e) => setTitleDraft(e.target.value)}
            onBlur={saveTitle}
            onKeyDown={(e) => e.key === 'Enter' && e.currentTarget.blur()}
            aria-label={t('rename')}
          />
        </label>
        <button type="button" className="library-icon-button" aria-pressed={item.favourite} onClick={() => void act(() => call('library.update', { id: item.id, favourite: !item.favourite }))}>
          {item.favourite ? `★ ${t('unfavouriteAction')}` : `☆ ${t('favouriteAction')}`}
        </button>
        <button type="button" className="library-icon-button" onClick={onClose} aria-label={t('close')}>
          ✕
        </button>
      </div>

      {notice && (
        <p role="status" className="library-notice">
          {notice}
        </p>
      )}

      {item.missing ? (
        <div className="library-missing" role="alert">
          <p>{t('missingFile', { path: item.path })}</p>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              if (relinkPath.trim()) void act(() => call('library.relink', { id: item.id, path: relinkPath.trim() }));
            }}
          >
            <label>
              {t('relinkLabel')}
              <input value={relinkPath} onChange={(e) => setRelinkPath(e.target.value)} placeholder={item.path} />
            </label>
            <button type="submit">{t('relink')}</button>
            {pickPath && (
              <button
                type="button"
                className="secondary"
                onClick={() =>
                  void act(async () => {
                    const path = await pickPath('file', t('relinkDialog'));
                    return path ? call('library.relink', { id: item.id, path }) : undefined;
                  })
                }
              >
                {t('relinkChoose')}
              </button>
            )}
          </form>
        </div>
      ) : item.kind === 'video' ? (
        <video key={item.id} className="library-preview" src={item.mediaUrl} controls preload="metadata" draggable onDragStart={(e) => startItemDrag(e, item, nativeDrag)} />
      ) : (
        <img key={item.id} className="library-preview" src={item.mediaUrl} alt={item.title} onDragStart={(e) => startItemDrag(e, item, nativeDrag)} />
      )}

      <div className="library-actions">
        {item.operation && item.params && onRemix && (
          <button type="button" title={t('remixHelp')} onClick={() => item.operation && item.params && onRemix(item.operation, item.params)}>
            {t('remix')}
          </button>
        )}
        {canReveal && (
          <button type="button" onClick={() => void reveal()} disabled={item.missing}>
            {t('reveal')}
          </button>
        )}
        {confirming ? (
          <span className="library-confirm" role="group" aria-label={t(imported ? 'forget' : 'delete')}>
            <span>{t(imported ? 'confirmForget' : 'confirmDelete', { title: item.title })}</span>
            <button type="button" className="danger" onClick={() => void remove()}>
              {t(imported ? 'forget' : 'confirm')}
            </button>
            <button type="button" className="secondary" onClick={() => setConfirming(false)}>
              {t('cancel')}
            </button>
          </span>
        ) : (
          <button type="button" className="danger" onClick={() => setConfirming(true)}>
            {t(imported ? 'forget' : 'delete')}
          </button>
        )}
      </div>

      {chain.length > 0 && (
        <div className="library-chain" role="group" aria-label={t('chain')}>
          <h3>{t('chain')}</h3>
          {chain.map((option) => {
            const why = blockedText(option);
            const hint = `chain-${option.operation}`;
            return (
              <div key={option.operation} className="library-chain-option">
                <button
                  type="button"
                  disabled={!option.possible || !onChain}
                  aria-describedby={why ? hint : undefined}
                  onClick={() => onChain?.(option.operation, option.params, option.parentItemId, option.file)}
                >
                  {chainLabel(uiLocale, option.operation)}
                </button>
                {why && (
                  <small id={hint} className="library-hint">
                    {why}
                  </small>
                )}
              </div>
            );
          })}
        </div>
      )}

      <div className="library-tags">
        <h3>{t('tags')}</h3>
        <ul>
          {item.tags.map((tag) => (
            <li key={tag} className="library-tag">
              {tag}
              <button type="button" aria-label={t('removeTag', { tag })} onClick={() => void act(() => call('library.untag', { id: item.id, tags: [tag] })).then(loadTags)}>
                ×
              </button>
            </li>
          ))}
        </ul>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            addTag();
          }}
        >
          <input value={newTag} maxLength={40} onChange={(e) => setNewTag(e.target.value)} aria-label={t('addTag')} placeholder={t('addTag')} />
          <button type="submit">{t('addTagButton')}</button>
        </form>
      </div>

      <label className="library-notes">
        {t('notes')}
        <textarea
          value={notesDraft ?? item.notes}
          maxLength={10_000}
          rows={3}
          placeholder={t('notesPlaceholder')}
          onChange={(e) => setNotesDraft(e.target.value)}
          onBlur={saveNotes}
        />
      </label>

      <h3>{t('facts')}</h3>
      <dl className="facts">
        <dt>{t('fact_kind')}</dt>
        <dd>{item.kind === 'video' ? t('kindVideo') : t('kindImage')}</dd>
        <dt>{t('fact_size')}</dt>
        <dd>{formatBytes(item.sizeBytes, locale)}</dd>
        {item.width !== null && item.height !== null && (
          <>
            <dt>{t('fact_dimensions')}</dt>
            <dd>
              {item.width} × {item.height}
            </dd>
          </>
        )}
        {item.durationMs !== null && (
          <>
            <dt>{t('fact_duration')}</dt>
            <dd>{formatDuration(item.durationMs)}</dd>
          </>
        )}
        <dt>{t('fact_created')}</dt>
        <dd>{formatTime(item.createdAt, locale)}</dd>
        {item.source === 'import' && item.fileModifiedAt !== null && (
          <>
            <dt>{t('fact_fileDate')}</dt>
            <dd>{formatTime(item.fileModifiedAt, locale)}</dd>
          </>
        )}
        <dt>{t('fact_operation')}</dt>
        <dd>{operationLabel(t, uiLocale, item.operation, item.params)}</dd>
        {item.prompt && (
          <>
            <dt>{t('fact_prompt')}</dt>
            <dd className="library-prompt">{item.prompt}</dd>
          </>
        )}
        {item.negativePrompt && (
          <>
            <dt>{t('fact_negative')}</dt>
            <dd className="library-prompt">{item.negativePrompt}</dd>
          </>
        )}
        <dt>{t('fact_remote')}</dt>
        <dd>{remote}</dd>
        <dt>{t('fact_path')}</dt>
        <dd className="library-path">{item.path}</dd>
      </dl>

      <h3>{t('lineage')}</h3>
      {lineage && (lineage.ancestors.length || lineage.descendants.length) ? (
        <ol className="library-lineage" aria-label={t('lineage')}>
          {lineage.ancestors.map((a) => (
            <li key={a.id}>
              <button type="button" className="link" onClick={() => void select(a.id)}>
                {t('madeFrom')}: {a.title} ({operationLabel(t, uiLocale, a.operation, a.params)})
              </button>
            </li>
          ))}
          <li aria-current="true">
            {t('thisItem')}: {item.title}
          </li>
          {lineage.descendants.map((d) => (
            <li key={d.item.id} style={{ paddingInlineStart: `${d.depth}em` }}>
              <button type="button" className="link" onClick={() => void select(d.item.id)}>
                {t('madeInto')}: {d.item.title} ({operationLabel(t, uiLocale, d.item.operation, d.item.params)})
              </button>
            </li>
          ))}
        </ol>
      ) : (
        !lineage?.sources?.length && <p className="library-hint">{t('lineageNone')}</p>
      )}
      {lineage?.sources && lineage.sources.length > 0 && (
        <ol className="library-lineage library-lineage-shots" aria-label={t('reelShots')}>
          {lineage.sources.map((source, index) => (
            <li key={`${index}:${source.id}`}>
              {t('reelShot', { n: index + 1 })}:{' '}
              <button type="button" className="link" onClick={() => void select(source.id)}>
                {source.title}
              </button>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
