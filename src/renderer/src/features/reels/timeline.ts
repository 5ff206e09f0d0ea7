/**
 * The reel as the preview plays it: segments one after another, each starting where the previous one
 * ends, or `fadeInMs` earlier when it crossfades in (both play during the fade, as in the export).
 */
export type Segment =
  | { kind: 'clip'; key: string; label: string; src: string; inMs: number; outMs: number; muted: boolean; fadeInMs: number }
  | { kind: 'title'; key: string; label: string; text: string; background: string; color: string; durationMs: number; fadeInMs: number };

export interface Placed {
  segment: Segment;
  index: number;
  startMs: number;
  endMs: number;
}

export interface Timeline {
  placed: Placed[];
  totalMs: number;
}

export function lengthOf(segment: Segment): number {
  return segment.kind === 'clip' ? Math.max(0, segment.outMs - segment.inMs) : Math.max(0, segment.durationMs);
}

export function layout(segments: readonly Segment[]): Timeline {
  const placed: Placed[] = [];
  let end = 0;
  segments.forEach((segment, index) => {
    const length = lengthOf(segment);
    // A fade never reaches back past the start of the previous segment, nor longer than this one.
    const previous = placed.at(-1);
    const fade = index === 0 || !previous ? 0 : Math.min(segment.fadeInMs, length, previous.endMs - previous.startMs);
    const startMs = end - fade;
    placed.push({ segment, index, startMs, endMs: startMs + length });
    end = startMs + length;
  });
  return { placed, totalMs: end };
}

/** What is on screen at `t`: every segment playing then, with its opacity (1 unless fading in). */
export function activeAt(timeline: Timeline, t: number): { placed: Placed; opacity: number; localMs: number }[] {
  const active: { placed: Placed; opacity: number; localMs: number }[] = [];
  for (const p of timeline.placed) {
    if (t < p.startMs || t >= p.endMs) continue;
    const fade = p.index === 0 ? 0 : Math.min(p.segment.fadeInMs, p.endMs - p.startMs);
    const into = t - p.startMs;
    active.push({ placed: p, opacity: fade > 0 && into < fade ? into / fade : 1, localMs: into });
  }
  // The last frame of the reel stays on screen once it has ended.
  const last = timeline.placed.at(-1);
  if (active.length === 0 && last && t >= timeline.totalMs) active.push({ placed: last, opacity: 1, localMs: last.endMs - last.startMs });
  return active;
}

/** Segments starting soon: mounted early, paused at their in-point, so they are decoded when their turn comes. */
export function upcoming(timeline: Timeline, t: number, withinMs: number): Placed[] {
  return timeline.placed.filter((p) => p.startMs > t && p.startMs - t <= withinMs);
}
