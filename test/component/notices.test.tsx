// @vitest-environment jsdom
import { render, screen } from '@testing-library/react';
import { beforeEach, expect, it } from 'vitest';
import { Toasts } from '@renderer/app/Toasts';
import { followNotices, useToasts } from '@renderer/lib/toasts';
import { installApi } from './harness';

beforeEach(() => {
  useToasts.setState({ toasts: [] });
});

it('shows what main reports about its background work: the failure, then the recovery', () => {
  const api = installApi();
  const stop = followNotices();
  render(<Toasts />);
  const busy = 'Promptreel could not renew its hold on running jobs: the database is busy (another program holds a lock on it). It keeps retrying.';
  api.emit('app.notice', { level: 'error', message: busy });
  expect(screen.getByText(busy).closest('.toast')?.className).toContain('toast-error');
  api.emit('app.notice', { level: 'info', message: 'Promptreel can renew its hold on running jobs again.' });
  expect(screen.getByText('Promptreel can renew its hold on running jobs again.').closest('.toast')?.className).toContain('toast-info');
  stop();
  api.emit('app.notice', { level: 'error', message: 'after the app stopped listening' });
  expect(screen.queryByText('after the app stopped listening')).toBe(null);
});
