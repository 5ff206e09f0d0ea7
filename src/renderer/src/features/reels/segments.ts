import type { Reel, Shot } from '@shared/reels';
import type { Segment } from './timeline';

const WHITE = '#ffffff';

/** Seconds of the clip a shot plays, or null while its length is unknown. */
export function shotSpan(shot: Shot): { in: number; out: number } | null {
  const length = shot.clip?.durationSeconds ?? null;
  const out = shot.trimOut ?? length;
  if (out === null) return null;
  return { in: Math.min(shot.trimIn, out), out: length === null ? out : Math.min(out, length) };
}

/** Whether the preview can play this shot: a ready clip whose length is known. */
export function playable(shot: Shot): boolean {
  return shot.state === 'ready' && shot.clip !== null && shotSpan(shot) !== null;
}

/**
 * The reel as the preview plays it. A shot's transition leads into whatever the next playable shot
 * shows first (its title card, if it has one); a title card cuts into its own clip. Shots that cannot
 * play yet are left out, and the editor says how many.
 */
export function reelSegments(reel: Reel, label: (shot: Shot, part: 'clip' | 'title') => string): Segment[] {
  const segments: Segment[] = [];
  let fadeInMs = 0;
  for (const shot of reel.shots) {
    const span = shotSpan(shot);
    if (!playable(shot) || !shot.clip || !span) continue;
    if (shot.titleCard) {
      const card = shot.titleCard;
      segments.push({
        kind: 'title',
        key: `${shot.id}:title`,
        label: label(shot, 'title'),
        text: card.text,
        background: card.background,
        color: card.colour ?? WHITE,
        durationMs: Math.round(card.seconds * 1000),
        fadeInMs,
      });
      fadeInMs = 0;
    }
    segments.push({
      kind: 'clip',
      key: shot.id,
      label: label(shot, 'clip'),
      src: shot.clip.mediaUrl,
      inMs: Math.round(span.in * 1000),
      outMs: Math.round(span.out * 1000),
      muted: !shot.keepAudio,
      fadeInMs,
    });
    fadeInMs = shot.transition.kind === 'crossfade' ? Math.round(shot.transition.seconds * 1000) : 0;
  }
  return segments;
}
