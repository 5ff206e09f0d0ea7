import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import type { Api } from '../../src/shared/ipc';
import { startShellProcess, type ShellProcess } from '../support/shell-process';
import { SCREENSHOTS } from '../support/workbench';

/*
 * A reel built the way a person would: three sandbox clips imported into the Library, picked there,
 * "New reel from selection", the last shot dragged to the front, the first trimmed, a crossfade and a
 * title card, the preview played, then one MP4 exported and found in the Library with its shots.
 */
interface PageGlobals {
  api: Api;
}

const CLIPS: [string, string][] = [
  ['haiper-16x9.mp4', 'alpha wide harbour.mp4'],
  ['hidream-video-720x1280.mp4', 'beta tall lighthouse.mp4'],
  ['haiper-1x1.mp4', 'gamma square koi.mp4'],
];

test.describe('reels', () => {
  test.describe.configure({ mode: 'serial', timeout: 60_000 });
  let shell: ShellProcess;
  let folder: string;

  test.beforeAll(async () => {
    shell = await startShellProcess({ PROMPTREEL_TIME_SCALE: '10' });
    mkdirSync(SCREENSHOTS, { recursive: true });
  });
  test.afterAll(async () => {
    await shell.stop();
  });

  const shotTitles = (page: Page): Promise<string[]> => page.getByRole('list', { name: 'Shots' }).locator('.shot-card .shot-title').allTextContents();

  test('a reel from the Library: reorder, trim, preview, export, and the export’s shots in its lineage', async ({ page }) => {
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    await page.setViewportSize({ width: 1440, height: 1000 });
    folder = mkdtempSync(join(tmpdir(), 'promptreel-e2e-reel-'));
    for (const [from, to] of CLIPS) copyFileSync(join('resources', 'sandbox', from), join(folder, to));

    await page.goto(shell.url);
    await page.getByRole('button', { name: 'Library', exact: true }).click();
    await page.getByLabel('Folder to import').fill(folder);
    await page.getByRole('button', { name: 'Import folder' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Added 3' })).toBeVisible();

    // Pick the three clips in the grid (newest first, so their order there is the grid's, not the folder's).
    const grid = page.getByRole('grid', { name: 'Library items' });
    const cards = grid.getByRole('button', { name: /alpha|beta|gamma/ });
    await expect(cards).toHaveCount(3);
    await cards.first().click();
    await page.keyboard.press('Shift+ArrowRight');
    await page.keyboard.press('Shift+ArrowRight');
    const bar = page.getByRole('toolbar', { name: 'Actions on the selected items' });
    await expect(bar).toContainText('3 selected');
    const gridOrder = (await cards.allTextContents()).map((text) => /(alpha|beta|gamma)/.exec(text)?.[1] ?? '');
    await bar.getByRole('button', { name: 'New reel from selection' }).click();

    await expect(page.getByRole('textbox', { name: 'Reel name' })).toHaveValue('Reel of 3 clips');
    await expect.poll(async () => (await shotTitles(page)).map((t) => /(alpha|beta|gamma)/.exec(t)?.[1])).toEqual(gridOrder);

    // Drag the last shot onto the left half of the first: it leads the reel now.
    const strip = page.getByRole('list', { name: 'Shots' });
    const shotCards = strip.locator('.shot-card');
    const firstBox = await shotCards.nth(0).boundingBox();
    if (!firstBox) throw new Error('no first shot');
    await shotCards.nth(2).dragTo(shotCards.nth(0), { targetPosition: { x: 10, y: firstBox.height / 2 } });
    const reordered = [gridOrder[2], gridOrder[0], gridOrder[1]];
    await expect.poll(async () => (await shotTitles(page)).map((t) => /(alpha|beta|gamma)/.exec(t)?.[1])).toEqual(reordered);
    // And by keyboard: the (new) second shot one place later, then back.
    await strip.getByRole('button', { name: 'Move Shot 2 later' }).click();
    await expect.poll(async () => (await shotTitles(page)).map((t) => /(alpha|beta|gamma)/.exec(t)?.[1])).toEqual([reordered[0], reordered[2], reordered[1]]);
    await strip.getByRole('button', { name: 'Move Shot 3 earlier' }).click();
    await expect.poll(async () => (await shotTitles(page)).map((t) => /(alpha|beta|gamma)/.exec(t)?.[1])).toEqual(reordered);

    // Trim the first shot to 0.5–1.5 s, fade into the second, and open the second with a title card.
    await strip.locator('.shot-card').first().locator('.shot-select').click();
    const first = page.getByRole('region', { name: 'Settings of Shot 1' });
    // The strip under the handles is made of the clip's frames, cut by main.
    await expect(first.locator('.trim-frames img')).toHaveCount(10);
    await first.getByRole('spinbutton', { name: 'In (s)' }).fill('0.5');
    await first.getByRole('spinbutton', { name: 'In (s)' }).press('Enter');
    await first.getByRole('spinbutton', { name: 'Out (s)' }).fill('1.5');
    await first.getByRole('spinbutton', { name: 'Out (s)' }).press('Enter');
    await expect(first.getByRole('slider', { name: 'Out point' })).toHaveValue('1.5');
    await expect(strip.locator('.shot-card').first().locator('.shot-length')).toHaveText('0:01');
    // The radio shows what main stored, so it turns on once main has answered.
    await first.getByRole('radio', { name: 'Crossfade' }).click();
    await expect(first.getByRole('radio', { name: 'Crossfade' })).toBeChecked();
    await expect(strip.getByRole('listitem', { name: 'From shot 1 to shot 2' })).toHaveText('Fade 0.5 s');
    await strip.locator('.shot-card').nth(1).locator('.shot-select').click();
    const second = page.getByRole('region', { name: 'Settings of Shot 2' });
    await second.getByRole('checkbox', { name: 'Show a title card before this shot' }).check();
    await second.getByRole('textbox', { name: 'Title text', exact: true }).fill('Part two');
    await second.getByRole('textbox', { name: 'Title text', exact: true }).press('Enter');
    await expect(strip.locator('.shot-card').nth(1)).toContainText('Title');

    // The preview plays the reel in the page: the title card shows as a slide on its colour.
    await page.getByRole('button', { name: 'Preview reel' }).click();
    const player = page.getByRole('region', { name: 'Reel preview' });
    await player.getByRole('button', { name: 'Play' }).click();
    await expect(player.locator('.reel-title-layer')).toHaveText('Part two', { timeout: 10_000 });
    // Paused, the position slider goes anywhere: into the card, then into the second shot's clip.
    await player.getByRole('button', { name: 'Pause' }).click();
    await player.getByRole('slider', { name: 'Position in the reel' }).fill('2000');
    await expect(player.getByTestId('reel-now')).toHaveText('Title card · Shot 2 of 3');
    await expect(player.locator('.reel-title-layer')).toBeVisible();
    await player.getByRole('slider', { name: 'Position in the reel' }).fill('3000');
    await expect(player.getByTestId('reel-now')).toHaveText('Shot 2 of 3');
    await expect(player.locator('.reel-title-layer')).toHaveCount(0);
    await page.getByRole('button', { name: 'Hide preview' }).click();

    await page.screenshot({ path: join(SCREENSHOTS, 'reels-editor-1440-en.png'), fullPage: true });

    // Export: progress, then the new item in the Library, whose lineage lists the three shots in order.
    const exportPanel = page.getByRole('region', { name: 'Export' });
    await exportPanel.getByRole('button', { name: /Export MP4/ }).click();
    await expect(exportPanel.getByText(/Exported to .+\.mp4\./)).toBeVisible({ timeout: 40_000 });
    const path = (await exportPanel.getByText(/Exported to/).textContent())?.replace(/^Exported to /, '').replace(/\.$/, '') ?? '';
    expect(existsSync(path)).toBe(true);
    await exportPanel.getByRole('button', { name: 'Open the export in the Library' }).click();
    const details = page.getByRole('region', { name: 'Item details' });
    const shots = details.getByRole('list', { name: 'Shots of this reel' });
    await expect(shots.getByRole('listitem')).toHaveCount(3);
    const lineage = (await shots.getByRole('listitem').allTextContents()).map((t) => /(alpha|beta|gamma)/.exec(t)?.[1]);
    expect(lineage).toEqual(reordered);
    await shots.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, 'reels-export-in-library-1440-en.png') });
    expect(problems).toEqual([]);
  });

  test('the reel editor at three widths, in English and Chinese', async ({ page }) => {
    await page.goto(shell.url);
    for (const locale of ['en', 'zh-CN'] as const) {
      await page.evaluate(async (language) => {
        await (globalThis as unknown as PageGlobals).api.invoke('settings.update', { language });
      }, locale);
      // The page follows the settings as they change; no reload needed.
      await expect(page.locator('html')).toHaveAttribute('lang', locale);
      await page.getByRole('button', { name: locale === 'en' ? 'Reels' : '短片', exact: true }).click();
      await expect(page.getByRole('list', { name: locale === 'en' ? 'Shots' : '镜头' }).locator('.shot-card')).toHaveCount(3);
      await expect(page.locator('.trim-frames img')).toHaveCount(10);
      for (const width of [1024, 1440, 1920]) {
        await page.setViewportSize({ width, height: 1400 });
        // Nothing may stick out sideways: the strip scrolls inside the editor, the page does not.
        const overflow = await page.evaluate(() => {
          const doc = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document;
          return doc.documentElement.scrollWidth - doc.documentElement.clientWidth;
        });
        expect(overflow).toBeLessThanOrEqual(0);
        await page.screenshot({ path: join(SCREENSHOTS, `reels-editor-${width}-${locale}.png`), fullPage: true });
      }
    }
    await page.evaluate(async () => {
      await (globalThis as unknown as PageGlobals).api.invoke('settings.update', { language: 'en' });
    });
  });

  test('a shot whose file is gone stops the export, named in main’s words, and nothing is written', async ({ page }) => {
    await page.goto(shell.url);
    await page.getByRole('button', { name: 'Reels', exact: true }).click();
    const strip = page.getByRole('list', { name: 'Shots' });
    await expect(strip.locator('.shot-card')).toHaveCount(3);
    const gone = readdirSync(folder).find((name) => name.startsWith('beta'));
    if (!gone) throw new Error('no beta clip');
    rmSync(join(folder, gone));
    const before = readdirSync(shell.dataDir, { recursive: true }).length;

    const exportPanel = page.getByRole('region', { name: 'Export' });
    await exportPanel.getByRole('button', { name: /Export MP4/ }).click();
    const alert = exportPanel.getByRole('alert');
    await expect(alert).toContainText('The reel cannot be exported yet:');
    const n = (await shotTitles(page)).indexOf('beta tall lighthouse') + 1;
    await expect(alert.getByRole('listitem')).toHaveText(new RegExp(`^Shot ${n} \\(“beta tall lighthouse”\\): its file .*beta tall lighthouse\\.mp4 is missing\\.$`));
    await expect(strip.locator('.shot-card.problem .shot-title')).toHaveText(['beta tall lighthouse']);
    expect(readdirSync(shell.dataDir, { recursive: true }).length).toBe(before);
  });
});
