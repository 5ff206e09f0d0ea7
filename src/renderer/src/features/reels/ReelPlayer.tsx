import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDuration } from '@shared/format';
import { activeAt, layout, upcoming, type Placed, type Segment } from './timeline';

/** How far a playing clip may drift from the reel's clock before it is put back in step. */
const DRIFT_S = 0.35;
/** Clips that start this soon are mounted paused at their in-point, so they are decoded in time. */
const PRELOAD_MS = 1500;

interface Props {
  segments: readonly Segment[];
  /** The output frame, e.g. 1280 × 720: the stage has its shape and letterboxes each shot into it. */
  width: number;
  height: number;
  onClose?: () => void;
}

function ClipLayer({ segment, localMs, opacity, playing, visible }: { segment: Extract<Segment, { kind: 'clip' }>; localMs: number; opacity: number; playing: boolean; visible: boolean }): React.JSX.Element {
  const video = useRef<HTMLVideoElement>(null);
  const wanted = (segment.inMs + (visible ? localMs : 0)) / 1000;
  useEffect(() => {
    const el = video.current;
    if (!el) return;
    // Only a decodable clip is nudged; one still loading would be sent back to the start on every frame.
    if (el.readyState >= 1 && Math.abs(el.currentTime - wanted) > DRIFT_S) el.currentTime = wanted;
    if (playing && visible) {
      if (el.paused) void el.play().catch(() => undefined);
    } else if (!el.paused) el.pause();
  }, [wanted, playing, visible]);
  return (
    <video
      ref={video}
      className="reel-layer"
      style={{ opacity: visible ? opacity : 0 }}
      src={segment.src}
      muted={segment.muted}
      preload="auto"
      playsInline
      data-segment={segment.key}
      onLoadedMetadata={(e) => {
        e.currentTarget.currentTime = wanted;
      }}
    />
  );
}

function TitleLayer({ segment, opacity }: { segment: Extract<Segment, { kind: 'title' }>; opacity: number }): React.JSX.Element {
  return (
    <div className="reel-layer reel-title-layer" style={{ opacity, background: segment.background, color: segment.color }} data-segment={segment.key}>
      <span>{segment.text}</span>
    </div>
  );
}

/**
 * The whole reel in the renderer, before anything is exported: shots one after another from their
 * in-point to their out-point, muted where the reel mutes them, title cards as coloured slides, and
 * crossfades overlapping the two shots for the fade's length. One clock drives every layer.
 */
export function ReelPlayer({ segments, width, height, onClose }: Props): React.JSX.Element {
  const { t } = useTranslation('reels');
  const timeline = useMemo(() => layout(segments), [segments]);
  const [time, setTime] = useState(0);
  const [playing, setPlaying] = useState(false);
  const clock = useRef({ time: 0, last: 0 });

  useEffect(() => {
    if (!playing) return;
    clock.current.last = performance.now();
    let frame = requestAnimationFrame(function tick(now) {
      const next = Math.min(timeline.totalMs, clock.current.time + (now - clock.current.last));
      clock.current = { time: next, last: now };
      setTime(next);
      if (next >= timeline.totalMs) {
        setPlaying(false);
        return;
      }
      frame = requestAnimationFrame(tick);
    });
    return () => cancelAnimationFrame(frame);
  }, [playing, timeline.totalMs]);

  const seek = (ms: number): void => {
    clock.current.time = ms;
    setTime(ms);
  };
  const play = (): void => {
    if (time >= timeline.totalMs) seek(0);
    setPlaying(true);
  };

  const active = activeAt(timeline, time);
  const soon = upcoming(timeline, time, PRELOAD_MS);
  const layers: { placed: Placed; opacity: number; localMs: number; visible: boolean }[] = [
    ...active.map((a) => ({ ...a, visible: true })),
    ...soon.map((placed) => ({ placed, opacity: 0, localMs: 0, visible: false })),
  ];
  const current = active.at(-1)?.placed;

  return (
    <section className="reel-player" aria-label={t('preview.label')}>
      <div className="reel-stage" style={{ aspectRatio: `${width} / ${height}` }}>
        {layers.map(({ placed, opacity, localMs, visible }) =>
          placed.segment.kind === 'clip' ? (
            <ClipLayer key={`${placed.index}:${placed.segment.key}`} segment={placed.segment} localMs={localMs} opacity={opacity} playing={playing} visible={visible} />
          ) : (
            visible && <TitleLayer key={`${placed.index}:${placed.segment.key}`} segment={placed.segment} opacity={opacity} />
          ),
        )}
        {segments.length === 0 && <p className="reel-stage-empty">{t('preview.empty')}</p>}
      </div>
      <div className="reel-player-bar">
        {playing ? (
          <button type="button" className="secondary" onClick={() => setPlaying(false)}>
            {t('preview.pause')}
          </button>
        ) : (
          <button type="button" onClick={play} disabled={timeline.totalMs === 0}>
            {t('preview.play')}
          </button>
        )}
        <input
          type="range"
          aria-label={t('preview.position')}
          min={0}
          max={timeline.totalMs}
          step={100}
          value={Math.round(time)}
          onChange={(e) => seek(Number(e.target.value))}
        />
        <span className="reel-time">
          {formatDuration(time)} / {formatDuration(timeline.totalMs)}
        </span>
        <span className="reel-now" data-testid="reel-now">
          {current?.segment.label ?? ''}
        </span>
        {onClose && (
          <button type="button" className="link" onClick={onClose}>
            {t('preview.close')}
          </button>
        )}
      </div>
    </section>
  );
}
