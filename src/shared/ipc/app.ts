import { z } from 'zod';
import { event, request } from './define';

export type Transport = 'electron' | 'browser';

export interface AppInfo {
  name: string;
  version: string;
  transport: Transport;
  platform: string;
  /** Human-readable hint on where keys live for this run (e.g. "session only"). */
  keyStorage: string;
}

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
} as const;

export const appEvents = {
  'app.notice': event<Notice>(),
} as const;
