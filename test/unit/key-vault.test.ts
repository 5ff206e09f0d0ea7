import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { AppError } from '@shared/errors';
import { createElectronSecretStore, createSafeStorageCipher } from '@main/keys-electron';
import { JsonFileSecretStore } from '@main/core/keys/file-store';
import { checkConnection } from '@main/core/keys/connection';
import { createMemoryKeys } from '@main/core/keys/memory';
import { KeyVault, type SecretStore } from '@main/core/keys/vault';
import { createLogger, redact } from '@main/core/log';
import { createVendorClient } from '@main/core/vendors';
import { FakeSafeStorage, leakForms, useSafeStorage } from '../support/fake-safe-storage';

vi.mock('electron', async () => (await import('../support/fake-safe-storage')).electronMock);

const TOKEN = 'hdT0ken-7f3a9c2e5b1d4f60a8c3e1';
const USER_ID = 'user-4411-aa';
const ACCESS_KEY = 'cswAK_9d8e7f6a5b4c3d2e1f0a1b2c';
const quiet = createLogger({ sink: () => {} });

let dir: string;
let safe: FakeSafeStorage;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'promptreel-vault-'));
  safe = useSafeStorage(new FakeSafeStorage('gnome_libsecret'));
});

const keysFile = (): string => join(dir, 'keys.json');
const open = (store: SecretStore = createElectronSecretStore(dir)): Promise<KeyVault> =>
  KeyVault.open({ cipher: createSafeStorageCipher(), store, log: quiet });

function filesUnder(root: string): string[] {
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .map((name) => join(root, name))
    .filter((path) => statSync(path).isFile());
}

function expectNoSecretOnDisk(...secrets: string[]): void {
  for (const file of filesUnder(dir)) {
    const bytes = readFileSync(file);
    for (const secret of secrets) for (const form of leakForms(secret)) expect(bytes.includes(form), `${form} in ${file}`).toBe(false);
  }
}

