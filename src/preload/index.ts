import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { IPC_EVENT_CHANNEL, IPC_GRANT_FILE_CHANNEL, IPC_INVOKE_CHANNEL } from '@shared/ipc/channels';
import type { Api, EventFrame, InvokeFrame } from '@shared/ipc';

/**
 * The sandboxed preload: three functions, nothing of Electron leaks into the page. Main checks the
 * sender and validates every payload, so this side stays a dumb pipe.
 */
const api: Api = {
  invoke: (name, input) => ipcRenderer.invoke(IPC_INVOKE_CHANNEL, { name, input } satisfies InvokeFrame),
  on: (name, listener) => {
    const handler = (_event: IpcRendererEvent, frame: EventFrame): void => {
      if (frame.name === name) (listener as (payload: unknown) => void)(frame.payload);
    };
    ipcRenderer.on(IPC_EVENT_CHANNEL, handler);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT_CHANNEL, handler);
    };
  },
  // A dropped or chosen file's real path, so a local video is read by main in place, not copied. Main
  // learns it from here (synchronously, before the page can name it in a request) and accepts no other.
  getPathForFile: (file) => {
    const path = webUtils.getPathForFile(file);
    if (path) ipcRenderer.sendSync(IPC_GRANT_FILE_CHANNEL, path);
    return path;
  },
};

contextBridge.exposeInMainWorld('api', api);
