import { app, BrowserWindow, dialog, ipcMain, nativeImage, Notification, session, shell, type NativeImage, type OpenDialogOptions } from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IPC_EVENT_CHANNEL, IPC_GRANT_FILE_CHANNEL, IPC_INVOKE_CHANNEL } from '@shared/ipc/channels';
import { MEDIA_SCHEME } from '@shared/csp';
import type { EventFrame } from '@shared/ipc';
import { AppError } from '@shared/errors';
import type { HostCapabilities } from './core/host';
import { KeyVault } from './core/keys/vault';
import { createLogger } from './core/log';
import { DatabaseProblem, type DatabaseNotice } from './core/db/storage';
import { createEngine, type Runtime } from './runtime';
import { SettingsStore } from './core/settings/store';
import { createElectronSecretStore, createSafeStorageCipher, ElectronSettingsBacking } from './keys-electron';
import { handleProtocols, registerSchemes } from './protocols';
import { isExternalWebLink, isTrustedUrl, lockDownContents, trustedDevServerUrl } from './trust';
import { createMainWindow, preloadPath } from './window';

const shownNotifications = new Set<Notification>();

/**
 * The Electron host: window, security and transport only. Everything the app does lives in the
 * runtime, which the browser shell and the CLI share.
 */
const here = dirname(fileURLToPath(import.meta.url));
// Only an unpackaged build on a loopback dev server; a packaged app ignores the variable.
const devServerUrl = trustedDevServerUrl(process.env['ELECTRON_RENDERER_URL'], app.isPackaged);

/** Shown under the pointer while a file is dragged out when the system has no icon for its type. */
const FALLBACK_DRAG_ICON =
  'iVBORw0KGgoAAAANSUhEUgAAACAAAAAgCAYAAABzenr0AAAAPElEQVR42u3XoREAIAwAsQ5Wzf4DYNAMQbeA3hHxPvYjc5yXRRvAXPtqAAAAAAAAAAAAAAAAAP0A395xAWEq0VXGPERGAAAAAElFTkSuQmCC';

async function dragIcon(path: string): Promise<NativeImage> {
  // macOS refuses a drag with an empty icon; the file's own system icon is what users expect to see.
  const icon = await app.getFileIcon(path, { size: 'normal' }).catch(() => nativeImage.createEmpty());
  return icon.isEmpty() ? nativeImage.createFromBuffer(Buffer.from(FALLBACK_DRAG_ICON, 'base64')) : icon;
}

/** File actions for the engine; it only ever passes paths of files it downloaded itself. */
const files: HostCapabilities = {
  showItemInFolder: (path) => shell.showItemInFolder(path),
  openPath: async (path) => {
    const problem = await shell.openPath(path);
    if (problem) throw new AppError('io', `The system could not open the file: ${problem}`);
  },
  startDrag: async (path) => {
    // The dispatcher does not know the sender; a drag can only start in the window under the pointer,
    // which is the focused one.
    const contents = BrowserWindow.getFocusedWindow()?.webContents;
    if (!contents) throw new AppError('conflict', 'No app window has the focus to drag from.');
    contents.startDrag({ file: path, icon: await dragIcon(path) });
  },
  pickPath: async ({ kind, title }) => {
    const options: OpenDialogOptions = { title, properties: [kind === 'folder' ? 'openDirectory' : 'openFile'] };
    // Attached to the window it was asked from (the focused one), so it is modal to it on every system.
    const window = BrowserWindow.getFocusedWindow();
    const { canceled, filePaths } = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
    return canceled ? null : (filePaths[0] ?? null);
  },
};

registerSchemes();
if (!app.requestSingleInstanceLock()) app.quit();

// Every web contents, from the first window on, gets the same navigation and window-open rules.
app.on('web-contents-created', (_event, contents) => {
  lockDownContents(contents, {
    devServerUrl,
    openExternal: (url) => {
      void shell.openExternal(url);
    },
  });
});

/** Without this a start that throws (a damaged or read-only database) quits with no window and no word. */
function startOrExplain(start: () => Runtime): Runtime | undefined {
  try {
    return start();
  } catch (error) {
    dialog.showErrorBox('Promptreel cannot start', error instanceof DatabaseProblem ? error.message : `Promptreel could not start: ${String(error)}`);
    app.quit();
    return undefined;
  }
}

void app.whenReady().then(async () => {
  const dataDir = app.getPath('userData');
  const log = createLogger({ scope: 'main' });
  // safeStorage works only once the app is ready, so the vault is opened here and not earlier.
  const keys = await KeyVault.open({ cipher: createSafeStorageCipher(), store: createElectronSecretStore(dataDir), log: log.child('keys') });
  const settings = SettingsStore.open({ backing: new ElectronSettingsBacking(dataDir), dataDir, log: log.child('settings') });
  const storageNotices: DatabaseNotice[] = [];
  const runtime = startOrExplain(() =>
    createEngine(dataDir, {
    host: {
      transport: 'electron',
      log,
      keys,
      settings,
      openExternal: async (url) => {
        if (!isExternalWebLink(url)) return false;
        await shell.openExternal(url);
        return true;
      },
      notify: ({ title, body }, onClick) => {
        if (!Notification.isSupported()) return false;
        const notification = new Notification({ title, body, silent: false });
        // Held until it closes: a collected Notification loses its click handler on some systems.
        shownNotifications.add(notification);
        notification.on('close', () => shownNotifications.delete(notification));
        notification.on('click', () => {
          shownNotifications.delete(notification);
          // Back to the window, which then opens the job's result.
          const window = BrowserWindow.getAllWindows()[0];
          if (window?.isMinimized()) window.restore();
          window?.focus();
          onClick();
        });
        notification.show();
        return true;
      },
      files,
      mediaUrlPrefix: `${MEDIA_SCHEME}://item/`,
      trashFile: (path) => shell.trashItem(path),
      requireGrantedPaths: true,
      onStorageNotice: (notice) => storageNotices.push(notice),
    },
  }),
  );
  if (!runtime) return;

  // Deny-by-default: the app needs no camera, microphone, geolocation, or any other permission.
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);

  handleProtocols(join(here, '../renderer'), (path) => runtime.resolveMedia(path));

  ipcMain.handle(IPC_INVOKE_CHANNEL, (event, frame: unknown) => {
    const url = event.senderFrame?.url;
    if (!isTrustedUrl(url, devServerUrl)) {
      runtime.log.warn('ipc: call from an untrusted frame refused', { url });
      return { ok: false, error: { kind: 'forbidden', message: 'Calls are accepted only from the app’s own pages.' } };
    }
    return runtime.dispatch(frame, { origin: url ?? 'unknown' });
  });

  ipcMain.on(IPC_GRANT_FILE_CHANNEL, (event, path: unknown) => {
    const trusted = isTrustedUrl(event.senderFrame?.url, devServerUrl);
    if (trusted && typeof path === 'string' && path.length <= 4096) runtime.grantPath(path);
    event.returnValue = trusted;
  });

  runtime.events.subscribe((name, payload) => {
    const frame: EventFrame = { name, payload };
    for (const window of BrowserWindow.getAllWindows()) window.webContents.send(IPC_EVENT_CHANNEL, frame);
  });

  const window = createMainWindow(preloadPath(here), devServerUrl);
  for (const notice of storageNotices) {
    void dialog.showMessageBox(window, { type: 'warning', message: 'Promptreel repaired its library database', detail: notice.message });
  }

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
