import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';
import { OPERATION_IDS, type OperationId } from '@shared/catalog';
import type { FormValues } from './model';
import { storableValues } from './store';

/*
 * Saved presets: named parameter sets per operation. Kept beside the drafts, in this window's
 * localStorage, for the same reasons: they hold only what the user typed or chose (never a file, a
 * vendor's signed link or a key), main has no use for them, and they need no IPC channel of their own.
 */

export const PRESETS_STORAGE_KEY = 'promptreel.presets';
const STORAGE_VERSION = 1;
/** More than anyone scrolls through in a select; a bound so a runaway script cannot fill the storage. */
export const PRESETS_LIMIT = 100;
export const PRESET_NAME_MAX = 80;

export interface Preset {
  id: string;
  name: string;
  values: FormValues;
}

export type PresetProblem = 'empty_name' | 'taken';

interface PresetsState {
  presets: Partial<Record<OperationId, Preset[]>>;
  /** Saves the form's values under a new name; returns the preset, or why not. */
  save: (operation: OperationId, name: string, values: FormValues) => Preset | PresetProblem;
  rename: (operation: OperationId, id: string, name: string) => Preset | PresetProblem;
  remove: (operation: OperationId, id: string) => void;
}

function problem(list: readonly Preset[], name: string, except?: string): PresetProblem | undefined {
  if (name === '') return 'empty_name';
  return list.some((p) => p.id !== except && p.name.toLocaleLowerCase() === name.toLocaleLowerCase()) ? 'taken' : undefined;
}

const clean = (name: string): string => name.trim().slice(0, PRESET_NAME_MAX);

function restore(stored: unknown): Pick<PresetsState, 'presets'> {
  const presets: PresetsState['presets'] = {};
  const byOperation = (stored as { presets?: Record<string, unknown> } | null)?.presets;
  for (const id of OPERATION_IDS) {
    const list = byOperation?.[id];
    if (!Array.isArray(list)) continue;
    presets[id] = list
      .filter((p): p is Preset => typeof p === 'object' && p !== null && typeof (p as Preset).id === 'string' && typeof (p as Preset).name === 'string' && typeof (p as Preset).values === 'object')
      .map((p) => ({ id: p.id, name: clean(p.name), values: storableValues(id, p.values) }))
      .slice(0, PRESETS_LIMIT);
  }
  return { presets };
}

export const usePresets = create<PresetsState>()(
  persist(
    (set, get) => ({
      presets: {},
      save: (operation, typed, values) => {
        const name = clean(typed);
        const list = get().presets[operation] ?? [];
        const refused = problem(list, name);
        if (refused) return refused;
        const preset: Preset = { id: crypto.randomUUID(), name, values: storableValues(operation, values) };
        set((s) => ({ presets: { ...s.presets, [operation]: [...list, preset].slice(-PRESETS_LIMIT) } }));
        return preset;
      },
      rename: (operation, id, typed) => {
        const name = clean(typed);
        const list = get().presets[operation] ?? [];
        const refused = problem(list, name, id);
        if (refused) return refused;
        const renamed = list.map((p) => (p.id === id ? { ...p, name } : p));
        set((s) => ({ presets: { ...s.presets, [operation]: renamed } }));
        return renamed.find((p) => p.id === id) ?? { id, name, values: {} };
      },
      remove: (operation, id) => set((s) => ({ presets: { ...s.presets, [operation]: (s.presets[operation] ?? []).filter((p) => p.id !== id) } })),
    }),
    {
      name: PRESETS_STORAGE_KEY,
      version: STORAGE_VERSION,
      storage: createJSONStorage(() => localStorage),
      partialize: (s) => ({ presets: s.presets }),
      migrate: () => ({}),
      merge: (stored, current) => ({ ...current, ...restore(stored) }),
    },
  ),
);
