import type { Api } from '@shared/ipc';

declare global {
  interface Window {
    /** Set by the preload (Electron) or the shell bridge (browser); the renderer never knows which. */
    readonly api: Api;
  }
}

export {};
