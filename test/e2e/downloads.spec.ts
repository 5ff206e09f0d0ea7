import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { startRangeServer, type RangeServer } from '../support/range-server';
import { startShellProcess, type ShellProcess } from '../support/shell-process';

let shell: ShellProcess;
let server: RangeServer;

test.beforeAll(async () => {
  server = await startRangeServer();
  shell = await startShellProcess();
});
test.afterAll(async () => {
  await shell.stop();
  await server.close();
  rmSync(shell.dataDir, { recursive: true, force: true });
});

test('a pasted link downloads into the library and the panel shows it done', async ({ page }) => {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  const body = Buffer.concat([Buffer.from([0, 0, 0, 0x18, ...Buffer.from('ftypisom'), 0, 0, 2, 0]), randomBytes(2 * 1024 * 1024)]);
  // The URL says .bin; the file must still come out as .mp4 (from Content-Type).
  server.set('/clip.bin', { body, contentType: 'video/mp4' });

  await page.goto(shell.url);
  await page.getByRole('button', { name: 'Downloads' }).click();
  await page.getByRole('textbox', { name: 'Link to download' }).fill(server.url('/clip.bin'));
  await page.getByRole('button', { name: 'Download', exact: true }).click();

  const row = page.getByRole('listitem', { name: /_clip_1\.mp4$/ });
  await expect(row.getByText('Done')).toBeVisible({ timeout: 20_000 });
  // The browser shell cannot reveal or open files on the machine it serves.
  await expect(row.getByRole('button', { name: 'Open' })).toBeDisabled();

  const library = join(shell.dataDir, 'Library');
  const files = readdirSync(library);
  expect(files).toHaveLength(1);
  expect(files[0]).toMatch(/_clip_1\.mp4$/);
  expect(readFileSync(join(library, files[0] ?? '')).equals(body)).toBe(true);

  mkdirSync('test-results/screenshots', { recursive: true });
  await page.screenshot({ path: 'test-results/screenshots/downloads.png', fullPage: true });
  expect(problems).toEqual([]);
});

test('a running download pauses and resumes from the panel', async ({ page }) => {
  const body = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(3 * 1024 * 1024)]);
  server.set('/still', { body, contentType: 'application/octet-stream', faults: [{ kind: 'stall', after: 1024 * 1024 }] });

  await page.goto(shell.url);
  await page.getByRole('button', { name: 'Downloads' }).click();
  await page.getByRole('textbox', { name: 'Link to download' }).fill(server.url('/still'));
  await page.getByRole('button', { name: 'Download', exact: true }).click();

  const row = page.getByRole('listitem', { name: /_still_1$/ });
  await expect(row.getByText('Downloading')).toBeVisible();
  await expect(row.getByRole('progressbar', { name: 'Progress' })).toHaveAttribute('value', String(1024 * 1024));
  await page.screenshot({ path: 'test-results/screenshots/downloads-running.png', fullPage: true });

  await row.getByRole('button', { name: 'Pause' }).click();
  await expect(row.getByText('Paused')).toBeVisible();
  await row.getByRole('button', { name: 'Resume' }).click();
  // Finished, it is named by its bytes (a PNG), whatever the server called it.
  const done = page.getByRole('listitem', { name: /_still_1\.png$/ });
  await expect(done.getByText('Done')).toBeVisible({ timeout: 20_000 });
  expect(server.requests('/still').at(-1)?.range).toBe(`bytes=${1024 * 1024}-`);
});
