import { LINKABLE_LOOKBACK, type ChainBlock, type ChainOption, type LinkableItem } from '@shared/library';
import { OPERATION_LIST, OPERATIONS, setParam, type MediaKind, type OperationId } from '@shared/catalog';
import type { LibraryContext } from './context';
import { rowId, toItem, type StoredItem } from './item-repo';

/** Lineage (what an item was made from and into) and chain policy (what an item can feed, and how). */

/** A chained Haiper job fetches the URL some time after the user clicks; allow for that. */
const URL_MARGIN_MS = 5 * 60_000;
const LINEAGE_MAX = 500;

export interface Lineage {
  ancestors: StoredItem[];
  item: StoredItem;
  descendants: { item: StoredItem; depth: number }[];
  /** What an export was made from, in shot order (see `item_sources`); empty for other items. */
  sources: StoredItem[];
}

export type LinkableSummary = Omit<LinkableItem, 'posterUrl'> & { posterPath: string | null; updatedAt: number };

/** Where the item came from and what was made from it, following `parentId` both ways. */
export function lineage(ctx: LibraryContext, id: string): Lineage {
  const item = ctx.get(id);
  const ancestors = ctx.repo.ancestors(rowId(id), LINEAGE_MAX).map(toItem);
  const descendants = ctx.repo.descendants(rowId(id), LINEAGE_MAX).map((row) => ({ item: toItem(row), depth: row.depth }));
  const sources = ctx.repo.sources(rowId(id)).map(toItem);
  return { ancestors, item, descendants, sources };
}

/**
 * What this item can feed right now: every operation whose input accepts the item's kind. One that
 * takes a local file can use any item still on disk; the others take only a public URL: the item's
 * own remote URL, while it works.
 */
export function chainOptions(ctx: LibraryContext, id: string): ChainOption[] {
  const item = ctx.get(id);
  const now = ctx.now();
  const urlBlock = (): ChainBlock | undefined => {
    if (!item.remoteUrl) return { code: 'no_remote_url' };
    if (item.remoteExpiresAt === null) return undefined;
    if (item.remoteExpiresAt <= now) return { code: 'remote_url_expired', expiredAt: item.remoteExpiresAt };
    if (item.remoteExpiresAt <= now + URL_MARGIN_MS) return { code: 'remote_url_expiring', expiresAt: item.remoteExpiresAt };
    return undefined;
  };
  const viaUrl = (operation: OperationId, extra: Record<string, unknown> = {}): ChainOption => {
    const blocked = urlBlock();
    const params: Record<string, unknown> = { ...extra };
    const field = OPERATIONS[operation].inputField;
    if (!blocked && item.remoteUrl && field) setParam(params, field, item.remoteUrl);
    return {
      operation,
      possible: !blocked,
      ...(blocked ? { blocked } : {}),
      ...(!blocked && item.remoteExpiresAt === null ? { expiryUnknown: true } : {}),
      params,
      parentItemId: item.id,
    };
  };
  const viaFile = (operation: OperationId): ChainOption =>
    item.missing
      ? { operation, possible: false, blocked: { code: 'file_missing' }, params: {}, parentItemId: item.id }
      : { operation, possible: true, params: {}, file: item.path, parentItemId: item.id };
  const feeds = OPERATION_LIST.filter((spec) => spec.accepts === item.kind);
  // What takes the local file comes first: it works whatever happened to the remote URL.
  return [
    ...feeds.filter((spec) => spec.fileField).map((spec) => viaFile(spec.id)),
    ...feeds.filter((spec) => !spec.fileField).map((spec) => viaUrl(spec.id, spec.keepsPrompt && item.prompt ? { prompt: item.prompt } : {})),
  ];
}

/**
 * Items of a kind whose remote URL a job fetching it in a few minutes can still use (an unknown
 * expiry counts as usable, as in `chainOptions`), newest first, among the newest LINKABLE_LOOKBACK
 * items: older links have long expired, and the scan stays short at any library size.
 */
export function linkable(ctx: LibraryContext, kind: MediaKind, limit: number): LinkableSummary[] {
  const rows = ctx.repo.linkable(LINKABLE_LOOKBACK, kind, ctx.now() + URL_MARGIN_MS, limit);
  return rows.map((row) => ({
    id: String(row.id),
    title: row.title,
    kind,
    url: row.remote_url,
    expiresAt: row.remote_expires_at,
    posterPath: row.poster_path,
    updatedAt: row.updated_at,
  }));
}
