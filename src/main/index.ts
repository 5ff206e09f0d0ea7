import { app, BrowserWindow, ipcMain, nativeImage, session, shell, type WebContents } from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL } from '@shared/ipc/channels';
import { MEDIA_SCHEME } from '@shared/csp';
import type { EventFrame } from '@shared/ipc';
import { createRuntime } from './core/runtime';
import { handleProtocols, registerSchemes } from './protocols';
import { isExternalWebLink, isTrustedUrl } from './trust';
import { createMainWindow, preloadPath } from './window';

/**
 * The Electron host: window, security and transport only. Everything the app does lives in the
 * runtime, which the browser shell and the CLI share.
 */
const here = dirname(fileURLToPath(import.meta.url));
const devServerUrl = process.env['ELECTRON_RENDERER_URL'];

registerSchemes();
if (!app.requestSingleInstanceLock()) app.quit();

void app.whenReady().then(() => {
  const runtime = createRuntime({
    transport: 'electron',
    dataDir: app.getPath('userData'),
    openExternal: async (url) => {
      if (!isExternalWebLink(url)) return false;
      await shell.openExternal(url);
      return true;
    },
    keyStorage: 'safeStorage',
    mediaUrlPrefix: `${MEDIA_SCHEME}://item/`,
    trashFile: (path) => shell.trashItem(path),
    revealFile: (path) => {
      shell.showItemInFolder(path);
      return true;
    },
    startDrag: (file, icon, ctx) => {
      const sender = ctx.sender as WebContents | undefined;
      if (!sender) return false;
      const poster = icon ? nativeImage.createFromPath(icon) : nativeImage.createEmpty();
      // macOS refuses an empty drag image: a plain accent-coloured square stands in until there is a poster.
      const image = poster.isEmpty() ? nativeImage.createFromBitmap(Buffer.alloc(32 * 32 * 4, Buffer.from([0xf0, 0x4c, 0x5b, 0xff])), { width: 32, height: 32 }) : poster.resize({ width: 64 });
      sender.startDrag({ file, icon: image });
      return true;
    },
  });

  // Deny-by-default: the app needs no camera, microphone, geolocation, or any other permission.
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);

  handleProtocols(join(here, '../renderer'), (path) => runtime.resolveMedia(path)?.path);

  ipcMain.handle(IPC_INVOKE_CHANNEL, (event, frame: unknown) => {
    const url = event.senderFrame?.url;
    if (!isTrustedUrl(url, devServerUrl)) {
      runtime.log.warn('ipc: call from an untrusted frame refused', { url });
      return { ok: false, error: { kind: 'forbidden', message: 'Calls are accepted only from the app’s own pages.' } };
    }
    return runtime.dispatch(frame, { origin: url ?? 'unknown', sender: event.sender });
  });

  runtime.events.subscribe((name, payload) => {
    const frame: EventFrame = { name, payload };
    for (const window of BrowserWindow.getAllWindows()) window.webContents.send(IPC_EVENT_CHANNEL, frame);
  });

  createMainWindow(preloadPath(here), devServerUrl);

  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createMainWindow(preloadPath(here), devServerUrl);
  });
  app.on('before-quit', () => {
    void runtime.close();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
