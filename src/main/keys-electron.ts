import { safeStorage } from 'electron';
import Store from 'electron-store';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { StorageBackend } from '@shared/ipc/keys';
import type { Cipher, SecretStore } from './core/keys/vault';
import { moveAside, type BackingRead, type SettingsBacking } from './core/settings/store';

/**
 * The desktop app's adapters for the key vault and the settings: Electron safeStorage as the cipher,
 * electron-store files in the data folder as storage. All the logic they feed lives in the engine
 * (`core/keys`, `core/settings`), where it is tested without Electron.
 */

function selectedBackend(): StorageBackend {
  if (process.platform === 'darwin') return 'keychain';
  if (process.platform === 'win32') return 'dpapi';
  if (process.platform !== 'linux') return 'unknown';
  const backend = safeStorage.getSelectedStorageBackend();
  return backend === 'kwallet5' || backend === 'kwallet6' ? 'kwallet' : backend;
}

/**
 * safeStorage's async API (Electron ≥ 39). UNCERTAIN: whether `isAsyncEncryptionAvailable()` is true on
 * Linux with the `basic_text` backend varies between versions; the vault handles both answers (weak
 * protection after consent, or session only).
 */
export function createSafeStorageCipher(): Cipher {
  return {
    isAvailable: () => safeStorage.isAsyncEncryptionAvailable(),
    backend: selectedBackend,
    encrypt: async (plain) => new Uint8Array(await safeStorage.encryptStringAsync(plain)),
    decrypt: async (bytes) => {
      const { result, shouldReEncrypt } = await safeStorage.decryptStringAsync(Buffer.from(bytes));
      return { text: result, reencrypt: shouldReEncrypt };
    },
  };
}

/** `<dataDir>/keys.json`: ciphertext and connection settings only, readable by the user alone. */
export function createElectronSecretStore(dataDir: string): SecretStore {
  let store: Store<Record<string, string>> | undefined;
  // Opened on first use so that a system where nothing is ever stored never gets the file.
  const open = (): Store<Record<string, string>> =>
    (store ??= new Store<Record<string, string>>({
      name: 'keys',
      cwd: dataDir,
      configFileMode: 0o600,
      accessPropertiesByDotNotation: false,
      // A damaged file holds nothing that could be decrypted anyway.
      clearInvalidConfig: true,
    }));
  return {
    get: (name) => (existsSync(join(dataDir, 'keys.json')) ? open().get(name) : undefined),
    set: (name, value) => open().set(name, value),
    delete: (name) => open().delete(name),
  };
}

/** `<dataDir>/settings.json` through electron-store, the same document the browser shell and CLI read. */
export class ElectronSettingsBacking implements SettingsBacking {
  private store: Store | undefined;
  private readonly file: string;

  constructor(private readonly dataDir: string) {
    this.file = join(dataDir, 'settings.json');
  }

  read(): BackingRead {
    if (!existsSync(this.file)) return { kind: 'missing' };
    try {
      return { kind: 'ok', data: this.open().store };
    } catch (error) {
      // clearInvalidConfig is off: a damaged file is reported, so the settings store can back it up first.
      return { kind: 'unreadable', reason: error instanceof Error ? error.message : String(error) };
    }
  }

  write(document: Record<string, unknown>): void {
    this.open().store = document;
  }

  backup(tag: string): string | null {
    this.store = undefined;
    return moveAside(this.file, tag);
  }

  private open(): Store {
    this.store ??= new Store({ name: 'settings', cwd: this.dataDir, clearInvalidConfig: false, accessPropertiesByDotNotation: false });
    return this.store;
  }
}