async function failure(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

describe('key vault with a keyring (safeStorage through the Electron adapter)', () => {
  it('round-trips keys through encrypted storage, and the file never holds them in the clear', async () => {
    const vault = await open();
    expect(vault.status().mode).toBe('persistent');
    await vault.set({ vendor: 'hidream', token: `  ${TOKEN}\n`, userId: USER_ID });
    await vault.set({ vendor: 'haiper', accessKey: ACCESS_KEY, endpointPath: '/maas/haiper-video-01/' });

    expect(vault.get('hidream')).toEqual({ vendor: 'hidream', baseUrl: 'https://www.hidreamai.com', token: TOKEN, userId: USER_ID });
    const text = readFileSync(keysFile(), 'utf8');
    const stored = JSON.parse(text) as Record<string, string>;
    const record = JSON.parse(stored['vendor.hidream'] ?? '{}') as { ciphertext: string; protection: string };
    expect(record.protection).toBe('encrypted');
    // The ciphertext is real encryption, not an encoding of the key.
    expect(Buffer.from(record.ciphertext, 'base64').includes(TOKEN)).toBe(false);
    expectNoSecretOnDisk(TOKEN, USER_ID, ACCESS_KEY);
    expect(statSync(keysFile()).mode & 0o077).toBe(0);

    // The next start, same keyring: everything is back.
    useSafeStorage(safe.sameKeyring());
    const reopened = await open();
    expect(reopened.get('hidream')).toEqual(vault.get('hidream'));
    expect(reopened.get('haiper')).toEqual({
      vendor: 'haiper',
      baseUrl: 'https://genaiapi.cloudsway.net/v1/ai',
      endpointPath: 'maas/haiper-video-01',
      accessKey: ACCESS_KEY,
    });
    expect(reopened.status().vendors.hidream).toMatchObject({ configured: true, last4: TOKEN.slice(-4), storage: 'encrypted', hasUserId: true });
  });

  it('tells the renderer only configured / last 4 / storage, never the key', async () => {
    const vault = await open();
    await vault.set({ vendor: 'hidream', token: TOKEN, userId: USER_ID });
    const status = vault.status();
    const text = JSON.stringify(status);
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(USER_ID);
    expect(status).toMatchObject({ mode: 'persistent', persistence: 'secure', backend: 'gnome_libsecret', memoryOnly: false });
    expect(status.vendors.hidream.last4).toBe('c3e1');
    expect(status.vendors.haiper).toMatchObject({ configured: false, last4: null, storage: null });
  });

  it('masks a configured key in every log line from the moment it is saved', async () => {
    const lines: string[] = [];
    const log = createLogger({ sink: (line) => lines.push(line) });
    const vault = await KeyVault.open({ cipher: createSafeStorageCipher(), store: createElectronSecretStore(dir), log });
    await vault.set({ vendor: 'haiper', accessKey: ACCESS_KEY, endpointPath: 'ep' });
    log.error('vendor said', { body: `{"error":"bad key ${ACCESS_KEY}"}`, error: new Error(`key=${ACCESS_KEY}`) });
    expect(lines.join('\n')).not.toContain(ACCESS_KEY);
    expect(lines.join('\n')).toContain('****1b2c');
    expect(redact(`x ${ACCESS_KEY} y`)).toBe('x ****1b2c y');
  });

  it('refuses malformed keys and URLs in plain words, without echoing the value', async () => {
    const vault = await open();
    const cases: [Parameters<KeyVault['set']>[0], RegExp][] = [
      [{ vendor: 'hidream', token: 'abc def ghi jkl' }, /spaces or line breaks/],
      [{ vendor: 'hidream', token: `Bearer ${TOKEN}` }, /without the “Bearer ”/],
      [{ vendor: 'hidream', token: 'short' }, /too short/],
      [{ vendor: 'hidream', token: 'ключключключ' }, /characters a key never has/],
      [{ vendor: 'hidream', token: TOKEN, baseUrl: 'ftp://example.com' }, /must start with https:\/\//],
      [{ vendor: 'hidream', token: TOKEN, baseUrl: 'https://me:pw@example.com' }, /user name or password/],
      [{ vendor: 'hidream', token: TOKEN, userId: 'has space' }, /without spaces/],
      [{ vendor: 'haiper', accessKey: ACCESS_KEY }, /endpoint path/],
      [{ vendor: 'haiper', accessKey: ACCESS_KEY, endpointPath: 'a/../b' }, /single slashes/],
      [{ vendor: 'hidream' }, /Enter the HiDream token first/],
    ];
    for (const [input, message] of cases) {
      const error = await failure(vault.set(input));
      expect(error.kind).toBe('invalid_input');
      expect(error.message).toMatch(message);
      expect(error.message).not.toContain(TOKEN);
      expect(error.message).not.toContain('abc def');
    }
    expect(vault.status().vendors.hidream.configured).toBe(false);
    expect(existsSync(keysFile())).toBe(false);
  });

  it('updates connection settings without retyping the key, and clears a key from memory and disk', async () => {
    const vault = await open();
    const changes: string[] = [];
    vault.onChange((vendor) => changes.push(vendor));
    await vault.set({ vendor: 'hidream', token: TOKEN, userId: USER_ID });
    // A path on the same host needs no key again.
    await vault.set({ vendor: 'hidream', baseUrl: 'https://www.hidreamai.com/api/' });
    expect(vault.get('hidream')).toEqual({ vendor: 'hidream', baseUrl: 'https://www.hidreamai.com/api', token: TOKEN, userId: USER_ID });
    await vault.set({ vendor: 'hidream', userId: '' });
    expect(vault.get('hidream')).not.toHaveProperty('userId');

    await vault.clear('hidream');
    expect(vault.get('hidream')).toBeUndefined();
    expect(changes).toEqual(['hidream', 'hidream', 'hidream', 'hidream']);
    expect(JSON.parse(readFileSync(keysFile(), 'utf8'))).not.toHaveProperty('vendor.hidream');
    expect((await open()).get('hidream')).toBeUndefined();
  });

  it('leaves memory and disk untouched when the OS refuses to encrypt', async () => {
    const vault = await open();
    safe.failEncrypt = true;
    const error = await failure(vault.set({ vendor: 'hidream', token: TOKEN }));
    expect(error.kind).toBe('io');
    expect(error.message).toMatch(/could not encrypt/);
    expect(vault.get('hidream')).toBeUndefined();
    expect(existsSync(keysFile())).toBe(false);
  });

  it('reports a key the keyring can no longer decrypt, and a new key replaces it', async () => {
    await (await open()).set({ vendor: 'haiper', accessKey: ACCESS_KEY, endpointPath: 'ep-1' });
    useSafeStorage(new FakeSafeStorage('gnome_libsecret')); // a different keyring secret
    const vault = await open();
    expect(vault.get('haiper')).toBeUndefined();
    expect(vault.status().vendors.haiper).toMatchObject({ configured: false, unreadable: true, endpointPath: 'ep-1' });
    // The endpoint path survives, so only the key must be typed again.
    await vault.set({ vendor: 'haiper', accessKey: `${ACCESS_KEY}X` });
    expect(vault.get('haiper')).toMatchObject({ accessKey: `${ACCESS_KEY}X`, endpointPath: 'ep-1' });
    expect(vault.status().vendors.haiper.unreadable).toBe(false);
  });

  it('re-encrypts when the OS says its key was rotated', async () => {
    await (await open()).set({ vendor: 'hidream', token: TOKEN });
    const before = readFileSync(keysFile(), 'utf8');
    const next = useSafeStorage(safe.sameKeyring());
    next.rotated = true;
    const vault = await open();
    expect(vault.get('hidream')?.vendor).toBe('hidream');
    expect(next.encryptCalls).toBe(1);
    expect(readFileSync(keysFile(), 'utf8')).not.toBe(before);
  });

  it('keeps keys for the session only when the user asks, and deletes what was stored', async () => {
    const vault = await open();
    await vault.set({ vendor: 'hidream', token: TOKEN });
    await vault.setMode('session');
    expect(vault.get('hidream')?.vendor).toBe('hidream');
    expect(vault.status().vendors.hidream.storage).toBe('session');
    expectNoSecretOnDisk(TOKEN);
    expect(JSON.parse(readFileSync(keysFile(), 'utf8'))).toEqual({ preferences: JSON.stringify({ mode: 'session', weakConsent: false }) });

    const reopened = await open();
    expect(reopened.status().mode).toBe('session');
    expect(reopened.get('hidream')).toBeUndefined();
  });

  it('ignores a damaged keys file instead of failing to start', async () => {
    writeFileSync(keysFile(), '{ not json');
    const vault = await open();
    expect(vault.status().vendors.hidream.configured).toBe(false);
    await vault.set({ vendor: 'hidream', token: TOKEN });
    expect((await open()).get('hidream')?.vendor).toBe('hidream');
  });
});

describe('key vault on Linux without a keyring (basic_text)', () => {
  beforeEach(() => {
    safe = useSafeStorage(new FakeSafeStorage('basic_text'));
  });

  it('persists nothing unless the user opts in', async () => {
    const vault = await open();
    expect(vault.status()).toMatchObject({ mode: 'session', persistence: 'weak', backend: 'basic_text' });
    await vault.set({ vendor: 'hidream', token: TOKEN, userId: USER_ID });
    await vault.set({ vendor: 'haiper', accessKey: ACCESS_KEY, endpointPath: 'ep' });
    await vault.clear('haiper');
    await vault.setMode('session');
    expect(vault.get('hidream')?.vendor).toBe('hidream');
    expect(vault.status().vendors.hidream.storage).toBe('session');
    expect(safe.encryptCalls).toBe(0);
    expect(readdirSync(dir)).toEqual([]);

    // Without the explicit confirmation, asking to store changes nothing.
    const refused = await failure(vault.setMode('persistent'));
    expect(refused.kind).toBe('invalid_input');
    expect(refused.message).toMatch(/weakly protected/);
    expect(readdirSync(dir)).toEqual([]);
    expect(vault.status().mode).toBe('session');

    // A restart forgets the session keys.
    expect((await open()).get('hidream')).toBeUndefined();
  });

  it('stores keys with weak protection after an explicit confirmation, and says so', async () => {
    const vault = await open();
    await vault.set({ vendor: 'hidream', token: TOKEN });
    const status = await vault.setMode('persistent', true);
    expect(status.mode).toBe('persistent');
    expect(status.vendors.hidream.storage).toBe('weak');
    expectNoSecretOnDisk(TOKEN);

    const reopened = await open();
    expect(reopened.status().mode).toBe('persistent');
    expect(reopened.get('hidream')?.vendor).toBe('hidream');
    expect(reopened.status().vendors.hidream.storage).toBe('weak');

    // Back to session only: the stored keys are deleted.
    await reopened.setMode('session');
    expect(readFileSync(keysFile(), 'utf8')).not.toContain('vendor.hidream');
  });

  it('does not use keys stored with a keyring that is missing now, nor delete them', async () => {
    useSafeStorage(new FakeSafeStorage('gnome_libsecret'));
    await (await open()).set({ vendor: 'hidream', token: TOKEN });
    useSafeStorage(new FakeSafeStorage('basic_text'));
    const vault = await open();
    expect(vault.status()).toMatchObject({ mode: 'session', vendors: { hidream: { configured: false, unreadable: true } } });
    expect(readFileSync(keysFile(), 'utf8')).toContain('vendor.hidream');
  });
});

describe('key vault without any system encryption', () => {
  it('keeps keys for the session and refuses to store them', async () => {
    useSafeStorage(new FakeSafeStorage('basic_text')).available = false;
    const vault = await open(new JsonFileSecretStore(keysFile()));
    expect(vault.status()).toMatchObject({ mode: 'session', persistence: 'unavailable' });
    await vault.set({ vendor: 'hidream', token: TOKEN });
    const error = await failure(vault.setMode('persistent', true));
    expect(error.kind).toBe('forbidden');
    expect(error.message).toMatch(/no way to store keys safely/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('the browser shell’s memory keys say they last for this run only', async () => {
    const vault = createMemoryKeys(quiet);
    await vault.set({ vendor: 'hidream', token: TOKEN });
    expect(vault.status()).toMatchObject({ memoryOnly: true, mode: 'session', backend: 'none', vendors: { hidream: { storage: 'session' } } });
    expect(vault.describe()).toBe('memory (this run only)');
    expect((await failure(vault.setMode('persistent', true))).message).toMatch(/memory for this run only/);
  });
});

describe('a stored key is bound to its host', () => {
  /** A loopback server that records every request it gets, as a stand-in for a host a key must not reach. */
  async function listener(): Promise<{ url: string; requests: string[]; close: () => Promise<void> }> {
    const requests: string[] = [];
    const server = createServer((req, res) => {
      requests.push(`${req.method ?? ''} ${req.url ?? ''} ${req.headers.authorization ?? ''} ${String(req.headers['api-user-id'] ?? '')}`);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"code":0,"result":[]}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
  }

  const storedRecord = (): Record<string, unknown> => {
    const file = JSON.parse(readFileSync(keysFile(), 'utf8')) as Record<string, string>;
    return JSON.parse(file['vendor.hidream'] ?? '{}') as Record<string, unknown>;
  };
  const writeRecord = (record: Record<string, unknown>): void => {
    const file = JSON.parse(readFileSync(keysFile(), 'utf8')) as Record<string, string>;
    writeFileSync(keysFile(), JSON.stringify({ ...file, 'vendor.hidream': JSON.stringify(record) }));
  };

  it('refuses to point a saved key at another host unless the key is entered again', async () => {
    const vault = await open();
    await vault.set({ vendor: 'hidream', token: TOKEN, userId: USER_ID });
    for (const baseUrl of ['https://evil.example', 'https://www.hidreamai.com:8443', 'http://127.0.0.1:9']) {
      const refused = await failure(vault.set({ vendor: 'hidream', baseUrl }));
      expect(refused.kind).toBe('invalid_input');
      expect(refused.message).toMatch(/another host .*enter the HiDream token again/);
      expect(refused.issues).toEqual([expect.objectContaining({ path: 'token' })]);
      expect(vault.get('hidream')?.baseUrl).toBe('https://www.hidreamai.com');
    }
    await vault.set({ vendor: 'haiper', accessKey: ACCESS_KEY, endpointPath: 'ep' });
    expect((await failure(vault.set({ vendor: 'haiper', baseUrl: 'https://proxy.example/v1/ai' }))).message).toMatch(/Cloudsway AccessKey again/);
    // With the key typed again the user has chosen the host.
    await vault.set({ vendor: 'hidream', token: TOKEN, baseUrl: 'http://127.0.0.1:9' });
    expect(vault.get('hidream')).toMatchObject({ baseUrl: 'http://127.0.0.1:9', userId: USER_ID });
  });

  it('allows http:// only for this computer', async () => {
    const vault = await open();
    for (const baseUrl of ['http://example.com', 'http://10.0.0.5:8080', 'http://127.0.0.1.nip.io', 'http://a.localhost']) {
      expect((await failure(vault.set({ vendor: 'hidream', token: TOKEN, baseUrl }))).message).toMatch(/must start with https:\/\/; http:\/\/ is only for this computer/);
    }
    for (const baseUrl of ['http://localhost:8080', 'http://127.0.0.2:1', 'http://[::1]:8080', 'https://proxy.example']) {
      await vault.set({ vendor: 'hidream', token: TOKEN, baseUrl });
      expect(vault.get('hidream')?.baseUrl).toBe(baseUrl);
    }
  });

  it('seals the URL with the key, and a keys.json edited to send the key elsewhere is refused and sends nothing', async () => {
    const elsewhere = await listener();
    try {
      await (await open()).set({ vendor: 'hidream', token: TOKEN, userId: USER_ID });
      const record = storedRecord();
      expect(record).toMatchObject({ v: 2, baseUrl: 'https://www.hidreamai.com' });
      writeRecord({ ...record, baseUrl: elsewhere.url });

      useSafeStorage(safe.sameKeyring());
      const lines: string[] = [];
      const vault = await KeyVault.open({ cipher: createSafeStorageCipher(), store: createElectronSecretStore(dir), log: createLogger({ sink: (l) => lines.push(l) }) });
      expect(vault.get('hidream')).toBeUndefined();
      // The edited URL is not offered to the form either: a new key would otherwise follow it.
      expect(vault.status().vendors.hidream).toMatchObject({ configured: false, unreadable: true, problem: 'tampered', baseUrl: 'https://www.hidreamai.com' });
      expect(lines.join('\n')).toMatch(/changed outside Promptreel; the key was not used/);
      const result = await checkConnection('hidream', vault, (credentials) => createVendorClient(credentials, { log: quiet }));
      expect(result).toMatchObject({ ok: false, reason: 'not_configured' });
      expect(elsewhere.requests).toEqual([]);

      // A new key without a URL goes to the vendor's own host, not the edited one.
      await vault.set({ vendor: 'hidream', token: TOKEN });
      expect(vault.get('hidream')?.baseUrl).toBe('https://www.hidreamai.com');
    } finally {
      await elsewhere.close();
    }
  });

  it('reads keys stored by the previous version: bound on the vendor’s own host, re-entered for any other', async () => {
    const seal = async (payload: object): Promise<string> => Buffer.from(await safe.encryptStringAsync(JSON.stringify(payload))).toString('base64');
    const v1 = async (baseUrl: string): Promise<void> => {
      const record = { v: 1, ciphertext: await seal({ key: TOKEN, userId: USER_ID }), protection: 'encrypted', baseUrl };
      writeFileSync(keysFile(), JSON.stringify({ 'vendor.hidream': JSON.stringify(record) }));
    };

    await v1('https://www.hidreamai.com/api');
    const migrated = await open();
    expect(migrated.get('hidream')).toEqual({ vendor: 'hidream', baseUrl: 'https://www.hidreamai.com/api', token: TOKEN, userId: USER_ID });
    // Sealed again with its URL inside: from now on the URL beside it cannot be changed unnoticed.
    expect(storedRecord()).toMatchObject({ v: 2, baseUrl: 'https://www.hidreamai.com/api' });
    expect((await open()).get('hidream')).toMatchObject({ token: TOKEN });

    const elsewhere = await listener();
    try {
      await v1(elsewhere.url);
      const vault = await open();
      expect(vault.get('hidream')).toBeUndefined();
      expect(vault.status().vendors.hidream).toMatchObject({ unreadable: true, problem: 'unconfirmed_host', baseUrl: elsewhere.url });
      expect(await checkConnection('hidream', vault, (credentials) => createVendorClient(credentials, { log: quiet }))).toMatchObject({ reason: 'not_configured' });
      expect(elsewhere.requests).toEqual([]);
      // Entering the key with that URL confirms it.
      await vault.set({ vendor: 'hidream', token: TOKEN, baseUrl: elsewhere.url });
      expect(vault.get('hidream')?.baseUrl).toBe(elsewhere.url);
      expect(storedRecord()).toMatchObject({ v: 2, baseUrl: elsewhere.url });
    } finally {
      await elsewhere.close();
    }
  });
});
