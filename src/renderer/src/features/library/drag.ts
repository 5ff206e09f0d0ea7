import type { DragEvent } from 'react';
import type { LibraryItemSummary } from '@shared/library';
import { call } from '../../lib/ipc';

const MIME: Record<string, string> = { video: 'video/mp4', image: 'image/png' };

/**
 * Dragging an item out of the app. In the desktop app main starts a native file drag (the only way
 * other apps receive the file itself). In a browser, Chromium's `DownloadURL` lets the item be dropped
 * on the desktop or a folder, and the URL serves apps that take links.
 */
export function startItemDrag(event: DragEvent, item: LibraryItemSummary, nativeDrag: boolean): void {
  if (nativeDrag) {
    event.preventDefault();
    void call('library.startDrag', { id: item.id }).catch(() => undefined);
    return;
  }
  const url = new URL(item.mediaUrl, window.location.href).toString();
  const extension = (MIME[item.kind] ?? 'application/octet-stream').split('/')[1] ?? 'bin';
  event.dataTransfer.effectAllowed = 'copy';
  event.dataTransfer.setData('DownloadURL', `${MIME[item.kind] ?? 'application/octet-stream'}:${item.title}.${extension}:${url}`);
  event.dataTransfer.setData('text/uri-list', url);
  event.dataTransfer.setData('text/plain', item.title);
}
