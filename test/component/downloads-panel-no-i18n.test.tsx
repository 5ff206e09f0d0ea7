// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, expect, it, vi } from 'vitest';
import type { Envelope } from '@shared/ipc';
import { DownloadsPanel } from '@renderer/features/downloads/DownloadsPanel';

afterEach(cleanup);

it('reads in English, never in keys, before the app has set up i18next', async () => {
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  const api = {
    invoke: (): Promise<Envelope<unknown>> => Promise.resolve({ ok: true, value: { downloads: [], total: 0, host: { reveal: false, open: false, drag: false } } }),
    on: () => () => undefined,
  };
  Object.defineProperty(window, 'api', { value: api, configurable: true });
  render(<DownloadsPanel />);
  expect(await screen.findByText(/Nothing downloaded yet/)).toBeTruthy();
  expect(screen.getByRole('button', { name: 'Pause all' })).toBeTruthy();
  expect(screen.getByRole('heading', { name: 'Downloads' })).toBeTruthy();
});
