import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { getOperation } from '@shared/catalog';
import { CROSSFADE_MAX_SECONDS, TITLE_CARD_MAX_SECONDS, TITLE_CARD_TEXT_MAX, type Reel, type Shot, type ShotEdit, type TitleCard } from '@shared/reels';
import { useLocale } from '../../i18n';
import { call } from '../../lib/ipc';
import { CommitInput, secondsText } from './fields';
import { ItemPicker } from './ItemPicker';
import { useShotLabel, useShotTitle } from './labels';
import { PlanSheet } from './PlanSheet';
import { ShotState } from './ShotStrip';
import { useReels } from './store';
import { TrimStrip } from './TrimStrip';
import { useErrorText } from './words';

interface Props {
  reel: Reel;
  shot: Shot;
  onOpenItem?: ((itemId: string) => void) | undefined;
  onRemoved: () => void;
}

const NEW_CARD: TitleCard = { text: '', background: '#1b1b21', colour: '#ffffff', seconds: 2 };
const DEFAULT_FADE = 0.5;

/** The selected shot: where it comes from, its trim, sound, the way into the next shot, its title card. */
export function ShotInspector({ reel, shot, onOpenItem, onRemoved }: Props): React.JSX.Element {
  const { t } = useTranslation('reels');
  const locale = useLocale();
  const errorText = useErrorText();
  const label = useShotLabel();
  const title = useShotTitle();
  const id = useId();
  const { run } = useReels.getState();
  const [picking, setPicking] = useState(false);
  const [planning, setPlanning] = useState(false);
  const [confirmRemove, setConfirmRemove] = useState(false);
  /** A title card being written, before it has the text it needs to be saved. */
  const [cardDraft, setCardDraft] = useState<TitleCard | null>(null);
  const last = shot.position === reel.shots.length - 1;
  const ref = { reelId: reel.id, shotId: shot.id };

  const edit = (change: ShotEdit): void => void run(() => call('reels.updateShot', { ...ref, edit: change }));
  const card = shot.titleCard ?? cardDraft;
  const editCard = (patch: Partial<TitleCard>): void => {
    const next = { ...(card ?? NEW_CARD), ...patch };
    // Main takes a card once it has text; until then it is kept here.
    if (next.text.trim() === '') setCardDraft(next);
    else {
      setCardDraft(null);
      edit({ titleCard: next });
    }
  };
  const canRegenerate = shot.source.kind === 'planned' || shot.clip !== null;
  const planned = shot.source.kind === 'planned' ? shot.source : null;

  return (
    <section className="shot-inspector" aria-label={t('inspector.label', { shot: label(shot) })}>
      <header className="shot-inspector-head">
        <h2>
          {label(shot)} <span className="muted">{title(shot)}</span>
        </h2>
        <ShotState shot={shot} />
      </header>
      {shot.error && (shot.state === 'failed' || shot.state === 'planned') && (
        <div className="banner error" role="alert">
          {t('inspector.failed', { message: errorText(shot.error) })}
        </div>
      )}
      {shot.state === 'missing' && <div className="banner error">{t('inspector.missing')}</div>}
      {shot.state === 'undecodable' && <div className="banner error">{t('inspector.undecodable')}</div>}

      <div className="shot-source">
        <p>
          {planned
            ? t('inspector.plannedFrom', { operation: getOperation(planned.operation).title[locale] })
            : shot.clip
              ? t('inspector.fromLibrary', { title: shot.clip.title })
              : t('inspector.noItem')}
        </p>
        <div className="actions">
          <button type="button" className="secondary" onClick={() => setPicking(true)}>
            {t('inspector.swap')}
          </button>
          <button type="button" className="secondary" onClick={() => setPlanning(true)}>
            {planned ? t('inspector.editPlan') : t('inspector.replan')}
          </button>
          <button type="button" className="secondary" disabled={!canRegenerate || shot.state === 'generating'} onClick={() => void run(() => call('reels.regenerateShot', ref))}>
            {t('inspector.regenerate')}
          </button>
          <button type="button" className="secondary" disabled={!shot.clip || shot.state === 'generating'} onClick={() => void run(() => call('reels.extendShot', ref))}>
            {t('inspector.extend')}
          </button>
          {shot.clip && onOpenItem && (
            <button type="button" className="link" onClick={() => shot.clip && onOpenItem(shot.clip.itemId)}>
              {t('inspector.openItem')}
            </button>
          )}
          {confirmRemove ? (
            <span className="reel-confirm" role="group" aria-label={t('inspector.remove')}>
              <button
                type="button"
                className="danger"
                onClick={() => {
                  onRemoved();
                  void run(() => call('reels.removeShot', ref));
                }}
              >
                {t('inspector.remove')}
              </button>
              <button type="button" className="secondary" onClick={() => setConfirmRemove(false)}>
                {t('cancel')}
              </button>
            </span>
          ) : (
            <button type="button" className="danger" onClick={() => setConfirmRemove(true)}>
              {t('inspector.remove')}
            </button>
          )}
        </div>
      </div>

      <fieldset className="shot-group shot-trim">
        <legend>{t('trim.legend')}</legend>
        <TrimStrip shot={shot} onEdit={edit} />
      </fieldset>

      <div className="shot-settings">

        <fieldset className="shot-group">
          <legend>{t('audio.legend')}</legend>
          <label className="inline">
            <input type="checkbox" checked={shot.keepAudio} onChange={(e) => edit({ keepAudio: e.target.checked })} />
            {t('audio.keep')}
          </label>
          {shot.clip?.hasAudio === false && <p className="help">{t('audio.none')}</p>}
        </fieldset>

        <fieldset className="shot-group" disabled={last}>
          <legend>{t('transition.legend')}</legend>
          {last ? (
            <p className="help">{t('transition.last')}</p>
          ) : (
            <>
              <label className="inline">
                <input type="radio" name={`${id}-transition`} checked={shot.transition.kind === 'cut'} onChange={() => edit({ transition: { kind: 'cut' } })} />
                {t('transition.cut')}
              </label>
              <label className="inline">
                <input
                  type="radio"
                  name={`${id}-transition`}
                  checked={shot.transition.kind === 'crossfade'}
                  onChange={() => edit({ transition: { kind: 'crossfade', seconds: DEFAULT_FADE } })}
                />
                {t('transition.crossfade')}
              </label>
              {shot.transition.kind === 'crossfade' && (
                <label className="inline">
                  {t('transition.seconds')}
                  <CommitInput
                    type="number"
                    min={0.1}
                    max={CROSSFADE_MAX_SECONDS}
                    step={0.1}
                    className="short-number"
                    value={secondsText(shot.transition.seconds)}
                    onCommit={(text) => {
                      const seconds = Number(text);
                      if (Number.isFinite(seconds)) edit({ transition: { kind: 'crossfade', seconds } });
                    }}
                  />
                </label>
              )}
            </>
          )}
        </fieldset>

        <fieldset className="shot-group shot-card-group">
          <legend>{t('card.legend')}</legend>
          <label className="inline">
            <input
              type="checkbox"
              checked={card !== null}
              onChange={(e) => {
                if (e.target.checked) setCardDraft(NEW_CARD);
                else {
                  setCardDraft(null);
                  if (shot.titleCard) edit({ titleCard: null });
                }
              }}
            />
            {t('card.show')}
          </label>
          {card && (
            <div className="card-fields">
              <label>
                {t('card.text')}
                <CommitInput value={card.text} maxLength={TITLE_CARD_TEXT_MAX} placeholder={t('card.textPlaceholder')} onCommit={(text) => editCard({ text })} />
              </label>
              <label>
                {t('card.background')}
                <input type="color" value={card.background} onChange={(e) => editCard({ background: e.target.value })} />
              </label>
              <label>
                {t('card.colour')}
                <input type="color" value={card.colour ?? '#ffffff'} onChange={(e) => editCard({ colour: e.target.value })} />
              </label>
              <label>
                {t('card.seconds')}
                <CommitInput
                  type="number"
                  min={0.5}
                  max={TITLE_CARD_MAX_SECONDS}
                  step={0.5}
                  className="short-number"
                  value={secondsText(card.seconds)}
                  onCommit={(text) => {
                    const seconds = Number(text);
                    if (Number.isFinite(seconds)) editCard({ seconds });
                  }}
                />
              </label>
              <div className="card-sample" style={{ background: card.background, color: card.colour ?? '#ffffff' }} aria-hidden="true">
                {card.text || t('card.textPlaceholder')}
              </div>
            </div>
          )}
        </fieldset>
      </div>

      {picking && (
        <ItemPicker
          title={t('picker.swapTitle', { shot: label(shot) })}
          onDone={([itemId]) => {
            setPicking(false);
            if (itemId) void run(() => call('reels.swapShot', { ...ref, source: { kind: 'item', itemId } }));
          }}
        />
      )}
      {planning && (
        <PlanSheet
          title={t('plan.editTitle', { shot: label(shot) })}
          submitLabel={t('plan.save')}
          initial={planned ?? undefined}
          onCancel={() => setPlanning(false)}
          onPlan={async (source) => {
            useReels.getState().applyReel(await call('reels.swapShot', { ...ref, source }));
            setPlanning(false);
          }}
        />
      )}
    </section>
  );
}
