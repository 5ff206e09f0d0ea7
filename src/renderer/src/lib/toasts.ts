import { create } from 'zustand';
import { subscribe } from './ipc';

export interface ToastAction {
  label: string;
  run: () => void;
}

export interface Toast {
  id: number;
  tone: 'info' | 'success' | 'error';
  text: string;
  /** One follow-up a click on the toast does, e.g. opening the job it is about. */
  action?: ToastAction | undefined;
}

interface ToastState {
  toasts: Toast[];
  push: (tone: Toast['tone'], text: string, action?: ToastAction) => void;
  dismiss: (id: number) => void;
}

let nextId = 1;

/** Short confirmations ("Job queued") that need no decision; anything that does goes inline. */
export const useToasts = create<ToastState>()((set) => ({
  toasts: [],
  push: (tone, text, action) => set((s) => ({ toasts: [...s.toasts.slice(-3), { id: nextId++, tone, text, action }] })),
  dismiss: (id) => set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })),
}));

export function toast(tone: Toast['tone'], text: string, action?: ToastAction): void {
  useToasts.getState().push(tone, text, action);
}

/**
 * Shows what main reports on its own (a background task that failed and is being retried, or works
 * again; settings that had to be recovered). Returns the unsubscribe.
 */
export function followNotices(): () => void {
  return subscribe('app.notice', (notice) => toast(notice.level === 'info' ? 'info' : 'error', notice.message));
}
