import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import type { NewItem } from '@main/core/library/store';
import { createLogger } from '@main/core/log';
import { MediaService } from '@main/core/media/service';
import { libraryEnv, type LibraryEnv } from '../support/library-env';

/**
 * The sweep that probes a library from before probing (real ffprobe, a real SQLite file): it pages
 * down through the items, so files it cannot read do not stop it short of the ones it can.
 */
let env: LibraryEnv | undefined;
afterEach(() => env?.close());

it('probes every readable item never probed, past more unreadable ones than a batch holds', async () => {
  const lib = (env = libraryEnv());
  const bytes = readFileSync('test/fixtures/clip.mp4');
  const video = (path: string, title: string): NewItem => ({ path, title, kind: 'video', mime: 'video/mp4', sizeBytes: bytes.length, sha256: null, source: 'import' });
  const [older = ''] = lib.store.insertItems([video(lib.file('older.mp4', bytes), 'older clip')]);
  // Newer than it, and newest first is the sweep's order: 150 items whose files are gone (not yet marked missing).
  lib.store.insertItems(Array.from({ length: 150 }, (_, i) => video(join(lib.media, `gone-${String(i)}.mp4`), `gone ${String(i)}`)));
  const [newest = ''] = lib.store.insertItems([video(lib.file('newest.mp4', bytes), 'newest clip')]);

  const media = new MediaService({ db: lib.db, library: lib.store, log: createLogger({ sink: () => {} }) });
  const stop = media.watch({ sweep: true });
  await media.idle();
  stop();
  expect(media.stored(newest)).toMatchObject({ decodable: true, videoCodec: expect.any(String) as unknown });
  expect(media.stored(older)).toMatchObject({ decodable: true });
  await media.close();
});
