import { AppError } from '@shared/errors';
import type { downloadsRequests } from '@shared/ipc/downloads';
import type { HandlersFor } from '../ipc/dispatcher';
import type { HostCapabilities } from '../host';
import type { DownloadManager } from './manager';

export type DownloadRequestName = keyof typeof downloadsRequests;

function unavailable(action: string): AppError {
  return new AppError('forbidden', `${action} is not available in the browser shell; use the desktop app.`);
}

/** The `downloads.*` slice of the IPC map. Host actions take an id, never a path from the renderer. */
export function downloadHandlers(manager: DownloadManager, host: HostCapabilities | undefined): HandlersFor<DownloadRequestName> {
  return {
    'downloads.list': ({ status, offset, limit }) => ({
      ...manager.list({ ...(status ? { status } : {}), offset, limit }),
      host: { reveal: host !== undefined, open: host !== undefined, drag: host !== undefined },
    }),
    'downloads.pause': ({ id }) => manager.pause(id),
    'downloads.resume': ({ id }) => manager.resume(id),
    'downloads.cancel': ({ id }) => manager.cancel(id),
    'downloads.retry': ({ id }) => manager.retry(id),
    'downloads.pauseAll': () => ({ count: manager.pauseAll() }),
    'downloads.resumeAll': () => ({ count: manager.resumeAll() }),
    'downloads.enqueueUrl': ({ url, outputId, name }) =>
      manager.enqueueUrl(url, { ...(outputId ? { outputId } : {}), ...(name ? { name } : {}) }),
    'downloads.reveal': ({ id }) => {
      const path = manager.finishedFile(id);
      if (!host) throw unavailable('Showing a file in its folder');
      host.showItemInFolder(path);
      return { ok: true };
    },
    'downloads.open': async ({ id }) => {
      const path = manager.finishedFile(id);
      if (!host) throw unavailable('Opening a file with its app');
      await host.openPath(path);
      return { ok: true };
    },
    'downloads.startDrag': async ({ id }) => {
      const path = manager.finishedFile(id);
      if (!host) throw unavailable('Dragging a file out of the window');
      await host.startDrag(path);
      return { ok: true };
    },
  };
}
