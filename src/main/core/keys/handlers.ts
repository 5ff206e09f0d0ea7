import type { KeysStatus } from '@shared/ipc/keys';
import type { HandlersFor } from '../ipc/dispatcher';
import type { EventBus } from '../events';
import type { Logger } from '../log';
import { checkConnection, type VendorClientFactory } from './connection';
import type { KeyVault } from './vault';

export interface KeysServiceDeps {
  vault: KeyVault;
  events: EventBus;
  log: Logger;
  /** The vendor layer's client factory. */
  connect: VendorClientFactory;
}

/** The `keys.*` requests. Every answer is a `KeysStatus` or a `ConnectionResult`: never a key. */
export function keysHandlers({ vault, events, log, connect }: KeysServiceDeps): HandlersFor<'keys.status' | 'keys.set' | 'keys.clear' | 'keys.test' | 'keys.setMode'> {
  const changed = (status: KeysStatus): KeysStatus => {
    events.emit('keys.changed', status);
    return status;
  };
  return {
    'keys.status': () => vault.status(),
    'keys.set': async (input) => changed(await vault.set(input)),
    'keys.clear': async ({ vendor }) => changed(await vault.clear(vendor)),
    'keys.setMode': async ({ mode, confirmWeak }) => changed(await vault.setMode(mode, confirmWeak)),
    'keys.test': ({ vendor }) => checkConnection(vendor, vault, connect, { log }),
  };
}
