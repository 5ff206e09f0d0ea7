import { create } from 'zustand';
import { OPERATION_IDS, type OperationId } from '@shared/catalog';
import type { Draft } from './model';

interface ComposeState {
  operation: OperationId;
  /** Each operation keeps its own draft while the user switches between them. */
  drafts: Partial<Record<OperationId, Draft>>;
  /** Bumped when a draft is replaced from outside (duplicate-and-edit), so the form starts over from it. */
  revision: number;
  choose: (operation: OperationId) => void;
  save: (operation: OperationId, draft: Draft) => void;
  /** Opens an operation with a given draft, e.g. a job's parameters to edit and submit again. */
  load: (operation: OperationId, draft: Draft) => void;
}

export const useCompose = create<ComposeState>()((set) => ({
  operation: OPERATION_IDS[0],
  drafts: {},
  revision: 0,
  choose: (operation) => set({ operation }),
  save: (operation, draft) => set((s) => ({ drafts: { ...s.drafts, [operation]: draft } })),
  load: (operation, draft) => set((s) => ({ operation, drafts: { ...s.drafts, [operation]: draft }, revision: s.revision + 1 })),
}));
