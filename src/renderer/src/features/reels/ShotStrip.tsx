import { Fragment, useState, type DragEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDuration } from '@shared/format';
import type { Reel, Shot } from '@shared/reels';
import { call } from '../../lib/ipc';
import { trimmedSeconds, useShotLabel, useShotTitle } from './labels';
import { useReels } from './store';
import type { ShotProblem } from './words';

const DRAG_TYPE = 'application/x-promptreel-shot';

interface Props {
  reel: Reel;
  selectedId: string | null;
  /** Shots the last export refused, marked in the strip. */
  problems: ShotProblem[];
  onSelect: (shotId: string) => void;
}

/**
 * Where a shot dropped at insertion point `slot` (0 … n, before shot `slot`) ends up: the shot leaves
 * its old place first, so a slot after it is one less.
 */
export function targetPosition(from: number, slot: number): number {
  return slot > from ? slot - 1 : slot;
}

export function ShotState({ shot }: { shot: Shot }): React.JSX.Element {
  const { t } = useTranslation('reels');
  const waiting = shot.state === 'generating' && (shot.jobStatus === 'queued' || shot.jobStatus === 'submitting');
  const text =
    shot.state === 'generating'
      ? waiting
        ? t('state.queued')
        : t('state.generatingPercent', { percent: Math.round(shot.jobProgress ?? 0) })
      : t(`state.${shot.state}`);
  return <span className={`badge shot-state shot-state-${shot.state}`}>{text}</span>;
}

/** The shots in order, left to right: click to select, drag or use the arrow buttons to reorder. */
export function ShotStrip({ reel, selectedId, problems, onSelect }: Props): React.JSX.Element {
  const { t } = useTranslation('reels');
  const label = useShotLabel();
  const title = useShotTitle();
  const [dragging, setDragging] = useState<string | null>(null);
  /** The insertion point under the pointer while dragging: 0 … n. */
  const [slot, setSlot] = useState<number | null>(null);
  const { run } = useReels.getState();
  const count = reel.shots.length;

  const move = (shot: Shot, to: number): void => {
    if (to < 0 || to >= count || to === shot.position) return;
    void run(() => call('reels.moveShot', { reelId: reel.id, shotId: shot.id, to }));
  };
  const over = (e: DragEvent, index: number): void => {
    if (!dragging) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'move';
    const box = e.currentTarget.getBoundingClientRect();
    setSlot(e.clientX < box.left + box.width / 2 ? index : index + 1);
  };
  const drop = (e: DragEvent): void => {
    e.preventDefault();
    const shot = reel.shots.find((s) => s.id === (dragging ?? e.dataTransfer.getData(DRAG_TYPE)));
    if (shot && slot !== null) move(shot, targetPosition(shot.position, slot));
    setDragging(null);
    setSlot(null);
  };

  if (count === 0) return <p className="placeholder">{t('strip.empty')}</p>;
  return (
    <ol className="shot-strip" aria-label={t('strip.label')} onDragLeave={(e) => e.currentTarget === e.target && setSlot(null)}>
      {reel.shots.map((shot, index) => {
        const seconds = trimmedSeconds(shot);
        const problem = problems.find((p) => p.position === shot.position);
        const classes = ['shot-card', shot.id === selectedId && 'selected', problem && 'problem', dragging === shot.id && 'dragging', slot === index && 'drop-before', slot === count && index === count - 1 && 'drop-after']
          .filter(Boolean)
          .join(' ');
        return (
          <Fragment key={shot.id}>
            <li
              className={classes}
              draggable
              data-shot-id={shot.id}
              aria-label={`${label(shot)}: ${title(shot)}`}
              onDragStart={(e) => {
                e.dataTransfer.effectAllowed = 'move';
                e.dataTransfer.setData(DRAG_TYPE, shot.id);
                setDragging(shot.id);
              }}
              onDragEnd={() => {
                setDragging(null);
                setSlot(null);
              }}
              onDragOver={(e) => over(e, index)}
              onDrop={drop}
            >
              <button type="button" className="shot-select" aria-pressed={shot.id === selectedId} onClick={() => onSelect(shot.id)}>
                <span className="shot-thumb">
                  {shot.clip?.posterUrl ? (
                    <img src={shot.clip.posterUrl} alt="" draggable={false} />
                  ) : shot.clip && shot.state === 'ready' ? (
                    // No poster made yet: the clip's own first frame stands in.
                    <video src={`${shot.clip.mediaUrl}#t=0.1`} muted preload="metadata" aria-hidden="true" />
                  ) : (
                    <span className="shot-thumb-empty">{shot.source.kind === 'planned' ? t('strip.planned') : ''}</span>
                  )}
                  <span className="shot-number">{shot.position + 1}</span>
                  {seconds !== null && <span className="shot-length">{formatDuration(seconds * 1000)}</span>}
                </span>
                <span className="shot-title">{title(shot)}</span>
                <span className="shot-meta">
                  <ShotState shot={shot} />
                  {shot.titleCard && <span className="shot-flag" title={t('strip.hasTitleCard')}>{t('strip.titleCardFlag')}</span>}
                  {!shot.keepAudio && <span className="shot-flag" title={t('strip.muted')}>{t('strip.mutedFlag')}</span>}
                </span>
              </button>
              <span className="shot-moves">
                <button type="button" className="secondary" aria-label={t('strip.moveLeft', { shot: label(shot) })} disabled={index === 0} onClick={() => move(shot, index - 1)}>
                  ←
                </button>
                <button type="button" className="secondary" aria-label={t('strip.moveRight', { shot: label(shot) })} disabled={index === count - 1} onClick={() => move(shot, index + 1)}>
                  →
                </button>
              </span>
              {problem && <span className="shot-problem">{problem.message}</span>}
            </li>
            {index < count - 1 && (
              <li className="shot-transition" aria-label={t('strip.transitionLabel', { from: index + 1, to: index + 2 })}>
                {shot.transition.kind === 'crossfade' ? t('strip.crossfade', { seconds: shot.transition.seconds }) : t('strip.cut')}
              </li>
            )}
          </Fragment>
        );
      })}
    </ol>
  );
}
