import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { OPERATION_IDS, OPERATIONS } from '../../src/shared/catalog';
import type { Field } from '../../src/shared/catalog';
import type { Api } from '../../src/shared/ipc';
import { dropFile, SCREENSHOTS, shellPerFile } from '../support/workbench';

const shell = shellPerFile();

/** A field's control the way a user finds it: an option group by its legend, anything else by its label. */
function fieldControl(page: Page, field: Field, locale: 'en' | 'zh-CN' = 'en'): Locator {
  const name = field.label[locale];
  const grouped = field.type === 'choice' && field.presentation !== 'select';
  return grouped ? page.getByRole('group', { name, exact: true }) : page.getByLabel(name, { exact: true });
}

test('compose shows a generated form for each of the six operations', async ({ page }) => {
  const tabs = page.getByRole('tablist', { name: 'Operation' }).getByRole('tab');
  await expect(tabs).toHaveCount(OPERATION_IDS.length);
  for (const id of OPERATION_IDS) {
    const spec = OPERATIONS[id];
    await page.getByRole('tab', { name: spec.title.en }).click();
    await expect(page.getByRole('tab', { name: spec.title.en })).toHaveAttribute('aria-selected', 'true');
    const form = page.getByRole('form', { name: spec.title.en });
    await expect(form).toBeVisible();
    for (const field of spec.fields) await expect(fieldControl(page, field), `${id}.${field.key}`).toBeVisible();
  }
  await page.getByRole('tab', { name: OPERATIONS['hidream.txt2video'].title.en }).click();
  await page.getByLabel('Prompt', { exact: true }).fill('A paper boat drifting down a rain-soaked street, cinematic');
  await page.getByRole('group', { name: 'Resolution' }).getByText('1280 × 720').click();
  await page.getByLabel('Horizontal camera move').fill('3');
  // The content scrolls inside the window, so a taller window shows the whole form.
  await page.setViewportSize({ width: 1280, height: 1000 });
  await page.screenshot({ path: join(SCREENSHOTS, 'compose.png') });
});

test('the sandbox banner says results are demo media', async ({ page }) => {
  await expect(page.getByRole('note', { name: 'Sandbox mode' })).toContainText('demo media');
});

