import { mkdirSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { startShellProcess, type ShellProcess } from '../support/shell-process';

let shell: ShellProcess;

test.beforeAll(async () => {
  shell = await startShellProcess();
});
test.afterAll(async () => {
  await shell.stop();
});

test('the app shell loads and a click makes a real IPC round trip', async ({ page }) => {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));

  await page.goto(shell.url);
  // The token left the address bar for an HttpOnly cookie.
  expect(page.url()).not.toContain('token=');
  await expect(page.getByRole('navigation', { name: 'Sections' })).toBeVisible();
  await page.getByRole('button', { name: 'About' }).click();
  await expect(page.getByTestId('app-transport')).toHaveText('Browser shell');

  await page.getByLabel('Message').fill('ping through the shell');
  await page.getByRole('button', { name: 'Send to main' }).click();
  await expect(page.getByRole('status', { name: 'Reply from main' }).or(page.getByLabel('Reply from main'))).toContainText(
    'ping through the shell (received',
  );

  mkdirSync('test-results/screenshots', { recursive: true });
  await page.screenshot({ path: 'test-results/screenshots/app-shell.png', fullPage: true });
  expect(problems).toEqual([]);
});

test('the page is served with a strict CSP and without the token it is refused', async ({ page, request }) => {
  const response = await page.goto(shell.url);
  expect(response?.status()).toBe(200);
  const csp = (await response?.allHeaders())?.['content-security-policy'] ?? '';
  expect(csp).toContain("script-src 'self'");
  expect(csp).not.toContain('unsafe-inline');

  const anonymous = await request.get(`${shell.origin}/`, { headers: { cookie: '' } });
  expect(anonymous.status()).toBe(401);
});
