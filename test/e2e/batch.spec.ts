import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { OPERATIONS } from '../../src/shared/catalog';
import { startShellProcess, type ShellProcess } from '../support/shell-process';
import { SCREENSHOTS } from '../support/workbench';

/*
 * A batch of 4 seeds in Chromium through the browser shell against the sandbox (compressed timings):
 * the set panel says what it will start, one submit makes a group, and the group's row fills in.
 */
test.describe.configure({ mode: 'serial', timeout: 40_000 });
let shell: ShellProcess;

test.beforeAll(async () => {
  // 10: vendor time runs ten times faster, for the engine and the built-in sandbox alike.
  shell = await startShellProcess({ PROMPTREEL_TIME_SCALE: '10' });
  mkdirSync(SCREENSHOTS, { recursive: true });
});
test.afterAll(async () => {
  await shell.stop();
});

test('a batch of 4 seeds is one submit, one row, and four results', async ({ page }) => {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(shell.url);
  await page.getByRole('tab', { name: OPERATIONS['hidream.txt2img'].title.en }).click();
  await page.getByLabel('Prompt', { exact: true }).fill('A lighthouse at dusk, four takes');
  await page.getByRole('checkbox', { name: 'Make a set' }).check();
  const panel = page.getByRole('region', { name: 'Set' });
  await expect(panel.getByLabel('How many')).toHaveValue('4');
  await expect(panel.getByRole('status')).toHaveText('Starts 4 vendor tasks in 4 jobs. HiDream takes 100 images a minute: all start right away. At most 1 run at a time.');
  await panel.scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(SCREENSHOTS, 'batch-set-panel-1440-en.png') });

  await page.getByRole('button', { name: 'Submit a set of 4' }).click();
  await expect(page.locator('.toast', { hasText: 'Set queued: 4 jobs' })).toBeVisible();
  // The user stays in the studio, whose feed shows the set's four jobs; Jobs shows them as one row.
  await expect(page.getByRole('region', { name: 'Results' }).getByRole('article', { name: 'A lighthouse at dusk, four takes' })).toHaveCount(4);
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: /^Jobs/ }).click();
  const list = page.getByRole('list', { name: 'Jobs' });
  const group = list.locator('.group-row', { hasText: 'Set of 4: A lighthouse at dusk, four takes' });
  await expect(group).toHaveCount(1);
  // One row for the set, not four.
  await expect(list.locator('.job-row')).toHaveCount(1);
  await expect(group.getByText('4 of 4 done')).toBeVisible({ timeout: 30_000 });
  const tiles = group.getByRole('list', { name: 'Results of the set' }).getByRole('listitem');
  await expect(tiles).toHaveCount(4);
  for (const n of [1, 2, 3, 4]) await expect(tiles.nth(n - 1)).toHaveAccessibleName(`Job ${String(n)} of the set: Done`);
  await expect(group.locator('img')).toHaveCount(4);
  await page.screenshot({ path: join(SCREENSHOTS, 'batch-group-1440-en.png') });

  await tiles.nth(2).click();
  await expect(page.getByRole('region', { name: 'Job details' })).toContainText('A lighthouse at dusk, four takes');
  expect(problems).toEqual([]);
});
