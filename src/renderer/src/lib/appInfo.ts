import { create } from 'zustand';
import type { AppInfo } from '@shared/ipc/app';
import type { VendorStates } from '@shared/ipc/jobs';
import { call, IpcError, subscribe } from './ipc';

interface AppInfoState {
  info: AppInfo | undefined;
  error: string | undefined;
  load: () => Promise<void>;
}

export const useAppInfo = create<AppInfoState>()((set) => ({
  info: undefined,
  error: undefined,
  load: async () => {
    try {
      set({ info: await call('app.info', {}), error: undefined });
    } catch (e) {
      set({ error: e instanceof IpcError ? e.message : String(e) });
    }
  },
}));

interface VendorStatesState {
  states: VendorStates | undefined;
  /** Loads the vendors' modes once and follows `jobs.vendors`; returns the unsubscribe. */
  follow: () => () => void;
}

/** Whether each vendor is live or the built-in sandbox, and whether its key was refused — as main says. */
export const useVendorStates = create<VendorStatesState>()((set) => ({
  states: undefined,
  follow: () => {
    const off = subscribe('jobs.vendors', (states) => set({ states }));
    call('jobs.vendors', {}).then(
      (states) => set({ states }),
      () => {
        // Main unreachable: no banner rather than a wrong one; the app shows the connection error.
      },
    );
    return off;
  },
}));

/** Display names of the vendors answering from the sandbox (demo media, nothing billed). */
export function sandboxedVendors(states: VendorStates | undefined): string[] {
  if (!states) return [];
  return [states.hidream.mode === 'sandbox' && 'HiDream', states.haiper.mode === 'sandbox' && 'Haiper'].filter(
    (name): name is string => Boolean(name),
  );
}
