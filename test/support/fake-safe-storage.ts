import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

type LinuxBackend = 'basic_text' | 'gnome_libsecret' | 'kwallet' | 'kwallet5' | 'kwallet6' | 'unknown';

/**
 * A stand-in for Electron's safeStorage with the same async API: real AES-256-GCM under a key that
 * lives only in this object (like the OS keyring's), so ciphertext never contains the plaintext and a
 * different instance cannot decrypt it.
 */
export class FakeSafeStorage {
  available = true;
  failEncrypt = false;
  /** Makes the next decrypts report a rotated OS key, as Electron's `shouldReEncrypt`. */
  rotated = false;
  encryptCalls = 0;
  private readonly key: Buffer;

  constructor(
    public backend: LinuxBackend = 'gnome_libsecret',
    key: Buffer = randomBytes(32),
  ) {
    this.key = key;
  }

  /** Another "OS session" with the same keyring secret. */
  sameKeyring(): FakeSafeStorage {
    return new FakeSafeStorage(this.backend, this.key);
  }

  isAsyncEncryptionAvailable(): Promise<boolean> {
    return Promise.resolve(this.available);
  }

  getSelectedStorageBackend(): LinuxBackend {
    return this.backend;
  }

  encryptStringAsync(plain: string): Promise<Buffer> {
    this.encryptCalls++;
    if (this.failEncrypt) return Promise.reject(new Error('Error while encrypting the text provided to encryptString.'));
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return Promise.resolve(Buffer.concat([Buffer.from('v11'), iv, cipher.getAuthTag(), body]));
  }

  decryptStringAsync(encrypted: Buffer): Promise<{ result: string; shouldReEncrypt: boolean }> {
    try {
      const iv = encrypted.subarray(3, 15);
      const tag = encrypted.subarray(15, 31);
      const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
      decipher.setAuthTag(tag);
      const result = Buffer.concat([decipher.update(encrypted.subarray(31)), decipher.final()]).toString('utf8');
      return Promise.resolve({ result, shouldReEncrypt: this.rotated });
    } catch {
      return Promise.reject(new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.'));
    }
  }
}

let current = new FakeSafeStorage();

/** Makes `fake` the safeStorage that `electronMock` serves. */
export function useSafeStorage(fake: FakeSafeStorage): FakeSafeStorage {
  current = fake;
  return fake;
}

/**
 * What `vi.mock('electron', …)` returns in tests of the Electron adapters: safeStorage is the current
 * fake; the rest of Electron is absent, as electron-store with an absolute `cwd` allows.
 */
export const electronMock = {
  default: {},
  safeStorage: new Proxy(
    {},
    {
      get: (_target, property) => {
        const value: unknown = Reflect.get(current, property);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(current) : value;
      },
    },
  ),
};

/** Every form a leaked key could take in a file: as is, base64, base64url, hex. */
export function leakForms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  return [secret, bytes.toString('base64'), bytes.toString('base64url'), bytes.toString('hex')];
}
