import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';

/** The Electron binary, if this machine has one (it is not downloadable offline). */
function electronBinary(): string | undefined {
  const pkg = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  const pathFile = join(pkg, 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  const binary = join(pkg, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : undefined;
}

const binary = electronBinary();
const hasDisplay = process.platform !== 'linux' || Boolean(process.env['DISPLAY'] ?? process.env['WAYLAND_DISPLAY']);

test('the desktop app opens a hardened window and answers over IPC', async () => {
  test.skip(!binary, 'Electron binary not present on this machine (offline install): smoke test skipped');
  test.skip(!hasDisplay, 'No display to open an Electron window on: smoke test skipped');
  const app = await electron.launch({ executablePath: binary, args: ['.'] });
  try {
    const page = await app.firstWindow();
    expect(page.url()).toMatch(/^app:\/\/promptreel\//);
    // With contextIsolation, sandbox and no nodeIntegration the page sees no Node and only our bridge.
    const reach = await page.evaluate(() => ({
      require: typeof (globalThis as { require?: unknown }).require,
      process: typeof (globalThis as { process?: unknown }).process,
      api: Object.keys((globalThis as unknown as { api: object }).api).sort().join(','),
    }));
    expect(reach).toEqual({ require: 'undefined', process: 'undefined', api: 'getPathForFile,invoke,on' });
    await page.getByRole('button', { name: 'About' }).click();
    await expect(page.getByTestId('app-transport')).toHaveText('Desktop app');
  } finally {
    await app.close();
  }
});
