import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { OPERATION_IDS, OPERATIONS, type OperationId } from '../../src/shared/catalog';
import { startShellProcess, type ShellProcess } from '../support/shell-process';
import { dropFile, SCREENSHOTS } from '../support/workbench';

/*
 * The studio in Chromium through the browser shell, against the sandbox in compressed time: every
 * operation composed or chained without leaving the studio, each result in the feed with its next
 * steps; a draft surviving a reload; the keyboard alone; the layout at three widths in two languages.
 * One shell and one page for the file, so the feed the later tests measure is the one the loop made.
 */
test.describe.configure({ mode: 'serial', timeout: 90_000 });

let shell: ShellProcess;
let page: Page;
const problems: string[] = [];
const WIDTHS = [1024, 1440, 1920] as const;

test.beforeAll(async ({ browser }) => {
  shell = await startShellProcess({ PROMPTREEL_TIME_SCALE: '10' });
  mkdirSync(SCREENSHOTS, { recursive: true });
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, permissions: ['clipboard-read', 'clipboard-write'] });
  page = await context.newPage();
  page.on('pageerror', (error) => problems.push(error.message));
  await page.goto(shell.url);
});
test.afterAll(async () => {
  await page.context().close();
  await shell.stop();
});
test.afterEach(() => {
  expect(problems).toEqual([]);
});

const title = (id: OperationId): string => OPERATIONS[id].title.en;
const feed = (): Locator => page.getByRole('region', { name: 'Results' });
const card = (name: string | RegExp): Locator => feed().getByRole('article', { name }).first();
const prompt = (): Locator => page.getByLabel('Prompt', { exact: true });
const submit = (): Locator => page.getByRole('button', { name: 'Submit', exact: true });

/** Submits the form; the user stays in the studio with the keyboard back in the form, and the job heads the feed. */
async function submitHere(name: string | RegExp): Promise<Locator> {
  await submit().click();
  await expect(page.getByRole('heading', { name: 'Studio', level: 1 })).toBeVisible();
  await expect(feed().getByRole('article').first()).toHaveAccessibleName(name);
  return card(name);
}

/** Waits until a card's job is done and its results are saved in the library (their actions appear). */
async function done(result: Locator): Promise<void> {
  await expect(result.getByText('Done', { exact: true })).toBeVisible({ timeout: 30_000 });
  await expect(result.getByRole('button', { name: 'Open in library' }).first()).toBeVisible({ timeout: 30_000 });
}

