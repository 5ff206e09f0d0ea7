import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';
import { getOperation, isOperationId, OPERATION_IDS, type OperationId } from '@shared/catalog';
import type { Draft, FormValues } from './model';

/** Prompts kept per operation, newest first. */
export const HISTORY_LIMIT = 50;
/** Where the draft and prompt history survive a reload or restart (this window's localStorage). */
export const COMPOSE_STORAGE_KEY = 'promptreel.compose';
const STORAGE_VERSION = 1;

interface ComposeState {
  operation: OperationId;
  /** Each operation keeps its own draft while the user switches between them. */
  drafts: Partial<Record<OperationId, Draft>>;
  /** Submitted prompts per operation, newest first, without repeats. */
  history: Partial<Record<OperationId, string[]>>;
  /** Bumped when a draft is replaced from outside (duplicate-and-edit), so the form starts over from it. */
  revision: number;
  choose: (operation: OperationId) => void;
  save: (operation: OperationId, draft: Draft) => void;
  /** Opens an operation with a given draft, e.g. a job's parameters to edit and submit again. */
  load: (operation: OperationId, draft: Draft) => void;
  /** Adds a submitted prompt to the operation's history. */
  remember: (operation: OperationId, prompt: string) => void;
}

interface Persisted {
  operation: OperationId;
  drafts: Partial<Record<OperationId, { values: FormValues }>>;
  history: Partial<Record<OperationId, string[]>>;
}

/**
 * Only what the user typed or chose: text, choices and numbers. A local file, a staged upload, a
 * library item and any URL (a vendor's signed result link) stay in memory; keys never reach the renderer.
 */
export function storableValues(operation: OperationId, values: FormValues): FormValues {
  const out: FormValues = {};
  for (const field of getOperation(operation).fields) {
    const value = values[field.key];
    if ((field.type === 'text' || field.type === 'choice' || field.type === 'number') && (typeof value === 'string' || typeof value === 'number')) out[field.key] = value;
  }
  return out;
}

/** Reads back what an earlier run stored, dropping anything this version does not know. */
function restore(stored: unknown): Partial<Persisted> {
  if (typeof stored !== 'object' || stored === null) return {};
  const { operation, drafts, history } = stored as Record<string, unknown>;
  const restoredDrafts: Persisted['drafts'] = {};
  const restoredHistory: Persisted['history'] = {};
  for (const id of OPERATION_IDS) {
    const draft = (drafts as Record<string, unknown> | undefined)?.[id] as { values?: unknown } | undefined;
    if (draft && typeof draft.values === 'object' && draft.values !== null) restoredDrafts[id] = { values: storableValues(id, draft.values as FormValues) };
    const prompts = (history as Record<string, unknown> | undefined)?.[id];
    if (Array.isArray(prompts)) restoredHistory[id] = prompts.filter((p): p is string => typeof p === 'string' && p.trim() !== '').slice(0, HISTORY_LIMIT);
  }
  return { ...(isOperationId(operation) ? { operation } : {}), drafts: restoredDrafts, history: restoredHistory };
}

export const useCompose = create<ComposeState>()(
  persist(
    (set) => ({
      operation: OPERATION_IDS[0],
      drafts: {},
      history: {},
      revision: 0,
      choose: (operation) => set({ operation }),
      save: (operation, draft) => set((s) => ({ drafts: { ...s.drafts, [operation]: draft } })),
      load: (operation, draft) => set((s) => ({ operation, drafts: { ...s.drafts, [operation]: draft }, revision: s.revision + 1 })),
      remember: (operation, prompt) => {
        const text = prompt.trim();
        if (!text) return;
        set((s) => ({ history: { ...s.history, [operation]: [text, ...(s.history[operation] ?? []).filter((p) => p !== text)].slice(0, HISTORY_LIMIT) } }));
      },
    }),
    {
      name: COMPOSE_STORAGE_KEY,
      version: STORAGE_VERSION,
      storage: createJSONStorage(() => localStorage),
      partialize: (s): Persisted => ({
        operation: s.operation,
        drafts: Object.fromEntries(
          Object.entries(s.drafts).map(([id, draft]) => [id, { values: storableValues(id as OperationId, draft.values) }]),
        ),
        history: s.history,
      }),
      // A document from another version is not guessed at: the user starts with an empty form.
      migrate: () => ({}),
      merge: (stored, current) => ({ ...current, ...restore(stored) }),
    },
  ),
);
