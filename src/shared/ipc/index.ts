import type { z } from 'zod';
import type { ErrorInfo } from '../errors';
import { appEvents, appRequests } from './app';
import type { EventDef, RequestDef } from './define';
import { filesRequests } from './files';
import { downloadsEvents, downloadsRequests } from './downloads';
import { groupsRequests } from './groups';
import { jobsEvents, jobsRequests } from './jobs';
import { keysEvents, keysRequests } from './keys';
import { settingsEvents, settingsRequests } from './settings';
import { libraryEvents, libraryRequests } from './library';
import { reelsEvents, reelsRequests } from './reels';

/** The whole channel map. Each domain declares its own slice; this is the only place they meet. */
export const requests = {
  ...appRequests,
  ...jobsRequests,
  ...groupsRequests,
  ...keysRequests,
  ...settingsRequests,
  ...filesRequests,
  ...downloadsRequests,
  ...libraryRequests,
  ...reelsRequests,
} as const;

export const events = {
  ...appEvents,
  ...jobsEvents,
  ...keysEvents,
  ...settingsEvents,
  ...downloadsEvents,
  ...libraryEvents,
  ...reelsEvents,
} as const;

export type Requests = typeof requests;
export type RequestName = keyof Requests;
export type RequestInput<N extends RequestName> = z.input<Requests[N]['input']>;
export type RequestParsed<N extends RequestName> = z.output<Requests[N]['input']>;
export type RequestOutput<N extends RequestName> = Requests[N] extends RequestDef<z.ZodType, infer O> ? O : never;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = Events[E] extends EventDef<infer P> ? P : never;

export type Envelope<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };

/** Wire frames: the same shapes travel over Electron IPC and the browser shell's WebSocket. */
export interface InvokeFrame {
  name: string;
  input: unknown;
}
export interface EventFrame {
  name: string;
  payload: unknown;
}

/** What `window.api` is, whichever transport is behind it. */
export interface Api {
  invoke<N extends RequestName>(name: N, input: RequestInput<N>): Promise<Envelope<RequestOutput<N>>>;
  on<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void;
  /**
   * The local path of a file the user chose or dropped, where the host can know it (Electron's
   * `webUtils.getPathForFile`); absent in the browser shell, which stages the file instead.
   */
  getPathForFile?: (file: File) => string;
}

export * from './channels';

export function isRequestName(name: unknown): name is RequestName {
  return typeof name === 'string' && Object.hasOwn(requests, name);
}
