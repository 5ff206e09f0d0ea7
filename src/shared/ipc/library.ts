import { z } from 'zod';
import {
  LIBRARY_PAGE_MAX,
  LIBRARY_SORTS,
  NOTES_MAX_LENGTH,
  POSTER_MAX_BASE64,
  TAG_MAX_LENGTH,
  TITLE_MAX_LENGTH,
  type ChainOption,
  type ImportResult,
  type LibraryItem,
  type LibraryItemSummary,
  type LibraryPage,
  type LinkableItem,
  type Lineage,
  type MissingCheckResult,
  type TagCount,
} from '../library';
import { OPERATION_IDS } from '../catalog/spec';
import { VENDOR_IDS } from '../catalog/vendors';
import { event, request } from './define';

const id = z.string().regex(/^[1-9]\d{0,14}$/, 'must be a library item id');
/** Tags are cleaned (spaces collapsed, NFKC) and checked again in main; this bounds the payload. */
const tag = z.string().min(1).max(TAG_MAX_LENGTH * 4);
const path = z.string().min(1).max(4096);
const epochMs = z.number().int().min(0).max(8.64e15);

export const libraryRequests = {
  /** A page of item summaries; pass `nextCursor` back as `cursor` for the next page of the same query. */
  'library.search': request(
    z
      .object({
        text: z.string().max(500).optional(),
        kind: z.enum(['video', 'image']).optional(),
        vendor: z.enum(VENDOR_IDS).optional(),
        operation: z.enum(OPERATION_IDS).optional(),
        from: epochMs.optional(),
        to: epochMs.optional(),
        favourite: z.boolean().optional(),
        tag: tag.optional(),
        missing: z.boolean().optional(),
        sort: z.enum(LIBRARY_SORTS).default('newest'),
        limit: z.number().int().min(1).max(LIBRARY_PAGE_MAX).default(100),
        cursor: z.string().max(4000).optional(),
        withTotal: z.boolean().optional(),
      })
      .strict(),
  ).returns<LibraryPage>(),
  /** The items saved from these job outputs (the studio's feed shows a job's results with their library actions). */
  'library.forOutputs': request(z.object({ outputIds: z.array(z.string().min(1).max(100)).min(1).max(200) }).strict()).returns<{ outputId: string; item: LibraryItemSummary }[]>(),
  /** The full item, after checking its file is still there. */
  'library.get': request(z.object({ id }).strict()).returns<LibraryItem>(),
  'library.update': request(
    z
      .object({
        id,
        title: z.string().min(1).max(TITLE_MAX_LENGTH).optional(),
        notes: z.string().max(NOTES_MAX_LENGTH).optional(),
        favourite: z.boolean().optional(),
      })
      .strict(),
  ).returns<LibraryItem>(),
  'library.tag': request(z.object({ id, tags: z.array(tag).min(1).max(20) }).strict()).returns<LibraryItem>(),
  'library.untag': request(z.object({ id, tags: z.array(tag).min(1).max(20) }).strict()).returns<LibraryItem>(),
  /** Tags with their item counts, most used first. */
  'library.tags': request(z.object({ limit: z.number().int().min(1).max(5000).default(500) }).strict()).returns<TagCount[]>(),
  /** Moves the file to the OS trash and forgets the item. */
  /** A job's result goes to the trash; an imported file stays where it is (`trashed: false`). */
  'library.remove': request(z.object({ id }).strict()).returns<{ id: string; trashed: boolean }>(),
  'library.checkMissing': request(z.object({}).strict()).returns<MissingCheckResult>(),
  /** Points a missing item at the file's new place; the file must be the same (sha256 or size). */
  'library.relink': request(z.object({ id, path }).strict()).returns<LibraryItem>(),
  /** Adds every video and image under a folder (absolute path), optionally tagging them. */
  'library.import': request(z.object({ path, tags: z.array(tag).max(20).optional() }).strict()).returns<ImportResult>(),
  'library.lineage': request(z.object({ id }).strict()).returns<Lineage>(),
  /** Which operations this item can feed now, with the parameters to open the compose form with. */
  'library.chainOptions': request(z.object({ id }).strict()).returns<ChainOption[]>(),
  /** The newest items of a kind whose vendor link is still valid long enough to feed a job, newest first. */
  'library.linkable': request(z.object({ kind: z.enum(['video', 'image']), limit: z.number().int().min(1).max(200).default(50) }).strict()).returns<LinkableItem[]>(),
  /** A poster frame / thumbnail made in the renderer, plus what its media element learned. */
  'library.setPoster': request(
    z
      .object({
        id,
        png: z.base64().max(POSTER_MAX_BASE64),
        width: z.number().int().min(1).max(65_535).optional(),
        height: z.number().int().min(1).max(65_535).optional(),
        durationMs: z.number().int().min(0).max(864e5).optional(),
      })
      .strict(),
  ).returns<LibraryItem>(),
  /** Shows the file in the system's file manager, where the host can (false in the browser shell). */
  'library.reveal': request(z.object({ id }).strict()).returns<{ revealed: boolean }>(),
  /** Starts a native drag of the file out of the app, where the host can (false in the browser shell). */
  'library.startDrag': request(z.object({ id }).strict()).returns<{ started: boolean }>(),
} as const;

export const libraryEvents = {
  /** An item was added or changed. */
  'library.updated': event<LibraryItem>(),
  'library.removed': event<{ id: string }>(),
  /** Many items changed at once (an import, a missing-file check): query again. */
  'library.invalidated': event<{ reason: 'import' | 'missing' }>(),
} as const;
