// @vitest-environment jsdom
import { cleanup, render, screen, within } from '@testing-library/react';
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Download } from '@shared/downloads';
import type { Envelope } from '@shared/ipc';
import type { LibraryItem } from '@shared/library';
import { DownloadsPanel } from '@renderer/features/downloads/DownloadsPanel';
import { DOWNLOADS_NAMESPACE, locales as downloadsLocales } from '@renderer/features/downloads/locales';
import { libraryLocales } from '@renderer/features/library';
import { ItemDetail } from '@renderer/features/library/ItemDetail';

/*
 * One finished file, seen in the Downloads panel and in the Library's details: the user reads the same
 * size in both. 1,500,000 bytes is where decimal (1.5 MB) and binary (1.4 MB) counting part.
 */
const BYTES = 1_500_000;

const download: Download = {
  id: 'd1',
  outputId: null,
  jobId: null,
  url: 'https://cdn.example/results/abc?sig=1',
  status: 'completed',
  path: '/library/fox.mp4',
  bytesTotal: BYTES,
  bytesDone: BYTES,
  sha256: null,
  contentType: 'video/mp4',
  expiresAt: null,
  error: null,
  createdAt: 1,
  updatedAt: 1,
  finishedAt: 1,
};

const item: LibraryItem = {
  id: '1',
  title: 'fox',
  kind: 'video',
  sizeBytes: BYTES,
  width: null,
  height: null,
  durationMs: 65_000,
  createdAt: 1,
  vendor: null,
  operation: null,
  favourite: false,
  missing: false,
  mediaUrl: '/media/1',
  posterUrl: null,
  mime: 'video/mp4',
  path: '/library/fox.mp4',
  sha256: null,
  fileModifiedAt: null,
  source: 'import',
  params: null,
  prompt: '',
  negativePrompt: '',
  remoteUrl: null,
  remoteExpiresAt: null,
  parentId: null,
  jobId: null,
  outputId: null,
  notes: '',
  tags: [],
};

beforeAll(async () => {
  await i18next.use(initReactI18next).init({
    lng: 'en',
    resources: { en: { [DOWNLOADS_NAMESPACE]: downloadsLocales.en, library: libraryLocales.en } },
    interpolation: { escapeValue: false },
  });
  const answers: Record<string, unknown> = {
    'downloads.list': { downloads: [download], total: 1, host: { reveal: false, open: false, drag: false } },
    'library.chainOptions': [],
    'library.lineage': { ancestors: [], item, descendants: [] },
  };
  const api = {
    invoke: (name: string): Promise<Envelope<unknown>> => Promise.resolve({ ok: true, value: answers[name] ?? {} }),
    on: () => () => undefined,
  };
  Object.defineProperty(window, 'api', { value: api, configurable: true });
});
afterEach(cleanup);

describe('file sizes', () => {
  it('the same byte count reads the same in the Downloads panel and in the Library', async () => {
    render(<DownloadsPanel />);
    const row = await screen.findByRole('listitem', { name: 'fox.mp4' });
    const inDownloads = row.querySelector('.download-meta')?.textContent;
    cleanup();

    render(<ItemDetail item={item} nativeDrag={false} />);
    const facts = screen.getByText('Size').closest('dl');
    const inLibrary = facts ? within(facts).getByText(/B$/).textContent : undefined;

    expect(inDownloads).toBe('1.4 MB');
    expect(inLibrary).toBe(inDownloads);
  });
});
