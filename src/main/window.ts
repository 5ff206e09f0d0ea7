import { BrowserWindow } from 'electron';
import { join } from 'node:path';
import { APP_ORIGIN, WEB_PREFERENCES } from './trust';

/**
 * The main window. Its navigation and window-open rules are not set here: main applies them to every
 * web contents as it is created (`lockDownContents` in index.ts), this window's included.
 */
export function createMainWindow(preloadPath: string, devServerUrl: string | undefined): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Promptreel',
    webPreferences: { ...WEB_PREFERENCES, preload: preloadPath },
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(devServerUrl ?? `${APP_ORIGIN}/index.html`);
  return window;
}

export function preloadPath(mainDir: string): string {
  return join(mainDir, '../preload/index.cjs');
}
