import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Api, Envelope, RequestInput, RequestName, RequestOutput } from '@shared/ipc';
import type { LibraryQuery } from '@shared/library';
import { createLogger } from '@main/core/log';
import { createEngine } from '@main/runtime';
import { mp4, png } from './media-files';

/** What a renderer test gets: the real runtime behind a `window.api`, seeded with two items. */
export interface LibraryRuntime {
  api: Api;
  trashed: string[];
  /** A folder outside the library holding one image, for import tests. */
  importable: string;
  titles(query: LibraryQuery): string[];
  close(): Promise<void>;
}

const HOUR = 3600_000;

export interface LibraryRuntimeOptions {
  /** More images after the two items, titled "Still 1", "Still 2", … (newest last). */
  stills?: number;
}

export function startLibraryRuntime(options: LibraryRuntimeOptions = {}): LibraryRuntime {
  const dataDir = mkdtempSync(join(tmpdir(), 'promptreel-view-'));
  const trashed: string[] = [];
  const runtime = createEngine(dataDir, {
    host: {
      transport: 'browser',
      log: createLogger({ sink: () => undefined }),
      trashFile: (path) => {
        trashed.push(path);
        return Promise.resolve();
      },
    },
  });
  const media = join(dataDir, 'media');
  mkdirSync(media);
  const write = (name: string, bytes: Buffer): string => {
    writeFileSync(join(media, name), bytes);
    return join(media, name);
  };
  const base = { sha256: null, source: 'job' as const, createdAt: Date.now() - HOUR };
  runtime.library.insertItems([
    {
      ...base,
      path: write('fox.mp4', mp4({ durationMs: 4_000, width: 64, height: 36 })),
      title: 'Fox in neon rain',
      kind: 'video',
      mime: 'video/mp4',
      sizeBytes: 1_000,
      vendor: 'haiper',
      operation: 'haiper.generate',
      params: { prompt: 'a red fox in neon rain', settings: { duration: 4 } },
      prompt: 'a red fox in neon rain',
      remoteUrl: 'https://haiper.example/fox.mp4',
      remoteExpiresAt: Date.now() + 2 * HOUR,
    },
    {
      ...base,
      path: write('cat.png', png(8, 8)),
      title: 'Cat in a teacup',
      kind: 'image',
      mime: 'image/png',
      sizeBytes: 500,
      vendor: 'hidream',
      operation: 'hidream.txt2img',
      params: { prompt: 'a cat in a teacup' },
      prompt: 'a cat in a teacup',
      remoteUrl: 'https://hidream.example/cat.png',
      remoteExpiresAt: Date.now() - HOUR,
    },
  ]);
  runtime.library.insertItems(
    Array.from({ length: options.stills ?? 0 }, (_, i) => ({
      ...base,
      path: write(`still-${i + 1}.png`, png(4, 4 + i)),
      title: `Still ${i + 1}`,
      kind: 'image' as const,
      mime: 'image/png',
      sizeBytes: 100 + i,
      vendor: 'hidream' as const,
      operation: 'hidream.txt2img' as const,
      params: { prompt: `still number ${i + 1}` },
      prompt: `still number ${i + 1}`,
      remoteUrl: null,
      remoteExpiresAt: null,
    })),
  );
  // The renderer's bridge, backed by the real runtime: every call goes through the same validation.
  const api: Api = {
    invoke: <N extends RequestName>(name: N, input: RequestInput<N>) => runtime.dispatch({ name, input }, { origin: 'test' }) as Promise<Envelope<RequestOutput<N>>>,
    on: (name, listener) => runtime.events.subscribe((event, payload) => event === name && listener(payload as never)),
  };
  const importable = join(dataDir, 'holiday');
  mkdirSync(importable);
  writeFileSync(join(importable, 'beach.png'), png(16, 9));
  return { api, trashed, importable, titles: (query) => runtime.library.search(query).items.map((i) => i.title), close: () => runtime.close() };
}
