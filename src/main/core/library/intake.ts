import { stat } from 'node:fs/promises';
import { basename, extname, normalize } from 'node:path';
import type { Download } from '@shared/downloads';
import { AppError } from '@shared/errors';
import { getParam, isOperationId, OPERATIONS, promptOf, searchLabels, type MediaKind, type OperationId, type VendorId } from '@shared/catalog';
import type { LibraryContext } from './context';
import { sha256File } from './files';
import { toItem, type NewItem, type StoredItem } from './item-repo';
import { probeFile } from './probe';
import { cleanTags } from './tags';

/** Intake: how items enter the library, above all a finished download becoming an item. */

/** What the store needs of a job; the engine's `Job` fits. */
export interface JobSource {
  id: string;
  operation: OperationId;
  vendor: VendorId;
  params: Record<string, unknown>;
  parentItemId: string | null;
}

/** What the store needs of a job output; the engine's `JobOutput` fits. */
export interface OutputSource {
  id: string;
  kind: MediaKind | null;
  url: string | null;
  expiresAt: number | null;
}

function mediaKindOf(contentType: string | null): MediaKind | null {
  if (contentType?.startsWith('video/')) return 'video';
  if (contentType?.startsWith('image/')) return 'image';
  return null;
}

export function titleOf(path: string): string {
  const name = basename(path);
  return name.slice(0, name.length - extname(name).length) || name;
}

const TITLE_MAX = 100;

/**
 * A job item's title: its prompt, as a person would name it (the file name is a template's slug);
 * a stylization without a prompt is named by its style and its file. Long prompts end in an ellipsis
 * at a word boundary; the whole prompt stays searchable and shown in the item's details.
 */
function jobItemTitle(path: string, operation: OperationId | null, params: Record<string, unknown> | null): string {
  const prompt = (params ? promptOf(params) : '').replace(/\s+/g, ' ').trim();
  if (prompt) {
    const chars = Array.from(prompt);
    if (chars.length <= TITLE_MAX) return prompt;
    const cut = chars.slice(0, TITLE_MAX).join('');
    const space = cut.lastIndexOf(' ');
    return `${(space > TITLE_MAX / 2 ? cut.slice(0, space) : cut).replace(/[\s,.;:，。；：、]+$/u, '')}…`;
  }
  const [style] = searchLabels(operation, params);
  return style ? `${style} — ${titleOf(path)}` : titleOf(path);
}

/** "960*960" → 960 × 960, as HiDream's resolution parameter says. */
function resolutionOf(params: Record<string, unknown>): { width: number; height: number } | null {
  const value = params['resolution'];
  const match = typeof value === 'string' ? /^(\d+)\*(\d+)$/.exec(value) : null;
  return match ? { width: Number(match[1]), height: Number(match[2]) } : null;
}

function negativePromptOf(operation: OperationId, params: Record<string, unknown>): string {
  const field = OPERATIONS[operation].fields.find((f) => f.type === 'text' && f.role === 'negative_prompt');
  const value = field ? getParam(params, field.key) : undefined;
  return typeof value === 'string' ? value : '';
}

/**
 * Inserts items in one transaction, with their tags and search rows. Dates never go backwards: an
 * item is never dated before the newest item already there (see the schema's notes).
 */
export function insertItems(ctx: LibraryContext, items: readonly NewItem[]): string[] {
  const cleaned = items.map((item) => (item.tags ? { ...item, tags: cleanTags(item.tags) } : item));
  return ctx.repo.insertItems(cleaned, ctx.now());
}

/**
 * Makes a completed download a library item: the file's facts from the disk, the rest from its job
 * and output (looked up by id when not given). Adding the same file twice returns the existing item.
 */
