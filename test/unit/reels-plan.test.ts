import { describe, expect, it } from 'vitest';
import { resolutionFor, resolutionMatches, shotInputSchema } from '@shared/reels';
import { frameRate } from '@main/core/media/probe';
import { findTitleFont, needsCjk } from '@main/core/reels/fonts';
import { buildFfmpegPlan, escapeFilterValue, type Segment } from '@main/core/reels/plan';

const clip = (duration: number, audio = false): Segment => ({ kind: 'clip', path: `/clips/${duration}.mp4`, start: 0, duration, still: false, audio });

describe('export plan', () => {
  it('lasts the sum of its segments minus the crossfades', () => {
    const plan = buildFfmpegPlan({ segments: [clip(2), clip(1.5), clip(3)], crossfades: [0.5, 0], resolution: { width: 320, height: 180 } });
    expect(plan.totalSeconds).toBe(6);
    expect(plan.inputs).toHaveLength(3);
    // The crossfade blends the first clip's tail into the second's head; the audio overlaps the same way.
    expect(plan.filtergraph).toContain('[t0][h1]blend=');
    expect(plan.filtergraph).toContain('acrossfade=d=0.5');
    expect(plan.filtergraph).toMatch(/\[b0\]\[x1\]\[b1\]\[v2\]concat=n=4:v=1:a=0\[vout\]/);
  });

  it('gives a clip without sound, or muted, a silent track, and pads every picture into the frame', () => {
    const plan = buildFfmpegPlan({ segments: [clip(1, true), clip(1)], crossfades: [0], resolution: { width: 640, height: 360 } });
    expect(plan.filtergraph).toContain('[0:a]aresample=48000');
    expect(plan.filtergraph).not.toContain('[1:a]');
    expect(plan.filtergraph).toContain('anullsrc=r=48000:cl=stereo,atrim=duration=1[a1]');
    expect(plan.filtergraph).toContain('scale=640:360:force_original_aspect_ratio=decrease,pad=640:360');
  });

  it('escapes paths for both levels of ffmpeg’s filter syntax', () => {
    // Checked against the real ffmpeg with a font at /tmp/we:ird's,[1].ttf.
    expect(escapeFilterValue("we:ird's,[1].ttf")).toBe(String.raw`we\\:ird\\\'s\,\[1\].ttf`);
    expect(escapeFilterValue('/usr/share/fonts/a.ttf')).toBe('/usr/share/fonts/a.ttf');
  });
});

describe('reel formats and fonts', () => {
  it('derives even sizes from a shape and checks a size against it', () => {
    expect(resolutionFor('16:9', 720)).toEqual({ width: 1280, height: 720 });
    expect(resolutionFor('9:16', 360)).toEqual({ width: 360, height: 640 });
    expect(resolutionMatches('16:9', { width: 320, height: 180 })).toBe(true);
    expect(resolutionMatches('1:1', { width: 320, height: 180 })).toBe(false);
    expect(shotInputSchema.safeParse({ source: { kind: 'item', itemId: '1' }, transition: { kind: 'crossfade', seconds: 9 } }).success).toBe(false);
  });

  it('picks a font with Chinese glyphs for Chinese text, and none rather than the wrong one', () => {
    expect(needsCjk('第一天')).toBe(true);
    expect(needsCjk('Day one')).toBe(false);
    const only = (path: string) => (p: string): boolean => p === path;
    expect(findTitleFont('第一天', {}, only('/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf'))).toBeNull();
    expect(findTitleFont('Day one', {}, only('/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf'))).toBe('/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf');
    expect(findTitleFont('第一天', {}, only('/System/Library/Fonts/PingFang.ttc'))).toBe('/System/Library/Fonts/PingFang.ttc');
  });

  it('reads ffprobe frame rates', () => {
    expect(frameRate('30000/1001')).toBe(29.97);
    expect(frameRate('0/0')).toBeNull();
  });
});
