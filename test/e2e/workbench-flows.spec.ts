import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { OPERATIONS, type OperationId } from '../../src/shared/catalog';
import { startShellProcess, type ShellProcess } from '../support/shell-process';
import { dropFile, SCREENSHOTS } from '../support/workbench';

/*
 * Whole flows through the UI against the built-in sandbox vendors (used whenever no key is set): every
 * operation composed and completed, a dropped video stylized, a moderation failure explained.
 */
test.describe('workbench flows against the sandbox', () => {

  // Sandbox tasks take seconds (videos 8–15 s at time scale 1) and HiDream runs one at a time.
  test.describe.configure({ timeout: 180_000 });
  let shell: ShellProcess;

  test.beforeAll(async () => {
    // The shell, like the CLI, reads PROMPTREEL_TIME_SCALE: vendor time ten times faster, for the engine and its sandbox.
    shell = await startShellProcess({ PROMPTREEL_TIME_SCALE: '10' });
    mkdirSync(SCREENSHOTS, { recursive: true });
  });
  test.afterAll(async () => {
    await shell.stop();
  });

  const openTab = async (page: Page, id: OperationId): Promise<void> => {
    await page.getByRole('button', { name: 'Compose' }).click();
    await page.getByRole('tab', { name: OPERATIONS[id].title.en }).click();
  };

  /** Submits the open form and waits, in Jobs, until the new job is done and its result shows. */
  const submitAndFinish = async (page: Page, button = 'Submit'): Promise<void> => {
    await page.getByRole('button', { name: button, exact: true }).click();
    await expect(page.getByRole('heading', { name: 'Jobs', level: 1 })).toBeVisible();
    const details = page.getByRole('region', { name: 'Job details' });
    await expect(details.getByText('Done', { exact: true })).toBeVisible({ timeout: 120_000 });
    await expect(details.locator('video, img').first()).toBeVisible();
    // Every result is downloaded automatically; the preview then plays the file on this computer.
    await expect(details.getByText('Saved on this computer').first()).toBeVisible({ timeout: 30_000 });
    await expect(details.locator('video[src^="/media/"][src*="/download/"], img[src^="/media/"][src*="/download/"]').first()).toBeVisible();
  };

  test('each of the six operations is composed and completed through the UI', async ({ page }) => {
    await page.goto(shell.url);
    await expect(page.getByRole('note', { name: 'Sandbox mode' })).toBeVisible();

    await openTab(page, 'hidream.txt2img');
    await page.getByLabel('Prompt', { exact: true }).fill('An isometric reading nook, warm light');
    await page.getByLabel('Images').fill('2');
    await submitAndFinish(page);
    await expect(page.getByRole('region', { name: 'Job details' }).locator('img')).toHaveCount(2);

    await openTab(page, 'hidream.txt2video');
    await page.getByLabel('Prompt', { exact: true }).fill('A paper boat on a rainy street');
    await page.getByRole('group', { name: 'Resolution' }).getByText('1280 × 720').click();
    await page.getByLabel('Depth camera move').fill('3');
    await submitAndFinish(page);

    await openTab(page, 'hidream.video_stylize');
    await page.getByLabel('Choose file…').setInputFiles('test/fixtures/clip.mp4');
    await page.getByRole('group', { name: 'Style' }).getByText('Watercolor · 水彩').click();
    await submitAndFinish(page);
    const stylized = page.getByRole('region', { name: 'Job details' });
    await expect(stylized.getByRole('region', { name: 'Input' }).locator('video')).toBeVisible();
    await expect(stylized.getByRole('region', { name: 'Result' }).locator('video')).toBeVisible();

    await openTab(page, 'haiper.generate');
    await page.getByLabel('Prompt', { exact: true }).fill('Fog rolling over green hills');
    await page.getByRole('group', { name: 'Aspect ratio' }).getByText('9:16').click();
    await submitAndFinish(page);

    // Upscale and extend take an earlier clip's still-valid link, picked from the library (its file
    // name) or, before its download is done, from this session's results (its prompt).
    for (const id of ['haiper.upscale', 'haiper.extend'] as const) {
      await openTab(page, id);
      await page.getByRole('button', { name: 'From library…' }).click();
      const picker = page.getByRole('dialog', { name: 'Use a recent result' });
      await picker.getByRole('button', { name: /^Use: .*fog.rolling/i }).first().click();
      await expect(page.getByLabel('Source video')).toHaveValue(/^https?:\/\//);
      if (id === 'haiper.extend') await page.getByLabel('Prompt', { exact: true }).fill('The fog lifts');
      await submitAndFinish(page);
    }

    await page.getByLabel('Show').selectOption('done');
    await expect(page.getByText('6 jobs')).toBeVisible();
    await page.screenshot({ path: join(SCREENSHOTS, 'jobs-completed.png') });
  });

  test('a video dropped onto the window becomes a stylize job that completes', async ({ page }) => {
    await page.goto(shell.url);
    await dropFile(page, { name: 'clip.mp4', mime: 'video/mp4', bytes: readFileSync('test/fixtures/clip.mp4') });
    const sheet = page.getByRole('dialog', { name: 'Stylize a video' });
    await sheet.getByLabel('Prompt', { exact: true }).fill('Hand-drawn anime look');
    await submitAndFinish(page, 'Stylize');
    await expect(sheet).toHaveCount(0);
    await expect(page.getByRole('region', { name: 'Input' }).locator('video')).toBeVisible();
  });

  test('a moderation failure shows the vendor’s reason and the way forward', async ({ page }) => {
    await page.goto(shell.url);
    await openTab(page, 'hidream.txt2img');
    // The sandbox rejects any prompt carrying this marker in moderation (src/main/sandbox/markers.ts).
    await page.getByLabel('Prompt', { exact: true }).fill('A street scene [moderation]');
    await page.getByRole('button', { name: 'Submit', exact: true }).click();
    const details = page.getByRole('region', { name: 'Job details' });
    await expect(details.getByText('Failed', { exact: true })).toBeVisible({ timeout: 120_000 });
    await expect(details.getByRole('alert')).toContainText('Rejected by the vendor’s content check:');
    await details.getByRole('button', { name: 'Edit and resubmit' }).click();
    await expect(page.getByLabel('Prompt', { exact: true })).toHaveValue('A street scene [moderation]');

    // Found again by its prompt, the finished job is deleted from the list.
    await page.getByRole('button', { name: 'Jobs', exact: true }).click();
    await page.getByRole('searchbox', { name: 'Search prompts' }).fill('street scene');
    const rows = page.getByRole('list', { name: 'Jobs' }).getByRole('listitem');
    await expect(rows).toHaveCount(1);
    await rows.first().click();
    await page.getByRole('region', { name: 'Job details' }).getByRole('button', { name: 'Delete from list' }).click();
    await expect(rows).toHaveCount(0);
    await expect(page.getByText('Job deleted; its results stay in the library')).toBeVisible();
  });
});
