import { useEffect, useRef, type RefObject } from 'react';

/**
 * Opens a <dialog> as modal on mount: the browser then traps focus, makes the page behind inert and
 * turns Escape into `cancel`. Where showModal is missing (jsdom) it is simply opened.
 */
export function useModal(): RefObject<HTMLDialogElement | null> {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el || el.open) return;
    if (typeof el.showModal === 'function') el.showModal();
    else el.open = true;
  }, []);
  return ref;
}
