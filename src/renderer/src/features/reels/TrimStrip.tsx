import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { StripFrame } from '@shared/media';
import type { Shot, ShotEdit } from '@shared/reels';
import { call } from '../../lib/ipc';
import { CommitInput, secondsText } from './fields';

const FRAMES = 10;
const FRAME_HEIGHT = 56;
/** Shortest range a shot may keep: a tenth of a second, the steps the handles move in. */
const MIN_SPAN = 0.1;

interface Props {
  shot: Shot;
  onEdit: (edit: ShotEdit) => void;
}

/** Frames of the shot's clip made by main; none (a plain track) while they come or if they cannot be made. */
function useFrames(itemId: string | undefined): StripFrame[] {
  const [frames, setFrames] = useState<{ itemId: string; frames: StripFrame[] }>();
  useEffect(() => {
    if (!itemId) return;
    let live = true;
    call('media.frames', { itemId, count: FRAMES, height: FRAME_HEIGHT }).then(
      (strip) => live && setFrames({ itemId, frames: strip.frames }),
      () => live && setFrames({ itemId, frames: [] }),
    );
    return () => {
      live = false;
    };
  }, [itemId]);
  return frames !== undefined && frames.itemId === itemId ? frames.frames : [];
}

/** Why a trim cannot be kept, or null when it can. */
export function trimProblem(inS: number, outS: number, length: number | null): 'order' | 'range' | 'number' | null {
  if (!Number.isFinite(inS) || !Number.isFinite(outS)) return 'number';
  if (inS < 0 || (length !== null && outS > length + 1e-6)) return 'range';
  if (outS - inS < MIN_SPAN - 1e-6) return 'order';
  return null;
}

/**
 * In and out points of one shot over a strip of its frames: two handles on the strip (arrow keys move
 * them by a tenth of a second), the same two values as numbers, and the clip itself, which jumps to the
 * point being moved so the user sees the frame they cut at.
 */
export function TrimStrip({ shot, onEdit }: Props): React.JSX.Element {
  const { t } = useTranslation('reels');
  const id = useId();
  const clip = shot.clip;
  const length = clip?.durationSeconds ?? null;
  const frames = useFrames(clip?.itemId);
  const savedOut = shot.trimOut ?? length;
  /** Handle positions while one is being moved; committed when it is let go. */
  const [moving, setMoving] = useState<{ in: number; out: number } | null>(null);
  const [problem, setProblem] = useState<ReturnType<typeof trimProblem>>(null);
  const video = useRef<HTMLVideoElement>(null);
  const inS = moving?.in ?? shot.trimIn;
  const outS = moving?.out ?? savedOut;

  const show = (seconds: number): void => {
    if (video.current && video.current.readyState >= 1) video.current.currentTime = seconds;
  };
  const save = (nextIn: number, nextOut: number | null): void => {
    const found = trimProblem(nextIn, nextOut ?? length ?? Number.POSITIVE_INFINITY, length);
    setProblem(found);
    setMoving(null);
    if (found) return;
    // Out at the clip's very end is stored as "to the end", so a longer clip swapped in plays through.
    const out = nextOut === null || (length !== null && Math.abs(nextOut - length) < 1e-6) ? null : nextOut;
    if (nextIn !== shot.trimIn || out !== shot.trimOut) onEdit({ trimIn: nextIn, trimOut: out });
  };
  const release = (): void => {
    if (moving) save(moving.in, moving.out);
  };

  if (!clip) return <p className="muted">{t('trim.noClip')}</p>;
  const percent = (s: number): string => `${length ? (s / length) * 100 : 0}%`;
  return (
    <div className="trim">
      <video ref={video} className="trim-video" src={clip.mediaUrl} muted preload="metadata" controls onLoadedMetadata={() => show(shot.trimIn)} />
      <div className="trim-body">
        {length !== null && outS !== null && (
          <div className="trim-strip">
            <div className="trim-frames" aria-hidden="true">
              {frames.map((f) => (
                <img key={f.seconds} src={f.dataUrl} alt="" draggable={false} />
              ))}
            </div>
            <div className="trim-cut" style={{ left: 0, width: percent(inS) }} />
            <div className="trim-cut" style={{ left: percent(outS), right: 0 }} />
            <div className="trim-window" style={{ left: percent(inS), width: `calc(${percent(outS)} - ${percent(inS)})` }} />
            <input
              type="range"
              className="trim-handle"
              aria-label={t('trim.inHandle')}
              min={0}
              max={length}
              step={MIN_SPAN}
              value={inS}
              onChange={(e) => {
                const next = Math.min(Number(e.target.value), outS - MIN_SPAN);
                setMoving({ in: Math.max(0, next), out: outS });
                show(next);
              }}
              onPointerUp={release}
              onKeyUp={release}
              onBlur={release}
            />
            <input
              type="range"
              className="trim-handle"
              aria-label={t('trim.outHandle')}
              min={0}
              max={length}
              step={MIN_SPAN}
              value={outS}
              onChange={(e) => {
                const next = Math.max(Number(e.target.value), inS + MIN_SPAN);
                setMoving({ in: inS, out: Math.min(length, next) });
                show(next);
              }}
              onPointerUp={release}
              onKeyUp={release}
              onBlur={release}
            />
          </div>
        )}
        <div className="trim-fields">
          <label htmlFor={`${id}-in`}>{t('trim.in')}</label>
          <CommitInput
            id={`${id}-in`}
            type="number"
            min={0}
            step={MIN_SPAN}
            value={secondsText(shot.trimIn)}
            onCommit={(text) => save(Number(text), shot.trimOut)}
          />
          <label htmlFor={`${id}-out`}>{t('trim.out')}</label>
          <CommitInput
            id={`${id}-out`}
            type="number"
            min={0}
            step={MIN_SPAN}
            value={savedOut === null ? '' : secondsText(savedOut)}
            placeholder={t('trim.toEnd')}
            onCommit={(text) => save(shot.trimIn, text.trim() === '' ? null : Number(text))}
          />
          <span className="muted">{length !== null ? t('trim.of', { seconds: secondsText(length) }) : t('trim.lengthUnknown')}</span>
          {(shot.trimIn > 0 || shot.trimOut !== null) && (
            <button type="button" className="link" onClick={() => save(0, null)}>
              {t('trim.reset')}
            </button>
          )}
        </div>
        {problem && (
          <p className="field-error" role="alert">
            {t(`trim.problem_${problem}`, { seconds: length === null ? '' : secondsText(length) })}
          </p>
        )}
      </div>
    </div>
  );
}
