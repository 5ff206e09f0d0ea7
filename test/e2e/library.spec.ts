import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { png } from '../support/media-files';
import { startShellProcess, type ShellProcess } from '../support/shell-process';

let shell: ShellProcess;
let folder: string;

test.beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'promptreel-e2e-media-'));
  mkdirSync(join(folder, 'stills'));
  writeFileSync(join(folder, 'stills', 'harbour at dawn.png'), png(320, 180, [30, 90, 160, 255]));
  writeFileSync(join(folder, 'notes.txt'), 'not media');
  shell = await startShellProcess();
});
test.afterAll(async () => {
  await shell.stop();
});

test('a folder imported in the Library is searchable, gets a poster made in the page, and opens', async ({ page }) => {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  await page.goto(shell.url);
  await page.getByRole('button', { name: 'Library' }).click();
  await expect(page.getByText(/Nothing here yet/)).toBeVisible();

  await page.getByLabel('Folder to import').fill(folder);
  await page.getByRole('button', { name: 'Import folder' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Added 1' })).toContainText('1 not media');

  const card = page.getByRole('grid', { name: 'Library items' }).getByRole('button', { name: /harbour at dawn/ });
  await expect(card).toBeVisible();
  // The renderer drew the image into a canvas and main cached the PNG: the card now shows it.
  const poster = card.locator('img');
  await expect(poster).toHaveAttribute('src', /^\/media\/[\w-]+\/\d+\/poster\?v=\d+$/);
  await expect(poster).toHaveJSProperty('naturalWidth', 320);

  await page.getByRole('searchbox', { name: 'Search the library' }).fill('harbour');
  await expect(card).toBeVisible();
  await page.getByRole('searchbox', { name: 'Search the library' }).fill('lighthouse');
  await expect(page.getByText('No items match this search.')).toBeVisible();
  await page.getByRole('searchbox', { name: 'Search the library' }).fill('');

  await card.click();
  const details = page.getByRole('region', { name: 'Item details' });
  await expect(details.getByRole('img', { name: 'harbour at dawn' })).toBeVisible();
  await expect(details.getByText('320 × 180')).toBeVisible();
  await expect(details.getByRole('button', { name: 'Haiper image to video' })).toBeDisabled();
  await expect(details.getByText(/no remote URL/)).toBeVisible();
  expect(problems).toEqual([]);
});
