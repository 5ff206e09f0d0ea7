/**
 * What only a desktop host can do with a local file. The Electron host implements it with `shell` and
 * `webContents.startDrag`; the browser shell serves a page to a browser and has none of it.
 */
export interface HostCapabilities {
  /** Shows the file selected in the system's file manager. */
  showItemInFolder(path: string): void;
  /** Opens the file with its default app; rejects with an `AppError` when the system cannot. */
  openPath(path: string): Promise<void>;
  /** Starts dragging the file out of the app window into another app. */
  startDrag(path: string): Promise<void>;
  /** The system's open dialog for one folder or file; null when the user cancels. */
  pickPath(options: PickPathOptions): Promise<string | null>;
}

export interface PickPathOptions {
  kind: 'folder' | 'file';
  /** The dialog's title, in the app's language. */
  title: string;
}
