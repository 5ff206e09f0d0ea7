import type { MediaKind, OperationId, VendorId } from './catalog/spec';
import type { MediaFacts } from './media';

export const LIBRARY_SORTS = ['newest', 'oldest', 'title_asc', 'title_desc', 'largest', 'smallest'] as const;
export type LibrarySort = (typeof LIBRARY_SORTS)[number];

/** Largest page a search returns. */
export const LIBRARY_PAGE_MAX = 200;
/** A first page can count its matches up to this many; beyond it the UI says "10,000+". */
export const LIBRARY_COUNT_CAP = 10_000;
export const TAG_MAX_LENGTH = 40;
export const NOTES_MAX_LENGTH = 10_000;
export const TITLE_MAX_LENGTH = 300;
/** A poster is a small PNG (the renderer scales frames down), sent as base64 of at most 2 MB. */
export const POSTER_MAX_BASE64 = 2 * 1024 * 1024;
export const POSTER_MAX_BYTES = (POSTER_MAX_BASE64 / 4) * 3;

/** What the grid shows of an item; search pages carry these, `library.get` the full item. */
export interface LibraryItemSummary {
  id: string;
  title: string;
  kind: MediaKind;
  sizeBytes: number;
  width: number | null;
  height: number | null;
  durationMs: number | null;
  /** When the item entered the library (ms epoch). */
  createdAt: number;
  vendor: VendorId | null;
  operation: OperationId | null;
  favourite: boolean;
  /** The file was not found at its path the last time the library looked. */
  missing: boolean;
  /** Where the renderer loads the file from (a host-specific URL). */
  mediaUrl: string;
  /** The cached poster/thumbnail, once the renderer made one. */
  posterUrl: string | null;
  /** ffprobe could not decode the file (see `LibraryItem.facts.problem`); absent until probed. */
  undecodable?: boolean;
}

export interface LibraryItem extends LibraryItemSummary {
  mime: string;
  /** Absolute path on this computer. */
  path: string;
  sha256: string | null;
  /** The file's own modification time when it was added (an imported file's original date). */
  fileModifiedAt: number | null;
  source: 'job' | 'import';
  /** The job's validated parameters (vendor field names); null for imported files. */
  params: Record<string, unknown> | null;
  prompt: string;
  negativePrompt: string;
  /** The vendor's URL of this result, which chained Haiper operations need while it still works. */
  remoteUrl: string | null;
  remoteExpiresAt: number | null;
  /** The item this one was made from (stylize / extend / upscale / image-to-video input). */
  parentId: string | null;
  jobId: string | null;
  outputId: string | null;
  notes: string;
  tags: string[];
  /** What ffprobe read from the file; null until it has been probed. */
  facts?: MediaFacts | null;
}

export interface LibraryFilters {
  kind?: MediaKind | undefined;
  vendor?: VendorId | undefined;
  operation?: OperationId | undefined;
  /** Inclusive lower bound of `createdAt` (ms epoch). */
  from?: number | undefined;
  /** Exclusive upper bound of `createdAt` (ms epoch). */
  to?: number | undefined;
  /** true: favourites only. */
  favourite?: boolean | undefined;
  tag?: string | undefined;
  /** true: only items whose file is missing. */
  missing?: boolean | undefined;
}

export interface LibraryQuery extends LibraryFilters {
  /** Words or "quoted phrases", all of which must appear in the title, prompt, tags or notes. */
  text?: string | undefined;
  sort?: LibrarySort | undefined;
  limit?: number | undefined;
  /** `nextCursor` of the previous page, for the same query. */
  cursor?: string | undefined;
  /** Count the matches (up to LIBRARY_COUNT_CAP); only worth asking for the first page. */
  withTotal?: boolean | undefined;
}

export interface LibraryPage {
  items: LibraryItemSummary[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
  total?: { count: number; capped: boolean };
}

export interface LibraryUpdate {
  title?: string | undefined;
  notes?: string | undefined;
  favourite?: boolean | undefined;
}

export interface TagCount {
  name: string;
  count: number;
}

export interface ImportResult {
  added: number;
  /** Already in the library: same path, or same bytes (sha256) at another path. */
  duplicates: number;
  /** Not a video or image we recognise by its first bytes. */
  unsupported: number;
  /** Could not be read. */
  failed: number;
}

export interface MissingCheckResult {
  checked: number;
  missing: number;
  /** Items marked missing earlier whose file is back. */
  found: number;
}

export interface Lineage {
  /** Oldest first, ending with the item's parent. */
  ancestors: LibraryItem[];
  item: LibraryItem;
  /** Breadth-first; each knows its parent so the UI can draw the tree. */
  descendants: { item: LibraryItem; depth: number }[];
  /** What an exported reel was made from, in shot order; empty (or absent) for other items. */
  sources?: LibraryItem[];
}

/** Why a chain operation cannot take this item right now; the renderer words it. */
export type ChainBlock =
  | { code: 'file_missing' }
  | { code: 'no_remote_url' }
  | { code: 'remote_url_expired'; expiredAt: number }
  /** Still valid, but too close to its expiry for a job to fetch it in time. */
  | { code: 'remote_url_expiring'; expiresAt: number };

/** An item whose vendor link a new job can still fetch: what compose's "From library…" offers. */
export interface LinkableItem {
  id: string;
  title: string;
  kind: MediaKind;
  /** The result's public link (Haiper takes inputs by URL only). */
  url: string;
  /** ms epoch; null when the vendor did not say (HiDream). */
  expiresAt: number | null;
  posterUrl: string | null;
}

/** How many of the newest items "From library…" looks through for links that still work. */
export const LINKABLE_LOOKBACK = 5_000;

export interface ChainOption {
  operation: OperationId;
  possible: boolean;
  blocked?: ChainBlock;
  /** The remote URL's expiry is not known (HiDream does not say): the vendor may refuse it. */
  expiryUnknown?: boolean;
  /** Parameters to open the compose form with (the item in the operation's input field). */
  params: Record<string, unknown>;
  /** A local file to stream instead of a URL (stylize of a library video). */
  file?: string;
  parentItemId: string;
}