export async function addFromDownload(ctx: LibraryContext, download: Download, job?: JobSource | null, output?: OutputSource | null): Promise<StoredItem> {
  if (download.status !== 'completed' || !download.path) {
    throw new AppError('invalid_input', `Download ${download.id} is not completed, so there is no file to add to the library.`);
  }
  const path = normalize(download.path);
  const existing = ctx.repo.byPath(path);
  if (existing) return toItem(existing);
  const jobInfo = job === undefined ? jobSource(ctx, download.jobId) : job;
  const outputInfo = output === undefined ? outputSource(ctx, download.outputId) : output;

  let info;
  let fileStat;
  try {
    fileStat = await stat(path);
    info = await probeFile(path);
  } catch (error) {
    throw new AppError('not_found', `The downloaded file ${path} cannot be read, so it was not added to the library.`, { cause: error });
  }
  const params = jobInfo?.params ?? null;
  const operation = jobInfo?.operation ?? null;
  const resolution = params ? resolutionOf(params) : null;
  const duration = operation === 'haiper.generate' && params ? getParam(params, 'settings.duration') : undefined;
  // A job item is what its operation makes (filters rely on it); the file's bytes decide otherwise.
  const kind = operation ? OPERATIONS[operation].output : (info?.kind ?? outputInfo?.kind ?? mediaKindOf(download.contentType) ?? 'video');
  if (info && info.kind !== kind) ctx.log?.warn('library: file kind differs from its operation', { path, operation, detected: info.kind });
  const contentType = mediaKindOf(download.contentType) === kind ? download.contentType : null;
  const newItem: NewItem = {
    path,
    title: jobItemTitle(path, operation, params),
    kind,
    mime: (info?.kind === kind ? info.mime : null) ?? contentType ?? (kind === 'video' ? 'video/mp4' : 'image/png'),
    sizeBytes: fileStat.size,
    sha256: download.sha256 ?? (await sha256File(path)),
    width: info?.width ?? resolution?.width ?? null,
    height: info?.height ?? resolution?.height ?? null,
    durationMs: info?.durationMs ?? (typeof duration === 'number' ? duration * 1000 : null),
    createdAt: download.finishedAt ?? ctx.now(),
    fileModifiedAt: Math.round(fileStat.mtimeMs),
    source: 'job',
    vendor: jobInfo?.vendor ?? null,
    operation,
    params,
    prompt: params ? promptOf(params) : '',
    negativePrompt: params && operation ? negativePromptOf(operation, params) : '',
    remoteUrl: download.url || outputInfo?.url || null,
    remoteExpiresAt: download.expiresAt ?? outputInfo?.expiresAt ?? null,
    parentId: jobInfo?.parentItemId ?? null,
    jobId: jobInfo?.id ?? download.jobId,
    outputId: outputInfo?.id ?? download.outputId,
    downloadId: download.id,
  };
  let id: string;
  try {
    [id = ''] = insertItems(ctx, [newItem]);
  } catch (error) {
    // A second listener call for the same file raced us to the insert.
    const raced = ctx.repo.byPath(path);
    if (raced) return toItem(raced);
    throw error;
  }
  const item = ctx.get(id);
  ctx.emit({ type: 'updated', item });
  return item;
}

/**
 * Completed downloads (finished at or after `since`) whose file is no library item, in id order after
 * `after`: what another process sharing the database downloaded, for the intake's sweep.
 */
export function completedDownloadsWithoutItem(ctx: LibraryContext, since: number, after: string, limit: number): string[] {
  return ctx.repo.downloadsWithoutItem(since, after, limit);
}

function jobSource(ctx: LibraryContext, jobId: string | null): JobSource | null {
  if (!jobId) return null;
  const row = ctx.repo.jobRow(jobId);
  if (!row || !isOperationId(row.operation)) return null;
  let params: Record<string, unknown> = {};
  try {
    params = JSON.parse(row.params) as Record<string, unknown>;
  } catch {
    ctx.log?.warn('library: job params are not JSON', { jobId });
  }
  return { id: row.id, operation: row.operation, vendor: row.vendor, params, parentItemId: row.parent_item_id };
}

function outputSource(ctx: LibraryContext, outputId: string | null): OutputSource | null {
  if (!outputId) return null;
  const row = ctx.repo.outputRow(outputId);
  return row ? { id: row.id, kind: row.kind, url: row.url, expiresAt: row.expires_at } : null;
}
