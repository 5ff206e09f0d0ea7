import { existsSync, lstatSync } from 'node:fs';
import { dirname } from 'node:path';
import { AppError } from '@shared/errors';
import type { RequestName } from '@shared/ipc';
import type { Download } from '@shared/downloads';
import type { MediaFacts } from '@shared/media';
import { checkFolder, type PathGrants } from '../../platform/paths-policy';
import type { EventBus } from '../events';
import type { HostCapabilities } from '../host';
import type { HandlersFor } from '../ipc/dispatcher';
import type { Logger } from '../log';
import { every, reportBackground, type BackgroundProblem } from '@main/platform/timer';
import { posterUrlOf, toWire, type LibraryStore } from './store';

export type LibraryRequestName = Extract<RequestName, `library.${string}`>;

export interface LibraryHostOptions {
  /** Prefix of media URLs the renderer can load: `promptreel-media://item/` (Electron), `/media/` (shell). */
  mediaUrlPrefix: string;
  /** Reveal and drag-out, where the host has them (the desktop app); the browser shell has none. */
  host?: HostCapabilities | undefined;
  /** Paths the host got from the user; in the desktop app an import or relink must name one. */
  grants?: PathGrants | undefined;
  /** ffprobe's stored facts of items, to show with them (see media/service.ts). */
  facts?: ((ids: readonly string[]) => Map<string, MediaFacts>) | undefined;
}

/** Adds stored media facts: the whole record to a full item, the undecodable flag to every item. */
export function withFacts<T extends { id: string }>(items: T[], facts: LibraryHostOptions['facts'], full: boolean): T[] {
  if (!facts || items.length === 0) return items;
  const found = facts(items.map((item) => item.id));
  return items.map((item) => {
    const known = found.get(item.id);
    if (!known) return full ? { ...item, facts: null } : item;
    return { ...item, undecodable: !known.decodable, ...(full ? { facts: known } : {}) };
  });
}

/** The library's slice of the IPC handler map. */
export function libraryHandlers(store: LibraryStore, options: LibraryHostOptions): HandlersFor<LibraryRequestName> {
  const plain = <T extends Parameters<typeof toWire>[0]>(item: T): ReturnType<typeof toWire<T>> => toWire(item, options.mediaUrlPrefix);
  const wire = <T extends Parameters<typeof toWire>[0]>(item: T): ReturnType<typeof toWire<T>> => withFacts([plain(item)], options.facts, true)[0] ?? plain(item);
  return {
    'library.search': (query) => {
      const page = store.search(query);
      return { ...page, items: withFacts(page.items.map(plain), options.facts, false) };
    },
    'library.forOutputs': ({ outputIds }) => store.forOutputs(outputIds).map(({ outputId, item }) => ({ outputId, item: wire(item) })),
    'library.get': async ({ id }) => wire(await store.check(id)),
    'library.update': ({ id, ...patch }) => wire(store.update(id, patch)),
    'library.tag': ({ id, tags }) => wire(store.tag(id, tags)),
    'library.untag': ({ id, tags }) => wire(store.untag(id, tags)),
    'library.tags': ({ limit }) => store.listTags(limit),
    'library.remove': async ({ id }) => ({ id, ...(await store.remove(id)) }),
    'library.checkMissing': () => store.checkMissing(),
    'library.relink': async ({ id, path }) => {
      options.grants?.require(path, 'The file to relink', 'the item’s “Choose file…”');
      checkFolder(dirname(path), 'relink');
      return wire(await store.relink(id, path));
    },
    'library.import': ({ path, tags }) => {
      options.grants?.require(path, 'A folder to import', 'the library’s “Choose folder…”');
      return store.importFolder(checkFolder(path, 'import'), { tags: tags ?? [] });
    },
    'library.lineage': ({ id }) => {
      const lineage = store.lineage(id);
      return {
        ancestors: lineage.ancestors.map(wire),
        item: wire(lineage.item),
        descendants: lineage.descendants.map(({ item, depth }) => ({ item: wire(item), depth })),
        sources: lineage.sources.map(wire),
      };
    },
    'library.chainOptions': ({ id }) => store.chainOptions(id),
    'library.linkable': ({ kind, limit }) =>
      store.linkable(kind, limit).map(({ posterPath, updatedAt, ...item }) => ({ ...item, posterUrl: posterUrlOf({ id: item.id, posterPath, updatedAt }, options.mediaUrlPrefix) })),
    'library.setPoster': async ({ id, png, ...media }) => wire(await store.setPoster(id, Buffer.from(png, 'base64'), media)),
    'library.reveal': async ({ id }) => {
      const item = await store.check(id);
      if (item.missing) throw new AppError('not_found', `${item.path} is missing, so it cannot be shown in its folder.`);
      if (!options.host) return { revealed: false };
      options.host.showItemInFolder(item.path);
      return { revealed: true };
    },
    'library.startDrag': async ({ id }) => {
      const item = store.get(id);
      if (item.missing) throw new AppError('not_found', `${item.path} is missing, so it cannot be dragged.`);
      // Dragged out, a link swapped in for the file would hand over whatever it points to.
      if (lstatSync(item.path, { throwIfNoEntry: false })?.isFile() === false) {
        throw new AppError('forbidden', `${item.path} is no longer the library's file (it is now a link or not a regular file), so it is not dragged.`);
      }
      if (!options.host) return { started: false };
      await options.host.startDrag(item.path);
      return { started: true };
    },
  };
}

