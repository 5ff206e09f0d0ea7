import { create } from 'zustand';
import type { AppInfo, SandboxStatus } from '@shared/ipc/app';
import { call, IpcError } from '../lib/ipc';

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

/**
 * Which vendors answer from the sandbox. The single source the banner reads; when the engine reports
 * this itself (e.g. a `vendors.status` request or event), only this hook changes.
 */
export function useSandboxStatus(): SandboxStatus | undefined {
  return useAppInfo((s) => s.info?.sandbox);
}

/** Display names of the vendors answering from the sandbox. */
export function sandboxedVendors(status: SandboxStatus | undefined): string[] {
  if (!status) return [];
  return [status.hidream && 'HiDream', status.haiper && 'Haiper'].filter((name): name is string => Boolean(name));
}