test('every operation, composed or chained, completes in the studio’s feed', async () => {
  await expect(page.getByRole('note', { name: 'Sandbox mode' })).toBeVisible();
  const welcome = page.getByRole('region', { name: 'Getting started' });
  await expect(welcome).toContainText('Drop a video anywhere in the window to stylize it.');

  // An example prompt from the first-run panel fills its operation's form.
  await welcome.getByRole('button', { name: /A lighthouse at dusk, watercolor/ }).click();
  await expect(page.getByRole('tab', { name: title('hidream.txt2img') })).toHaveAttribute('aria-selected', 'true');
  await expect(prompt()).toHaveValue('A lighthouse at dusk, watercolor');
  await expect(prompt()).toBeFocused();
  await page.getByLabel('Images').fill('2');
  const image = await submitHere('A lighthouse at dusk, watercolor');
  await expect(prompt()).toBeFocused();

  // Several jobs run at once; each appears at the top as it is submitted.
  await page.getByRole('tab', { name: title('hidream.txt2video') }).click();
  await prompt().fill('A paper boat on a rainy street');
  const clip = await submitHere('A paper boat on a rainy street');

  await page.getByRole('tab', { name: title('haiper.generate') }).click();
  await prompt().fill('Fog rolling over green hills');
  const haiper = await submitHere('Fog rolling over green hills');

  // A video dropped anywhere is stylized; the card is named after the file and the style.
  await dropFile(page, { name: 'clip.mp4', mime: 'video/mp4', bytes: readFileSync('test/fixtures/clip.mp4') });
  const sheet = page.getByRole('dialog', { name: 'Stylize a video' });
  await sheet.getByRole('group', { name: 'Style' }).getByText('Watercolor · 水彩').click();
  await sheet.getByRole('button', { name: 'Stylize' }).click();
  await expect(sheet).toHaveCount(0);
  const stylized = card(/^clip\.mp4 · Watercolor/);
  await expect(stylized.getByRole('figure', { name: 'Input' }).locator('video')).toBeVisible();

  // A refusal shows the vendor's reason in the card; remix puts the prompt back in the form.
  await page.getByRole('tab', { name: title('hidream.txt2img') }).click();
  await prompt().fill('A street scene [moderation]');
  await page.getByLabel('Images').fill('1');
  const refused = await submitHere('A street scene [moderation]');

  await done(image);
  await expect(image.locator('img')).toHaveCount(2);
  await done(clip);
  await done(haiper);
  await done(stylized);
  await expect(stylized.locator('video')).toHaveCount(2);
  await expect(refused).toContainText('Rejected by the vendor’s content check:', { timeout: 30_000 });
  await refused.getByRole('button', { name: 'Remix' }).click();
  await expect(prompt()).toHaveValue('A street scene [moderation]');

  // Chains: image → Haiper image to video → upscale; clip → stylize; Haiper clip → extend.
  await image.getByRole('group', { name: /· 1$/ }).getByRole('button', { name: 'Haiper image to video' }).click();
  await expect(page.getByRole('tab', { name: title('haiper.generate') })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByLabel('Source image')).toHaveValue(/^https?:\/\//);
  const animated = await submitHere('A lighthouse at dusk, watercolor');

  await clip.getByRole('button', { name: 'Stylize', exact: true }).click();
  await expect(page.getByRole('tab', { name: title('hidream.video_stylize') })).toHaveAttribute('aria-selected', 'true');
  await page.getByRole('group', { name: 'Style' }).getByText('Ink wash · 水墨').click();
  const inked = await submitHere(/· Ink wash/);

  await haiper.getByRole('button', { name: 'Extend', exact: true }).click();
  await expect(page.getByLabel('Source video')).toHaveValue(/^https?:\/\//);
  await prompt().fill('The fog lifts');
  const extended = await submitHere('The fog lifts');

  await done(animated);
  await animated.getByRole('button', { name: 'Upscale', exact: true }).click();
  await expect(page.getByRole('tab', { name: title('haiper.upscale') })).toHaveAttribute('aria-selected', 'true');
  const upscaled = await submitHere(title('haiper.upscale'));
  await done(inked);
  await expect(inked.getByRole('figure', { name: 'Input' }).locator('video')).toBeVisible();
  await done(extended);
  await done(upscaled);

  // Copy prompt and a variation (same prompt, a new seed: a new job at the top).
  await haiper.getByRole('button', { name: 'Copy prompt' }).click();
  expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe('Fog rolling over green hills');
  await haiper.getByRole('button', { name: 'Variation' }).click();
  await expect(feed().getByRole('article').first()).toHaveAccessibleName('Fog rolling over green hills');
  await expect(feed().getByRole('article')).toHaveCount(10);
  const seeds = await page.evaluate(async () => {
    const api = (globalThis as unknown as { api: { invoke: (n: string, i: unknown) => Promise<{ value: { jobs: { operation: string; params: { prompt?: string; settings?: { seed?: number } } }[] } }> } }).api;
    const { value } = await api.invoke('jobs.list', {});
    return value.jobs.filter((j) => j.params.prompt === 'Fog rolling over green hills').map((j) => j.params.settings?.seed);
  });
  expect(new Set(seeds).size).toBe(2);

  // Open in library shows the item there.
  await upscaled.getByRole('button', { name: 'Open in library' }).click();
  await expect(page.getByRole('heading', { name: 'Library', level: 1 })).toBeVisible();

  // Housekeeping stays in Jobs: the refused job, found by its prompt, is deleted from the list.
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: /^Jobs/ }).click();
  await page.getByRole('searchbox', { name: 'Search prompts' }).fill('street scene');
  const rows = page.getByRole('list', { name: 'Jobs' }).getByRole('listitem');
  await expect(rows).toHaveCount(1);
  await rows.first().click();
  await page.getByRole('region', { name: 'Job details' }).getByRole('button', { name: 'Delete from list' }).click();
  await expect(rows).toHaveCount(0);
  await expect(page.getByText('Job deleted; its results stay in the library')).toBeVisible();
  await page.getByRole('button', { name: 'Studio' }).click();
  await expect(feed().getByRole('article', { name: 'A street scene [moderation]' })).toHaveCount(0);
});

