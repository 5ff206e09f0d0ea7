import { create } from 'zustand';
import type { RequestInput } from '@shared/ipc';
import type { ConnectionResult, KeysStatus } from '@shared/ipc/keys';
import { VENDOR_IDS, type VendorId } from '@shared/catalog';
import type { SettingsPatch, SettingsState } from '@shared/settings';
import { call, IpcError, subscribe } from '../../lib/ipc';

export interface ConnectionTest {
  running: boolean;
  result: ConnectionResult | null;
}

interface SettingsFeatureState {
  keys: KeysStatus | null;
  settings: SettingsState | null;
  loadError: string | null;
  tests: Record<VendorId, ConnectionTest>;
  /** Loads both and follows `keys.changed` / `settings.changed`; returns the unsubscribe. */
  start: () => () => void;
  saveKey: (input: RequestInput<'keys.set'>) => Promise<void>;
  clearKey: (vendor: VendorId) => Promise<void>;
  testKey: (vendor: VendorId) => Promise<void>;
  setMode: (mode: KeysStatus['mode'], confirmWeak?: boolean) => Promise<void>;
  update: (patch: SettingsPatch) => Promise<void>;
}

const idle: ConnectionTest = { running: false, result: null };

/**
 * The Settings view's state: what main says about keys and settings, nothing more. Writes go through
 * IPC and the answer (or the change event) replaces the state, so every window shows the same thing.
 * Failed writes throw `IpcError` for the form that made them.
 */
export const useSettingsStore = create<SettingsFeatureState>()((set) => ({
  keys: null,
  settings: null,
  loadError: null,
  tests: Object.fromEntries(VENDOR_IDS.map((vendor) => [vendor, idle])) as Record<VendorId, ConnectionTest>,

  start: () => {
    const offKeys = subscribe('keys.changed', (keys) => set({ keys }));
    const offSettings = subscribe('settings.changed', (values) => set((s) => ({ settings: { values, recovery: s.settings?.recovery ?? null } })));
    Promise.all([call('keys.status', {}), call('settings.get', {})]).then(
      ([keys, settings]) => set({ keys, settings, loadError: null }),
      (error: unknown) => set({ loadError: error instanceof IpcError ? error.message : String(error) }),
    );
    return () => {
      offKeys();
      offSettings();
    };
  },

  saveKey: async (input) => {
    const keys = await call('keys.set', input);
    // A new key makes the last test result stale.
    set((s) => ({ keys, tests: { ...s.tests, [input.vendor]: idle } }));
  },

  clearKey: async (vendor) => {
    const keys = await call('keys.clear', { vendor });
    set((s) => ({ keys, tests: { ...s.tests, [vendor]: idle } }));
  },

  testKey: async (vendor) => {
    set((s) => ({ tests: { ...s.tests, [vendor]: { running: true, result: null } } }));
    let result: ConnectionResult;
    try {
      result = await call('keys.test', { vendor });
    } catch (error) {
      result = { ok: false, reason: 'unexpected', message: error instanceof Error ? error.message : String(error) };
    }
    set((s) => ({ tests: { ...s.tests, [vendor]: { running: false, result } } }));
  },

  setMode: async (mode, confirmWeak) => {
    const keys = await call('keys.setMode', confirmWeak === undefined ? { mode } : { mode, confirmWeak });
    set({ keys });
  },

  update: async (patch) => {
    const settings = await call('settings.update', patch);
    set({ settings });
  },
}));
