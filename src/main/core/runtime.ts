import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AppNotification, SandboxStatus, Transport } from '@shared/ipc/app';
import { AppError } from '@shared/errors';
import { createDispatcher, type Dispatch, type Handlers } from './ipc/dispatcher';
import { EventBus } from './events';
import { createStaging } from './files/staging';
import type { VendorClientFactory } from './keys/connection';
import { keysHandlers } from './keys/handlers';
import { createMemoryKeys } from './keys/memory';
import type { KeyVault } from './keys/vault';
import { createLogger, type Logger } from './log';
import { settingsHandlers } from './settings/handlers';
import { JsonFileSettingsBacking, SettingsStore } from './settings/store';
import { createVendorClient } from './vendors';
import { APP_NAME, APP_VERSION } from './version';

export interface RuntimeOptions {
  transport: Transport;
  dataDir: string;
  /** Opens an http(s) URL outside the app; the host decides how (shell.openExternal, or not at all). */
  openExternal: (url: string) => Promise<boolean>;
  /**
   * Where keys come from and go: the desktop app's safeStorage vault. Default: keys held in memory for
   * this run (the browser shell, tests). The engine reads credentials from it as a `CredentialSource`.
   */
  keys?: KeyVault;
  /** Default: `<dataDir>/settings.json`. The desktop app passes its electron-store backed store. */
  settings?: SettingsStore;
  /** Builds a vendor client from credentials, for "Test connection". Default: the vendor layer's `createVendorClient`. */
  connectVendor?: VendorClientFactory;
  /**
   * Shows a desktop notification; the host decides how (Electron's Notification). Hosts without one
   * (the browser shell) leave it out and the request answers `shown: false`.
   */
  notify?: (notification: AppNotification) => boolean;
  log?: Logger;
}

/**
 * The composition root shared by the Electron host and the browser shell: it owns the services and
 * exposes them as one dispatcher plus one event bus. Hosts only move frames.
 */
export interface Runtime {
  dispatch: Dispatch;
  events: EventBus;
  log: Logger;
  keys: KeyVault;
  settings: SettingsStore;
  close(): Promise<void>;
}

export function createRuntime(options: RuntimeOptions): Runtime {
  const log = options.log ?? createLogger({ scope: 'main' });
  mkdirSync(options.dataDir, { recursive: true });
  const events = new EventBus();
  const keys = options.keys ?? createMemoryKeys(log.child('keys'));
  const settings =
    options.settings ??
    SettingsStore.open({ backing: new JsonFileSettingsBacking(join(options.dataDir, 'settings.json')), dataDir: options.dataDir, log: log.child('settings') });
  const unsubscribeSettings = settings.subscribe((values) => events.emit('settings.changed', values));
  const staging = createStaging({ dataDir: options.dataDir, log });
  // Until the engine reports which vendors answer from the sandbox, every vendor does.
  const sandbox: SandboxStatus = { hidream: true, haiper: true };

  const notWired = (): never => {
    // Temporary while the job engine lands on its own branch; replaced by its handlers.
    throw new AppError('internal', 'The job engine is not available in this build.');
  };

  const handlers: Handlers = {
    ...keysHandlers({
      vault: keys,
      events,
      log: log.child('keys'),
      connect: options.connectVendor ?? ((credentials) => createVendorClient(credentials, { log: log.child('vendors') })),
    }),
    ...settingsHandlers(settings, events),
    'jobs.submit': notWired,
    'jobs.list': notWired,
    'jobs.get': notWired,
    'jobs.cancel': notWired,
    'jobs.retry': notWired,
    'jobs.resolve': notWired,
    'app.info': () => ({
      name: APP_NAME,
      version: APP_VERSION,
      transport: options.transport,
      platform: process.platform,
      keyStorage: keys.describe(),
      sandbox,
    }),
    'app.echo': ({ text }) => ({ text, receivedAt: new Date().toISOString() }),
    'app.openExternal': async ({ url }) => {
      const parsed = new URL(url);
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
        throw new AppError('forbidden', 'Only http(s) links can be opened outside the app.');
      }
      return { opened: await options.openExternal(parsed.toString()) };
    },
    'app.notify': (notification) => {
      if (!options.notify) {
        log.info('notification (no desktop notifications in this host)', { title: notification.title });
        return { shown: false };
      }
      return { shown: options.notify(notification) };
    },
    ...staging.handlers,
  };

  return {
    dispatch: createDispatcher(handlers, log.child('ipc')),
    events,
    log,
    keys,
    settings,
    close: async () => {
      unsubscribeSettings();
      await staging.close();
    },
  };
}
