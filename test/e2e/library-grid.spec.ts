import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import type { Api } from '../../src/shared/ipc';
import { png } from '../support/media-files';
import { startShellProcess, type ShellProcess } from '../support/shell-process';
import { SCREENSHOTS } from '../support/workbench';

/*
 * The Library grid with media of every shape: 768×1360 portrait, 1024×1024 square and 1360×768 wide
 * images, clips in 9:16, 16:9 and 1:1, and a 9:16 Haiper clip made from text by the sandbox vendor. At
 * three window widths no two cards' boxes overlap and no card leaves its row.
 */
/** The little of the DOM these checks use (this file is typed for Node, without DOM types). */
interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
  top: number;
  bottom: number;
}
interface Node_ {
  getBoundingClientRect(): Rect;
  querySelectorAll(selector: string): ArrayLike<Node_>;
  querySelector(selector: string): Node_ | null;
  closest(selector: string): Node_ | null;
  getAttribute(name: string): string | null;
  naturalWidth?: number;
}
interface PageGlobals {
  api: Api;
  document: Node_;
  innerHeight: number;
}

test.describe('library grid with mixed aspect ratios', () => {
  test.describe.configure({ timeout: 240_000 });
  let shell: ShellProcess;

  // Stills of three shapes and clips of two, imported from a folder (each file's bytes differ, so none
  // is skipped as a duplicate), plus one Haiper clip made from text alone through the sandbox.
  const STILLS: [number, number, string][] = [
    [768, 1360, 'A tall lighthouse on a basalt cliff at night, long exposure of the stars wheeling above it'],
    [768, 1360, 'Portrait of a robot astronaut'],
    [768, 1360, '一座灯塔在夜晚的玄武岩悬崖上，星轨在上空旋转'],
    [768, 1360, 'Portrait of a fox'],
    [1024, 1024, 'Square tile of a koi pond seen from above'],
    [1024, 1024, 'Square tile of moss'],
    [1024, 1024, 'Square tile of sand'],
    [1360, 768, 'Wide panorama of rice terraces in morning fog'],
    [1360, 768, 'Wide panorama of a harbour'],
    [1360, 768, 'Wide panorama of dunes'],
  ];
  const CLIPS = ['haiper-9x16.mp4', 'haiper-16x9.mp4', 'hidream-video-720x1280.mp4', 'hidream-video-1280x720.mp4', 'haiper-1x1.mp4'];
  const EXPECTED = STILLS.length + CLIPS.length + 1;

  test.beforeAll(async ({ browser }) => {
    // The shell, like the CLI, reads PROMPTREEL_TIME_SCALE: vendor time ten times faster, for the engine and its sandbox.
    shell = await startShellProcess({ PROMPTREEL_TIME_SCALE: '10' });
    mkdirSync(SCREENSHOTS, { recursive: true });
    const folder = mkdtempSync(join(tmpdir(), 'promptreel-e2e-shapes-'));
    STILLS.forEach(([width, height, name], i) => writeFileSync(join(folder, `${name}.png`), png(width, height, [40 + i * 20, 90, 200 - i * 15, 255])));
    for (const clip of CLIPS) copyFileSync(join('resources', 'sandbox', clip), join(folder, `clip ${clip}`));

    const page = await browser.newPage();
    await page.goto(shell.url);
    await page.evaluate(async (path) => {
      const api = (globalThis as unknown as PageGlobals).api;
      const imported = await api.invoke('library.import', { path });
      if (!imported.ok) throw new Error(imported.error.message);
      const job = await api.invoke('jobs.submit', {
        operation: 'haiper.generate',
        params: { prompt: 'Fog rolling over green hills, seen from a drone flying low and slow', settings: { aspectRatio: '9:16', duration: 2 } },
      });
      if (!job.ok) throw new Error(job.error.message);
    }, folder);
    // The clip is downloaded and becomes a library item too.
    await expect
      .poll(
        () =>
          page.evaluate(async () => {
            const result = await (globalThis as unknown as PageGlobals).api.invoke('library.search', { limit: 1, withTotal: true });
            return result.ok ? (result.value.total?.count ?? 0) : -1;
          }),
        { timeout: 120_000, intervals: [1_000] },
      )
      .toBe(EXPECTED);
    await page.close();
  });
  test.afterAll(async () => {
    await shell.stop();
  });

  interface Box {
    title: string;
    x: number;
    y: number;
    width: number;
    height: number;
    row: { y: number; height: number };
    /** How far the card's content reaches below its own box (0 when it fits). */
    overflow: number;
  }

  /** The boxes of every card in the DOM, with their row's box, in page coordinates. */
  const cardBoxes = (page: Page): Promise<Box[]> =>
    page.evaluate(() =>
      Array.from((globalThis as unknown as PageGlobals).document.querySelectorAll('[role="grid"] [role="gridcell"]')).map((cell) => {
        const box = cell.getBoundingClientRect();
        const row = (cell.closest('[role="row"]') ?? cell).getBoundingClientRect();
        const bottoms = Array.from(cell.querySelectorAll('*')).map((el) => el.getBoundingClientRect().bottom);
        return {
          title: cell.querySelector('button')?.getAttribute('aria-label')?.split(',')[0] ?? '',
          x: box.x,
          y: box.y,
          width: box.width,
          height: box.height,
          row: { y: row.y, height: row.height },
          overflow: Math.max(0, ...bottoms.map((bottom) => bottom - box.bottom)),
        };
      }),
    );

  const overlaps = (a: Box, b: Box): boolean => a.x < b.x + b.width - 0.5 && b.x < a.x + a.width - 0.5 && a.y < b.y + b.height - 0.5 && b.y < a.y + a.height - 0.5;

  /** Opens the Library at another width first, then resizes: the rows must follow a live resize. */
  const openLibrary = async (page: Page, width: number): Promise<void> => {
    await page.setViewportSize({ width: 1280, height: 1000 });
    await page.goto(shell.url);
    await page.getByRole('button', { name: /^(Library|素材库)$/ }).click();
    const grid = page.getByRole('grid');
    await expect(grid.getByRole('gridcell').first()).toBeVisible();
    await page.setViewportSize({ width, height: 1000 });
    // Posters are made in the page as cards come into view; wait for those on screen.
    await expect
      .poll(
        () =>
          page.evaluate(() => {
            const page = globalThis as unknown as PageGlobals;
            const frames = Array.from(page.document.querySelectorAll('[role="grid"] .library-thumb')).filter((el) => {
              const box = el.getBoundingClientRect();
              return box.bottom > 0 && box.top < page.innerHeight;
            });
            return frames.every((frame) => (frame.querySelector('img')?.naturalWidth ?? 0) > 0);
          }),
        { timeout: 30_000 },
      )
      .toBe(true);
  };

  for (const width of [1024, 1440, 1920]) {
    test(`at ${width} px no two cards overlap and every card fits its row`, async ({ page }) => {
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(error.message));
      await openLibrary(page, width);
      const boxes = await cardBoxes(page);
      expect(boxes.length).toBeGreaterThan(0);
      // Several rows are on screen (the check would be empty with one).
      expect(new Set(boxes.map((b) => Math.round(b.row.y))).size).toBeGreaterThan(1);
      for (const [i, a] of boxes.entries()) {
        expect(a.overflow, `${a.title} overflows its card`).toBe(0);
        expect(a.y, `${a.title} starts above its row`).toBeGreaterThanOrEqual(a.row.y - 0.5);
        expect(a.y + a.height, `${a.title} ends below its row`).toBeLessThanOrEqual(a.row.y + a.row.height + 0.5);
        for (const b of boxes.slice(i + 1)) expect(overlaps(a, b), `${a.title} overlaps ${b.title}`).toBe(false);
      }
      // One size for every card, whatever the media's shape.
      expect(new Set(boxes.map((b) => `${Math.round(b.width)}×${Math.round(b.height)}`)).size).toBe(1);
      // The whole grid still scrolls to its last row, and that row fits too.
      await page.getByRole('grid').evaluate((grid: { scrollTo(x: number, y: number): void; scrollHeight: number }) => grid.scrollTo(0, grid.scrollHeight));
      await expect.poll(async () => (await cardBoxes(page)).some((b) => b.title.startsWith('A tall lighthouse'))).toBe(true);
      const last = await cardBoxes(page);
      for (const [i, a] of last.entries()) for (const b of last.slice(i + 1)) expect(overlaps(a, b), `${a.title} overlaps ${b.title}`).toBe(false);
      await page.getByRole('grid').evaluate((grid: { scrollTo(x: number, y: number): void }) => grid.scrollTo(0, 0));
      await page.screenshot({ path: join(SCREENSHOTS, `library-grid-${width}.png`) });
      expect(problems).toEqual([]);
    });
  }

  test('labels are true, the keyboard and the lightbox work, and the browser shell offers no Show in folder', async ({ page }) => {
    await openLibrary(page, 1440);
    const grid = page.getByRole('grid', { name: 'Library items' });
    const clip = grid.getByRole('button', { name: /^Fog rolling over green hills/ });
    await expect(clip).toHaveAttribute('aria-label', /Haiper video/);
    await expect(clip).not.toHaveAttribute('aria-label', /image to video/);

    // Hovering plays the clip, muted, over its poster.
    await clip.locator('.library-thumb').hover();
    const hover = clip.locator('video.library-hover-video');
    await expect(hover).toHaveJSProperty('muted', true);
    await expect.poll(() => hover.evaluate((video: { readyState: number }) => video.readyState)).toBeGreaterThan(0);
    // Moving across the frame scrubs: three quarters across is three quarters into the clip.
    const frame = await clip.locator('.library-thumb').boundingBox();
    if (!frame) throw new Error('the clip has no frame on screen');
    await page.mouse.move(frame.x + frame.width * 0.75, frame.y + frame.height / 2, { steps: 4 });
    const at = await hover.evaluate((video: { currentTime: number; duration: number }) => video.currentTime / video.duration);
    expect(at).toBeGreaterThan(0.6);

    await clip.click();
    const details = page.getByRole('region', { name: 'Item details' });
    await expect(details.getByText('Haiper text to video')).toBeVisible();
    await expect(details.getByRole('button', { name: 'Show in folder' })).toHaveCount(0);

    // Space: the lightbox, stepping with arrows; Esc closes it and focus is back on a card.
    await clip.focus();
    await page.keyboard.press('Space');
    const box = page.getByRole('dialog', { name: /^Preview: / });
    await expect(box.locator('video')).toBeVisible();
    await page.keyboard.press('ArrowRight');
    await expect(box).toHaveAccessibleName(/^Preview: /);
    await page.keyboard.press('Escape');
    await expect(box).toHaveCount(0);
    await expect(page.locator('[role="grid"] button:focus')).toHaveCount(1);

    // One Tab stop: a single card is in the Tab order.
    await expect(grid.locator('button[tabindex="0"]')).toHaveCount(1);

    // Several picked with Shift+arrows while the details are open: the bulk bar and the panel.
    await clip.click();
    await page.keyboard.press('Shift+ArrowRight');
    await page.keyboard.press('Shift+ArrowRight');
    await expect(page.getByRole('toolbar', { name: 'Actions on the selected items' })).toContainText('3 selected');
    await page.screenshot({ path: join(SCREENSHOTS, 'library-grid-selection.png') });
  });

  test('the grid in Chinese', async ({ page }) => {
    await page.goto(shell.url);
    await page.evaluate(async () => {
      await (globalThis as unknown as PageGlobals).api.invoke('settings.update', { language: 'zh-CN' } as never);
    });
    // The page may have read the settings before the change reached it; a reload starts in Chinese.
    await page.reload();
    await openLibrary(page, 1440);
    const grid = page.getByRole('grid', { name: '素材列表' });
    await expect(grid.getByRole('button', { name: /Haiper 视频/ }).first()).toBeVisible();
    await expect(grid.getByRole('button', { name: /图生视频/ })).toHaveCount(0);
    await expect(grid.getByRole('button').first()).toHaveAttribute('aria-label', /\d{4}年\d+月\d+日/);
    const boxes = await cardBoxes(page);
    for (const [i, a] of boxes.entries()) {
      expect(a.overflow).toBe(0);
      for (const b of boxes.slice(i + 1)) expect(overlaps(a, b)).toBe(false);
    }
    await page.screenshot({ path: join(SCREENSHOTS, 'library-grid-1440-zh-CN.png') });
    await page.evaluate(async () => {
      await (globalThis as unknown as PageGlobals).api.invoke('settings.update', { language: 'en' } as never);
    });
  });
});