test('the keyboard alone: tabs, the form, Enter to submit, the lightbox and Esc, with visible focus', async () => {
  const focusRing = (): Promise<string> => page.evaluate<string>('getComputedStyle(document.activeElement).outlineStyle');
  await page.getByRole('tab', { selected: true }).focus();
  await page.keyboard.press('Home');
  await expect(page.getByRole('tab', { name: title('hidream.txt2video') })).toBeFocused();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('tab', { name: title('hidream.txt2img') })).toHaveAttribute('aria-selected', 'true');
  expect(await focusRing()).not.toBe('none');
  // Tab leaves the tab list into the panel; the prompt takes typing.
  await page.keyboard.press('Tab');
  while ((await page.evaluate<string>('document.activeElement.tagName')) !== 'TEXTAREA') await page.keyboard.press('Tab');
  await expect(prompt()).toBeFocused();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type('Keyboard only: a kite over the sea');
  await page.keyboard.press('ControlOrMeta+Enter');
  await expect(feed().getByRole('article').first()).toHaveAccessibleName('Keyboard only: a kite over the sea');
  await expect(prompt()).toBeFocused();
  const kite = card('Keyboard only: a kite over the sea');
  await done(kite);
  const enlarge = kite.getByRole('button', { name: 'Enlarge' });
  await enlarge.focus();
  expect(await focusRing()).not.toBe('none');
  await page.keyboard.press('Enter');
  const lightbox = page.getByRole('dialog', { name: /^Preview: / });
  await expect(lightbox).toBeVisible();
  await expect(lightbox).toBeFocused();
  await page.keyboard.press('ArrowRight');
  await expect(lightbox).toContainText('2 of');
  await page.keyboard.press('Escape');
  await expect(lightbox).toHaveCount(0);
  await expect(enlarge).toBeFocused();
});

test('a draft survives a reload', async () => {
  await page.getByRole('tab', { name: title('haiper.generate') }).click();
  await prompt().fill('A draft kept across a reload');
  await page.reload();
  await expect(page.getByRole('tab', { name: title('haiper.generate') })).toHaveAttribute('aria-selected', 'true');
  await expect(prompt()).toHaveValue('A draft kept across a reload');
});

interface Boxes {
  tabs: { top: number; right: number; textHeight: number; lineHeight: number }[];
  form: number;
  formRight: number;
  feed: number;
  scroll: number;
  inner: number;
  overflowing: string[];
}

/** Runs in the page (this file is typed for Node, which has no DOM): the boxes checkLayout judges. */
const MEASURE = `(() => {
  const tabs = [...document.querySelectorAll('[role="tab"]')].map((tab) => {
    const box = tab.getBoundingClientRect();
    const range = document.createRange();
    range.selectNodeContents(tab);
    return { top: box.top, right: box.right, textHeight: range.getBoundingClientRect().height, lineHeight: parseFloat(getComputedStyle(tab).lineHeight) || 20 };
  });
  const form = document.querySelector('.studio-form').getBoundingClientRect();
  const feed = document.querySelector('.studio-feed').getBoundingClientRect();
  const overflowing = [...document.querySelectorAll('.studio *')]
    .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5)
    .map((el) => el.tagName + '.' + String(el.className));
  return { tabs, form: form.width, formRight: form.right, feed: feed.width, scroll: document.documentElement.scrollWidth, inner: window.innerWidth, overflowing };
})()`;

/** Element boxes: nothing wider than the window, the six tabs in one row, each label on one line. */
async function checkLayout(width: number, locale: string): Promise<void> {
  const where = `${String(width)} px, ${locale}`;
  const boxes = await page.evaluate<Boxes>(MEASURE);
  expect(boxes.scroll, `no horizontal scroll at ${where}`).toBeLessThanOrEqual(boxes.inner);
  expect(boxes.overflowing, `nothing past the window's edge at ${where}`).toEqual([]);
  expect(boxes.tabs).toHaveLength(OPERATION_IDS.length);
  for (const tab of boxes.tabs) {
    expect(Math.abs(tab.top - (boxes.tabs[0]?.top ?? 0)), `one row of tabs at ${where}`).toBeLessThan(1);
    expect(tab.textHeight, `a tab label on one line at ${where}`).toBeLessThan(tab.lineHeight * 1.5);
    expect(tab.right, `tabs inside the form at ${where}`).toBeLessThanOrEqual(boxes.formRight + 0.5);
  }
  expect(boxes.form, `the form keeps a readable width at ${where}`).toBeGreaterThanOrEqual(420);
  expect(boxes.form, `the form is not half the window at ${where}`).toBeLessThanOrEqual(520);
  if (width >= 1440) expect(boxes.feed, `the feed takes the rest at ${where}`).toBeGreaterThan(boxes.form * 1.5);
}

