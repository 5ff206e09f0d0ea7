import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { OPERATIONS } from '../../src/shared/catalog';
import { dropFile, SCREENSHOTS, shellPerFile } from '../support/workbench';

/*
 * Drafts that survive a reload, prompt history, a toast for a job that finished elsewhere, and the
 * refused-drop banner beside the tabs, in Chromium through the browser shell against the sandbox.
 */
test.describe.configure({ timeout: 60_000 });
const WIDTHS = [1024, 1440, 1920] as const;
shellPerFile({ PROMPTREEL_TIME_SCALE: '10' });

const shoot = async (page: Page, name: string): Promise<void> => {
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: join(SCREENSHOTS, `studio-${name}-${String(width)}.png`) });
  }
};

const txt2video = OPERATIONS['hidream.txt2video'].title.en;

// A draft surviving a reload is walked in studio.spec.ts.
test('a submitted prompt is offered again', async ({ page }) => {
  await page.getByRole('tab', { name: txt2video }).click();
  await page.getByLabel('Prompt', { exact: true }).fill('A paper boat drifting down a rain-soaked street');
  await page.getByRole('button', { name: 'Submit', exact: true }).click();
  await expect(page.getByRole('region', { name: 'Results' }).getByRole('article').first()).toHaveAccessibleName('A paper boat drifting down a rain-soaked street');
  await page.getByLabel('Prompt', { exact: true }).fill('');
  await page.reload();
  await page.getByRole('button', { name: 'Recent prompts (1)' }).click();
  const recent = page.getByRole('group', { name: 'Recent prompts' });
  await expect(recent.getByRole('button')).toHaveText(['A paper boat drifting down a rain-soaked street']);
  await shoot(page, 'prompt-history');
  await recent.getByRole('button', { name: 'A paper boat drifting down a rain-soaked street' }).click();
  await expect(page.getByLabel('Prompt', { exact: true })).toHaveValue('A paper boat drifting down a rain-soaked street');
});

test('a job that finishes while the library is open shows a toast that opens it', async ({ page }) => {
  await page.getByRole('tab', { name: OPERATIONS['hidream.txt2img'].title.en }).click();
  // [slow]: the sandbox takes ten times as long, so the job is still running once the library is open.
  await page.getByLabel('Prompt', { exact: true }).fill('A lighthouse at dusk, watercolor [slow]');
  await page.getByRole('button', { name: 'Submit', exact: true }).click();
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Library' }).click();
  const toast = page.locator('.toast', { hasText: 'Job finished: A lighthouse at dusk' });
  await expect(toast).toBeVisible({ timeout: 30_000 });
  await page.screenshot({ path: join(SCREENSHOTS, 'studio-toast-1440.png') });
  await toast.getByRole('button', { name: 'Open' }).click();
  await expect(page.getByRole('heading', { name: 'Jobs', level: 1 })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Job details' })).toContainText('A lighthouse at dusk');
});

test('a refused drop takes its own row above the tabs at every width', async ({ page }) => {
  await dropFile(page, { name: 'notes.txt', mime: 'text/plain', bytes: Buffer.from('not a video') });
  const banner = page.getByRole('alert').filter({ hasText: 'Nothing was submitted' });
  await expect(banner).toBeVisible();
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    const box = await banner.boundingBox();
    const tabs = await page.getByRole('tablist', { name: 'Operation' }).boundingBox();
    expect(box && tabs && box.y + box.height <= tabs.y, `banner above the tabs at ${String(width)} px`).toBe(true);
  }
  await shoot(page, 'drop-rejection');
});

test('Settings offers notifications in the browser shell and the sandbox banner reads well', async ({ page }) => {
  await expect(page.getByRole('note', { name: 'Sandbox mode' })).toHaveText(
    'Sandbox mode: HiDream and Haiper answer with demo media. Nothing goes to the real services and nothing is billed.',
  );
  await page.getByRole('button', { name: 'Settings' }).click();
  await expect(page.getByRole('heading', { name: 'Notifications' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Allow notifications' })).toBeVisible();
  await page.getByRole('heading', { name: 'Notifications' }).scrollIntoViewIfNeeded();
  await shoot(page, 'settings-notifications');
});
