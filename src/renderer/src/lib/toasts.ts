import { create } from 'zustand';
import { subscribe } from './ipc';

export interface Toast {
  id: number;
  tone: 'info' | 'success' | 'error';
  text: string;
}

interface ToastState {
  toasts: Toast[];
  push: (tone: Toast['tone'], text: string) => void;
  dismiss: (id: number) => void;
}

let nextId = 1;

/** Short confirmations ("Job queued") that need no decision; anything that does goes inline. */
export const useToasts = create<ToastState>()((set) => ({
  toasts: [],
  push: (tone, text) => set((s) => ({ toasts: [...s.toasts.slice(-3), { id: nextId++, tone, text }] })),
  dismiss: (id) => set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })),
}));

export function toast(tone: Toast['tone'], text: string): void {
  useToasts.getState().push(tone, text);
}

/**
 * Shows what main reports on its own (a background task that failed and is being retried, or works
 * again; settings that had to be recovered). Returns the unsubscribe.
 */
export function followNotices(): () => void {
  return subscribe('app.notice', (notice) => toast(notice.level === 'info' ? 'info' : 'error', notice.message));
}