/** Forwards the store's changes as IPC events with host media URLs. */
export function forwardLibraryEvents(store: LibraryStore, events: EventBus, mediaUrlPrefix: string, facts?: LibraryHostOptions['facts']): () => void {
  return store.onChange((change) => {
    if (change.type === 'updated') {
      const item = toWire(change.item, mediaUrlPrefix);
      events.emit('library.updated', withFacts([item], facts, true)[0] ?? item);
    } else if (change.type === 'removed') events.emit('library.removed', { id: change.id });
    else events.emit('library.invalidated', { reason: change.reason });
  });
}

/** How often the intake looks for downloads another process (the CLI) completed while the app runs. */
export const INTAKE_SWEEP_MS = 30_000;
/** A sweep looks back this far before its previous start, for downloads whose completion raced it. */
const SWEEP_OVERLAP_MS = 60_000;
const SWEEP_BATCH = 200;

/**
 * Every completed download becomes a library item. The download manager calls listeners synchronously;
 * the item is added in the background and a failure is logged (the file stays where it is, and an
 * import of its folder picks it up later).
 *
 * Downloads completed by another process sharing the database (the CLI, or this app before a crash
 * between the rename and the item) are swept in: all of them at start, then every `sweepEveryMs` those
 * finished since the previous sweep. A download whose file is gone (its item was deleted, or the file
 * moved away) is skipped, not re-added.
 */
export function addCompletedDownloads(
  downloader: { onCompleted(listener: (download: Download) => void): () => void; get(id: string): Download | undefined },
  store: LibraryStore,
  log: Logger,
  options: { sweepEveryMs?: number | null; onProblem?: (problem: BackgroundProblem) => void } = {},
): () => Promise<void> {
  /** Adds under way: stopping waits for them, so a host that closes the database next loses no item. */
  const pending = new Set<Promise<void>>();
  const add = (download: Download, quiet: boolean): Promise<void> => {
    const adding = store.addFromDownload(download).then(
      () => undefined,
      (error: unknown) => {
        if (quiet && error instanceof AppError && error.kind === 'not_found') return;
        log.error('library: a completed download could not be added', { downloadId: download.id, path: download.path, error });
      },
    );
    pending.add(adding);
    void adding.finally(() => pending.delete(adding));
    return adding;
  };
  const stopListening = downloader.onCompleted((download) => void add(download, false));

  let stopped = false;
  let since = 0;
  /** Downloads seen gone in this run: not looked at again. */
  const gone = new Set<string>();
  const sweep = async (): Promise<void> => {
    const started = Date.now();
    for (let after = ''; !stopped; ) {
      const ids = store.completedDownloadsWithoutItem(since, after, SWEEP_BATCH);
      for (const id of ids) {
        if (gone.has(id)) continue;
        const download = downloader.get(id);
        if (!download?.path || !existsSync(download.path)) gone.add(id);
        else await add(download, true);
      }
      const last = ids.at(-1);
      if (!last || ids.length < SWEEP_BATCH) break;
      after = last;
    }
    since = started - SWEEP_OVERLAP_MS;
  };
  const report = reportBackground('add downloads finished elsewhere to the library', log, options.onProblem);
  let stopSweeps: (() => void) | undefined;
  if (options.sweepEveryMs) stopSweeps = every(options.sweepEveryMs, sweep, { ...report, immediately: true, maxBackoffMs: options.sweepEveryMs * 8 });
  else if (options.sweepEveryMs !== null) sweep().catch((error: unknown) => report.onError(error, 1));
  return async () => {
    stopped = true;
    stopSweeps?.();
    stopListening();
    await Promise.all(pending);
  };
}
