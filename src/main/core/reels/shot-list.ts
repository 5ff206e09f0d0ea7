import { promptOf } from '@shared/catalog';
import type { Reel } from '@shared/reels';
import type { ResolvedShot } from './service';

/**
 * The reel's shot list as an editor wants it beside the video: what each shot is (prompt, operation,
 * vendor, seed, the file it plays), where it starts in the export and how long it lasts.
 */
export interface ShotListRow {
  resolved: ResolvedShot;
  /** Seconds into the export where the shot's clip starts (after its title card). */
  startsAt: number;
  length: number;
}

/** A seed anywhere in the parameters (`seed`, `settings.seed`…). */
function seedOf(params: Record<string, unknown> | null | undefined): number | null {
  if (!params) return null;
  for (const [key, value] of Object.entries(params)) {
    if (key === 'seed' && typeof value === 'number') return value;
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const nested = seedOf(value as Record<string, unknown>);
      if (nested !== null) return nested;
    }
  }
  return null;
}

function describe(row: ShotListRow): Record<string, string | number | boolean | null> {
  const { shot, item } = row.resolved;
  const params = shot.source.kind === 'planned' ? shot.source.params : (item?.params ?? null);
  const operation = shot.source.kind === 'planned' ? shot.source.operation : (item?.operation ?? null);
  return {
    position: shot.position + 1,
    shotId: shot.id,
    source: shot.source.kind === 'planned' ? 'generated' : item?.source === 'import' ? 'imported' : 'library',
    itemId: item?.id ?? null,
    title: item?.title ?? null,
    file: item?.path ?? null,
    operation,
    vendor: item?.vendor ?? (operation ? operation.split('.')[0] ?? null : null),
    prompt: item?.prompt || (params ? promptOf(params) : '') || null,
    negativePrompt: item?.negativePrompt || null,
    seed: seedOf(params),
    trimIn: shot.trimIn,
    trimOut: shot.trimOut,
    startsAt: row.startsAt,
    seconds: row.length,
    keepAudio: shot.keepAudio,
    transition: shot.transition.kind,
    transitionSeconds: shot.transition.kind === 'crossfade' ? shot.transition.seconds : 0,
    titleCard: shot.titleCard?.text ?? null,
    titleCardSeconds: shot.titleCard?.seconds ?? 0,
    jobId: item?.jobId ?? shot.jobId,
    params: params ? JSON.stringify(params) : null,
  };
}

export function shotListJson(reel: Reel, rows: readonly ShotListRow[], video: string): string {
  return `${JSON.stringify(
    {
      reel: { id: reel.id, name: reel.name, aspectRatio: reel.aspectRatio, width: reel.resolution.width, height: reel.resolution.height, notes: reel.notes },
      video,
      shots: rows.map((row) => {
        const described = describe(row);
        const source = row.resolved.shot.source;
        return { ...described, params: source.kind === 'planned' ? source.params : (row.resolved.item?.params ?? null) };
      }),
    },
    null,
    2,
  )}\n`;
}

/** RFC 4180 with a guard: a cell a spreadsheet would run as a formula starts with an apostrophe. */
function cell(value: string | number | boolean | null): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function shotListCsv(rows: readonly ShotListRow[]): string {
  const described = rows.map(describe);
  const header = Object.keys(described[0] ?? describe({ resolved: { shot: EMPTY_SHOT, item: null, length: 0 }, startsAt: 0, length: 0 }));
  return `${[header.join(','), ...described.map((row) => header.map((key) => cell(row[key] ?? null)).join(','))].join('\r\n')}\r\n`;
}

const EMPTY_SHOT: ResolvedShot['shot'] = {
  id: '',
  position: 0,
  source: { kind: 'item', itemId: '1' },
  trimIn: 0,
  trimOut: null,
  keepAudio: true,
  transition: { kind: 'cut' },
  titleCard: null,
  itemId: null,
  jobId: null,
  jobStatus: null,
  jobProgress: null,
  state: 'planned',
  error: null,
  clip: null,
};