async function setLanguage(locale: 'en' | 'zh-CN'): Promise<void> {
  const [settings, save, studio] = locale === 'zh-CN' ? ['Settings', 'Save settings', '工作室'] : ['设置', '保存设置', 'Studio'];
  await page.getByRole('button', { name: settings, exact: true }).click();
  await page.getByLabel(locale === 'zh-CN' ? 'Language' : '语言').selectOption(locale);
  await page.getByRole('button', { name: save }).click();
  await page.getByRole('button', { name: studio, exact: true }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', locale);
}

test('no overflow and no wrapped tab at 1024, 1440 and 1920 px, in English and Chinese, light and dark', async () => {
  for (const locale of ['en', 'zh-CN'] as const) {
    if (locale === 'zh-CN') await setLanguage('zh-CN');
    await expect(page.getByRole('heading', { level: 1, name: locale === 'en' ? 'Studio' : '工作室' })).toBeVisible();
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 900 });
      await checkLayout(width, locale);
      await page.screenshot({ path: join(SCREENSHOTS, `studio-feed-${String(width)}-${locale}.png`) });
    }
    await page.setViewportSize({ width: 1440, height: 900 });
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await checkLayout(1440, `${locale} ${scheme}`);
      await page.screenshot({ path: join(SCREENSHOTS, `studio-feed-1440-${locale}-${scheme}.png`) });
    }
    await page.emulateMedia({ colorScheme: 'light' });
  }
  await setLanguage('en');
});

test('clips picked in the feed become a new reel, in the order picked', async () => {
  const pickable = feed().getByRole('article').filter({ has: page.getByRole('button', { name: 'Pick for a reel' }) });
  await expect(pickable.nth(1)).toBeVisible();
  // Clips made from a prompt, which their library items are titled by too (a shot shows its item's title).
  const names: string[] = [];
  for (const result of await pickable.all()) names.push((await result.getAttribute('aria-label')) ?? '');
  const prompted = names.filter((name) => !/^(HiDream|Haiper) · /.test(name));
  // An older clip first, then a newer one: the reel follows the picking, not the feed.
  const [newer = '', older = ''] = prompted;
  expect(older).not.toBe('');
  await card(older).getByRole('button', { name: 'Pick for a reel' }).first().click();
  await card(newer).getByRole('button', { name: 'Pick for a reel' }).first().click();
  await expect(card(older).getByRole('button', { name: 'Reel shot 1' })).toHaveAttribute('aria-pressed', 'true');
  const bar = feed().getByRole('group', { name: '2 clips picked for a reel' });
  await expect(bar).toBeVisible();
  for (const locale of ['en', 'zh-CN'] as const) {
    if (locale === 'zh-CN') await setLanguage('zh-CN');
    // The picks outlive the visit to Settings where the language is switched.
    await expect(page.getByRole('group', { name: locale === 'en' ? '2 clips picked for a reel' : '已为短片选了 2 个片段' })).toBeVisible();
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 900 });
      await page.screenshot({ path: join(SCREENSHOTS, `studio-feed-picked-${String(width)}-${locale}.png`) });
    }
  }
  await setLanguage('en');
  await page.setViewportSize({ width: 1440, height: 900 });
  await bar.getByRole('button', { name: 'New reel' }).click();
  await expect(page.getByRole('textbox', { name: 'Reel name' })).toHaveValue('Reel of 2 clips');
  const shots = page.getByRole('list', { name: 'Shots' }).locator('.shot-card .shot-title');
  await expect.poll(() => shots.allTextContents()).toEqual([older, newer]);
  await page.getByRole('button', { name: 'Studio', exact: true }).click();
  await expect(feed().getByRole('group', { name: /picked for a reel/ })).toHaveCount(0);
});

test('the first-run panel, once dismissed, stays dismissed', async () => {
  const welcome = page.getByRole('region', { name: 'Getting started' });
  await welcome.getByRole('button', { name: 'Got it' }).click();
  await expect(welcome).toHaveCount(0);
  await page.reload();
  await expect(feed()).toBeVisible();
  await expect(welcome).toHaveCount(0);
});
