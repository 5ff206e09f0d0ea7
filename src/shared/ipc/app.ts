import { z } from 'zod';
import { event, request } from './define';

/** How a client reaches the engine: a window, a browser page, or a CLI command in the same process (no renderer). */
export type Transport = 'electron' | 'browser' | 'cli';

export type KeyStorageKind = 'memory' | 'session' | 'encrypted' | 'weak';

export interface AppInfo {
  name: string;
  version: string;
  transport: Transport;
  platform: string;
  /** Human-readable hint on where keys live for this run (e.g. "session only"), in English. */
  keyStorage: string;
  /** The same as a kind, so the UI words it in its language; `keyStorageBackend` names the system's key store. */
  keyStorageKind: KeyStorageKind;
  keyStorageBackend: string;
  /** Where local media is served to this renderer: `promptreel-media://item/` (desktop) or `/media/` (shell). */
  mediaUrlPrefix: string;
  /** Whether `app.pickPath` opens the system's file dialog (desktop); elsewhere paths are typed. */
  canPickPaths: boolean;
  /**
   * Whether the host can show a file in the system's file manager and drag it out to other apps
   * (`library.reveal`, `library.startDrag`): the desktop app. The browser shell answers those with
   * `revealed: false` / `started: false`, so the UI does not offer them there.
   */
  canRevealFiles: boolean;
}

export interface AppNotification {
  title: string;
  body: string;
  /** The job it is about; a click on the notification opens it. */
  jobId?: string | undefined;
}

/** A background problem in main (a retried timer, a busy database) and its recovery, shown as a toast. */
export interface Notice {
  level: 'info' | 'warning' | 'error';
  message: string;
}

export const appRequests = {
  'app.info': request(z.object({}).strict()).returns<AppInfo>(),
  /** A round trip with no side effects: the smoke test of every transport. */
  'app.echo': request(z.object({ text: z.string().max(10_000) }).strict()).returns<{ text: string; receivedAt: string }>(),
  /** Opens an http(s) link in the system browser; nothing else is ever opened this way. */
  'app.openExternal': request(z.object({ url: z.url({ protocol: /^https?$/ }) }).strict()).returns<{ opened: boolean }>(),
  /**
   * A desktop notification shown by the host (Electron's Notification; the page's own Notification API
   * is denied there). `shown` is false where the host has none, e.g. the browser shell.
   */
  'app.notify': request(
    z.object({ title: z.string().min(1).max(200), body: z.string().max(1_000), jobId: z.string().min(1).max(100).optional() }).strict(),
  ).returns<{
    shown: boolean;
  }>(),
  /** The system's open dialog for a folder (import) or a file (relink); `path` is null when canceled. */
  'app.pickPath': request(z.object({ kind: z.enum(['folder', 'file']), title: z.string().min(1).max(200) }).strict()).returns<{ path: string | null }>(),
} as const;

export const appEvents = {
  'app.notice': event<Notice>(),
  /** The user clicked a desktop notification about this job: the window opens its result. */
  'app.notificationClicked': event<{ jobId: string }>(),
} as const;