test('inline validation uses the spec and blocks submitting', async ({ page }) => {
  await page.getByRole('tab', { name: OPERATIONS['haiper.generate'].title.en }).click();
  const submit = page.getByRole('button', { name: 'Submit' });
  await expect(submit).toBeDisabled();
  await expect(page.getByText('Still needed: Prompt')).toBeVisible();

  await page.getByLabel('Prompt', { exact: true }).fill('Fog rolling over green hills at sunrise');
  await expect(submit).toBeEnabled();
  await page.getByLabel('Seed').fill('99999999999');
  await expect(page.getByRole('alert')).toHaveText('Seed must be a whole number from −1 to 4,294,967,295.');
  await expect(page.getByLabel('Seed')).toHaveAttribute('aria-invalid', 'true');
  await expect(submit).toBeDisabled();

  await page.getByLabel('Source image').fill('not a link');
  await expect(page.getByText('Source image must be a public http(s) URL.')).toBeVisible();
  await page.getByLabel('Seed').fill('42');
  await page.getByLabel('Source image').fill('https://example.com/still.png');
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(submit).toBeEnabled();

  // The stylize rule spans two fields: a style or a prompt.
  await page.getByRole('tab', { name: OPERATIONS['hidream.video_stylize'].title.en }).click();
  await page.getByLabel('Source video').fill('https://example.com/clip.mp4');
  await page.getByLabel('Prompt', { exact: true }).fill('x');
  await page.getByLabel('Prompt', { exact: true }).fill('');
  await expect(page.getByText('Choose a style or write a prompt (or both).')).toBeVisible();
  await page.getByRole('group', { name: 'Style' }).getByText('Watercolor · 水彩').click();
  await expect(page.getByText('Choose a style or write a prompt (or both).')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Submit' })).toBeEnabled();
});

test('switching to 中文 in Settings changes the labels, and the choice survives a reload', async ({ page }) => {
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByLabel('Language').selectOption('zh-CN');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await page.getByRole('button', { name: '工作室' }).click();
  await expect(page.getByRole('navigation', { name: '功能区' }).getByRole('button', { name: '工作室' })).toBeVisible();
  await expect(page.getByRole('tab', { name: 'HiDream · 文生视频' })).toBeVisible();
  await expect(page.getByLabel('提示词', { exact: true })).toBeVisible();
  await expect(page.getByLabel('水平运镜')).toBeVisible();
  await expect(page.getByRole('button', { name: '提交' })).toBeDisabled();
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');

  await page.getByRole('tab', { name: 'HiDream · 视频风格化' }).click();
  await expect(page.getByRole('group', { name: '风格' }).getByText('水墨', { exact: true })).toBeVisible();
  await page.screenshot({ path: join(SCREENSHOTS, 'compose-zh-CN.png'), fullPage: true });

  await page.reload();
  await page.getByRole('button', { name: '设置' }).click();
  await expect(page.getByLabel('语言')).toHaveValue('zh-CN');
  await page.getByLabel('语言').selectOption('en');
  await page.getByRole('button', { name: '保存设置' }).click();
  await expect(page.getByRole('button', { name: 'Studio' })).toBeVisible();
});

test('dropping a file that is not a video says why and submits nothing', async ({ page }) => {
  const staged = readdirSafe(join(shell().dataDir, 'staging')).length;
  await dropFile(page, { name: 'notes.mp4', mime: 'video/mp4', bytes: Buffer.from('these are my notes, not a movie') });
  await expect(page.getByRole('alert')).toContainText('“notes.mp4” is not a video. Drop an MP4, MOV, WebM, MKV or AVI file. Nothing was submitted.');
  await expect(page.getByRole('dialog')).toHaveCount(0);
  expect(readdirSafe(join(shell().dataDir, 'staging'))).toHaveLength(staged);
});

test('a dropped video opens the stylize sheet and is staged to main over the socket', async ({ page }) => {
  const clip = readFileSync('test/fixtures/clip.mp4');
  await dropFile(page, { name: 'clip.mp4', mime: 'video/mp4', bytes: clip });
  const sheet = page.getByRole('dialog', { name: 'Stylize a video' });
  await expect(sheet).toBeVisible();
  await expect(sheet.getByLabel('Preview of clip.mp4')).toBeVisible();
  await expect(sheet.getByRole('button', { name: 'Stylize' })).toBeDisabled();
  await sheet.getByRole('group', { name: 'Style' }).getByText('Ink wash · 水墨').click();
  await page.screenshot({ path: join(SCREENSHOTS, 'stylize-sheet.png') });
  await sheet.getByRole('button', { name: 'Stylize' }).click();

  // The browser cannot name a local path, so the clip travels to main in frames and lands in staging;
  // main uploads it to the vendor, and the staged copy is deleted once no job needs it any more.
  const stylizeJobs = (): Promise<string[]> =>
    page.evaluate(async () => {
      const page = await (globalThis as unknown as { api: Api }).api.invoke('jobs.list', {});
      if (!page.ok) throw new Error(page.error.message);
      return page.value.jobs.filter((job) => job.operation === 'hidream.video_stylize').map((job) => job.status);
    });
  await expect.poll(stylizeJobs, { timeout: 20_000 }).toEqual([expect.stringMatching(/^(running|succeeded)$/)]);
  const stagedClips = (): string[] => readdirSafe(join(shell().dataDir, 'staging')).filter((f) => f.endsWith('.mp4'));
  await expect.poll(() => stagedClips().length, { timeout: 20_000 }).toBe(0);
});

test('jobs, settings and about render, with screenshots', async ({ page }) => {
  await page.getByRole('button', { name: 'Jobs' }).click();
  await expect(page.getByRole('heading', { name: 'Jobs', level: 1 })).toBeVisible();
  await page.screenshot({ path: join(SCREENSHOTS, 'jobs.png') });

  await page.getByRole('button', { name: 'Settings' }).click();
  await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();
  await page.screenshot({ path: join(SCREENSHOTS, 'settings.png') });

  await page.getByLabel('Theme').selectOption('dark');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.getByRole('button', { name: 'Studio' }).click();
  await page.screenshot({ path: join(SCREENSHOTS, 'compose-dark.png') });
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByLabel('Theme').selectOption('system');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'system');
});

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
