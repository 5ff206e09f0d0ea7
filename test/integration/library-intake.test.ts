import { mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '@main/core/db/database';
import { DownloadManager } from '@main/core/downloads/manager';
import { DEFAULT_FILE_NAME_TEMPLATE } from '@main/core/downloads/naming';
import { addCompletedDownloads } from '@main/core/library/handlers';
import { LibraryStore, type LibraryChange } from '@main/core/library/store';
import { createLogger } from '@main/core/log';
import { mp4, png } from '../support/media-files';
import { startRangeServer, type RangeServer } from '../support/range-server';

/**
 * The CLI and the app share one database. Files the CLI downloads while the app is closed, or while it
 * runs, become library items through the app's sweep; a file whose item was deleted is not brought back.
 */
let server: RangeServer;
let dir: string;
const cleanups: (() => Promise<void> | void)[] = [];

beforeEach(async () => {
  server = await startRangeServer();
  dir = mkdtempSync(join(tmpdir(), 'promptreel-intake-'));
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A process's own connection to the shared database and its own download manager, as the CLI has. */
function processWithDownloads(): { db: Database; downloads: DownloadManager } {
  const db = openDatabase(join(dir, 'promptreel.db'));
  const downloads = new DownloadManager({
    db,
    log: createLogger({ sink: () => undefined }),
    settings: () => ({ concurrency: 2, sizeCapBytes: 1 << 24, fileNameTemplate: DEFAULT_FILE_NAME_TEMPLATE, autoDownload: true, directory: join(dir, 'library') }),
  });
  cleanups.push(async () => {
    await downloads.close();
    db.close();
  });
  return { db, downloads };
}

/** Item titles without the file-name template's date and counter: `2026-01-02_fox_1` → `fox`. */
const names = (store: LibraryStore): string[] => store.search({}).items.map((i) => i.title.split('_')[1] ?? i.title);

async function cliDownload(cli: DownloadManager, path: string, name: string): Promise<string> {
  const done = await cli.whenSettled(cli.enqueueUrl(server.url(path), { name }).id);
  expect(done.status).toBe('completed');
  return done.path ?? '';
}

describe('the library intake', () => {
  it('sweeps in what another process downloaded, at start and while running, and skips files that are gone', async () => {
    server.set('/fox.mp4', { body: mp4({ durationMs: 3_000, width: 640, height: 360 }) });
    server.set('/owl.png', { body: png(32, 32), contentType: 'image/png' });
    server.set('/cat.png', { body: png(48, 16), contentType: 'image/png' });

    // The CLI downloads two files while the app is closed; the user then deletes one of them by hand.
    const cli = processWithDownloads();
    await cliDownload(cli.downloads, '/fox.mp4', 'fox');
    unlinkSync(await cliDownload(cli.downloads, '/owl.png', 'owl'));

    // The app starts: its intake sweeps once at once, then on a timer.
    const app = processWithDownloads();
    const store = new LibraryStore(app.db, { dataDir: join(dir, 'data'), trashFile: () => Promise.resolve() });
    const errors: string[] = [];
    const log = createLogger({ sink: (line) => errors.push(line), level: 'error' });
    const added: LibraryChange[] = [];
    store.onChange((change) => added.push(change));
    cleanups.push(addCompletedDownloads(app.downloads, store, log, { sweepEveryMs: 50 }));

    await expect.poll(() => names(store)).toEqual(['fox']);
    expect(store.search({}).items[0]).toMatchObject({ kind: 'video', width: 640, height: 360, durationMs: 3_000 });

    // While the app runs, the CLI downloads one more: the next sweep adds it.
    await cliDownload(cli.downloads, '/cat.png', 'cat');
    await expect.poll(() => names(store)).toEqual(['cat', 'fox']);

    // Later sweeps add nothing twice and never complain about the file that is gone.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(added.filter((c) => c.type === 'updated')).toHaveLength(2);
    expect(errors).toEqual([]);
  });
});
