import type { Logger } from '../log';
import { KeyVault, type Cipher, type SecretStore } from './vault';

/** No OS encryption here: the vault then never writes anything. */
const noCipher: Cipher = {
  isAvailable: () => Promise.resolve(false),
  backend: () => 'none',
  encrypt: () => Promise.reject(new Error('no encryption in this host')),
  decrypt: () => Promise.reject(new Error('no encryption in this host')),
};

class MemorySecretStore implements SecretStore {
  private readonly values = new Map<string, string>();
  get(name: string): string | undefined {
    return this.values.get(name);
  }
  set(name: string, value: string): void {
    this.values.set(name, value);
  }
  delete(name: string): void {
    this.values.delete(name);
  }
}

/**
 * Keys for the browser shell: entered in the UI, held in this process only, gone when it stops. The
 * same vault logic (validation, status, redaction, change events) without anything on disk; its
 * status says `memoryOnly`, and the Settings view tells the user so.
 */
export function createMemoryKeys(log?: Logger): KeyVault {
  return KeyVault.withoutPersistence({ cipher: noCipher, store: new MemorySecretStore(), memoryOnly: true, ...(log ? { log } : {}) });
}
