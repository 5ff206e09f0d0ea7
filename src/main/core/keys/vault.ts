import { AppError } from '@shared/errors';
import type { RequestParsed } from '@shared/ipc';
import type { KeyStorageKind } from '@shared/ipc/app';
import type { KeyProblem, KeysStatus, KeyStorage, StorageBackend, VendorKeyStatus } from '@shared/ipc/keys';
import { VENDOR_IDS, VENDORS as VENDOR_DESCRIPTORS, type VendorId } from '@shared/catalog';
import type { CredentialSource, Credentials } from '../credentials';
import { createLogger, maskSecret, registerSecret, type Logger } from '../log';
import { DEFAULT_BASE_URLS, KEY_LABELS, normalizeBaseUrl, normalizeEndpointPath, normalizeKey, normalizeUserId, originOf, VENDOR_NAMES } from './validate';

/**
 * The OS encryption a vault stands on: Electron's safeStorage in the app, a fake in tests, nothing in
 * the browser shell. `decrypt` says when the OS rotated its key, so the vault re-encrypts.
 */
export interface Cipher {
  isAvailable(): Promise<boolean>;
  backend(): StorageBackend;
  encrypt(plain: string): Promise<Uint8Array>;
  decrypt(bytes: Uint8Array): Promise<{ text: string; reencrypt: boolean }>;
}

/** Where ciphertext records live: electron-store in the app, a JSON file in tests. Values are strings. */
export interface SecretStore {
  get(name: string): string | undefined;
  set(name: string, value: string): void;
  delete(name: string): void;
}

export type KeyInput = RequestParsed<'keys.set'>;
export type KeyMode = KeysStatus['mode'];

export interface VaultOptions {
  cipher: Cipher;
  store: SecretStore;
  log?: Logger;
  /** The browser shell / CLI: nothing can be stored, and the UI says keys last for this run only. */
  memoryOnly?: boolean;
}

const VENDORS: readonly VendorId[] = VENDOR_IDS;
const PREFERENCES = 'preferences';
const recordName = (vendor: VendorId): string => `vendor.${vendor}`;
/** The form field that holds the vendor's secret key, so a refusal lands beside it. */
const keyFieldOf = (vendor: VendorId): string => VENDOR_DESCRIPTORS[vendor].keyFields.find((f) => f.secret && f.required)?.name ?? 'key';

/** Backends that protect a key with a secret the OS keeps; `basic_text` uses a constant built into Chromium. */
const SECURE_BACKENDS: readonly StorageBackend[] = ['keychain', 'dpapi', 'kwallet', 'gnome_libsecret'];

interface Preferences {
  mode: KeyMode;
  /** The user confirmed that weak protection (Linux without a keyring) is good enough for them. */
  weakConsent: boolean;
}

/**
 * What is stored per vendor. Only `ciphertext` is secret. Since v2 the connection settings are sealed
 * inside it too, so the key is bound to the host it may be sent to: the plaintext copies beside it are
 * only for showing the settings when the ciphertext cannot be read, and must match it to be used.
 * v1 records (connection settings in plaintext only) are read as described in `load`.
 */
interface StoredRecord {
  v: 1 | 2;
  ciphertext: string;
  protection: 'encrypted' | 'weak';
  baseUrl: string;
  endpointPath?: string;
}

/** The encrypted part of a record; v1 had only `key` and `userId`. */
interface SecretPayload {
  key: string;
  userId?: string;
  baseUrl?: string;
  endpointPath?: string;
}

interface Entry extends SecretPayload {
  baseUrl: string;
  endpointPath?: string;
  storage: KeyStorage;
}

interface Unreadable {
  baseUrl: string;
  endpointPath?: string;
  problem: KeyProblem;
}

const CURRENT_VERSION = 2;

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function readPreferences(text: string | undefined): Preferences | undefined {
  const value = parseJson(text);
  if (typeof value !== 'object' || value === null) return undefined;
  const { mode, weakConsent } = value as Partial<Preferences>;
  return mode === 'session' || mode === 'persistent' ? { mode, weakConsent: weakConsent === true } : undefined;
}

function isStoredRecord(value: unknown): value is StoredRecord {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Partial<StoredRecord>;
  return (r.v === 1 || r.v === 2) && typeof r.ciphertext === 'string' && typeof r.baseUrl === 'string' && (r.protection === 'encrypted' || r.protection === 'weak');
}

/**
 * The URL a new key goes to when the request names none: a record's URL could not be checked (its key
 * is unreadable), so it is carried over only if it is the vendor's own host.
 */
function carriedBaseUrl(vendor: VendorId, lost: Unreadable | undefined): string {
  if (lost && lost.problem !== 'tampered' && originOf(lost.baseUrl) === originOf(DEFAULT_BASE_URLS[vendor])) return lost.baseUrl;
  return DEFAULT_BASE_URLS[vendor];
}

/**
 * The desktop app's keys: decrypted once at start, held in memory, written to disk only as OS-encrypted
 * ciphertext, and never handed to anything but the engine (`get`). Where the OS offers only weak
 * protection, keys stay in memory unless the user explicitly accepts the risk.
 */
export class KeyVault implements CredentialSource {
  private readonly entries = new Map<VendorId, Entry>();
  private readonly unreadable = new Map<VendorId, Unreadable>();
  private readonly listeners = new Set<(vendor: VendorId) => void>();
  private mode: KeyMode;
  private weakConsent: boolean;
  // Mutations encrypt asynchronously; running them one at a time keeps memory and disk in step.
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly cipher: Cipher,
    private readonly store: SecretStore,
    private readonly log: Logger,
    readonly persistence: KeysStatus['persistence'],
    private readonly memoryOnly: boolean,
    preferences: Preferences | undefined,
  ) {
    this.weakConsent = persistence === 'weak' && preferences?.weakConsent === true;
    const wanted = preferences?.mode ?? this.defaultMode();
    this.mode = wanted === 'persistent' && this.canPersist(this.weakConsent) ? 'persistent' : 'session';
  }

  static async open(options: VaultOptions): Promise<KeyVault> {
    const log = options.log ?? createLogger({ scope: 'keys' });
    const backend = options.cipher.backend();
    let available = false;
    try {
      available = backend !== 'none' && (await options.cipher.isAvailable());
    } catch (error) {
      log.warn('keys: the system encryption could not be reached; keys are kept for this session only', { error });
    }
    const persistence = !available ? 'unavailable' : SECURE_BACKENDS.includes(backend) ? 'secure' : 'weak';
    const preferences = readPreferences(options.store.get(PREFERENCES));
    const vault = new KeyVault(options.cipher, options.store, log, persistence, options.memoryOnly ?? false, preferences);
    await vault.load(preferences);
    return vault;
  }

  /**
   * A vault that never stores anything, for hosts without OS encryption (the browser shell): no
   * probing, nothing to load, so it is ready at once.
   */
  static withoutPersistence(options: VaultOptions): KeyVault {
    return new KeyVault(options.cipher, options.store, options.log ?? createLogger({ scope: 'keys' }), 'unavailable', options.memoryOnly ?? false, undefined);
  }

  // ---- CredentialSource: the engine's only way in ---------------------------------------------

  get(vendor: VendorId): Credentials | undefined {
    const entry = this.entries.get(vendor);
    if (!entry) return undefined;
    if (vendor === 'hidream') {
      return { vendor, baseUrl: entry.baseUrl, token: entry.key, ...(entry.userId ? { userId: entry.userId } : {}) };
    }
    if (!entry.endpointPath) return undefined;
    return { vendor, baseUrl: entry.baseUrl, endpointPath: entry.endpointPath, accessKey: entry.key };
  }

  onChange(listener: (vendor: VendorId) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---- What the renderer may know ---------------------------------------------------------------

  status(): KeysStatus {
    const vendors = {} as Record<VendorId, VendorKeyStatus>;
    for (const vendor of VENDORS) {
      const entry = this.entries.get(vendor);
      const lost = this.unreadable.get(vendor);
      vendors[vendor] = {
        configured: entry !== undefined,
        last4: entry ? entry.key.slice(-4) : null,
        storage: entry?.storage ?? null,
        hasUserId: entry?.userId !== undefined,
        baseUrl: entry?.baseUrl ?? lost?.baseUrl ?? DEFAULT_BASE_URLS[vendor],
        endpointPath: entry?.endpointPath ?? lost?.endpointPath ?? null,
        unreadable: lost !== undefined,
        problem: entry ? null : (lost?.problem ?? null),
      };
    }
    return { mode: this.mode, persistence: this.persistence, backend: this.cipher.backend(), memoryOnly: this.memoryOnly, vendors };
  }

  /** One line for `app.info`: where keys live in this run. */
  describe(): string {
    const kind = this.storageKind();
    if (kind === 'memory') return 'memory (this run only)';
    if (kind === 'session') return 'this session only (not stored)';
    return kind === 'encrypted' ? `encrypted (${this.cipher.backend()})` : 'stored with weak protection';
  }

  /** Where keys live, as a kind a UI can word in its own language (`describe` is the English for logs and the CLI). */
  storageKind(): KeyStorageKind {
    if (this.memoryOnly) return 'memory';
    if (this.mode === 'session') return 'session';
    return this.persistence === 'secure' ? 'encrypted' : 'weak';
  }

  backendName(): string {
    return this.cipher.backend();
  }

  // ---- Changes ------------------------------------------------------------------------------------

  set(input: KeyInput): Promise<KeysStatus> {
    return this.serialize(async () => {
      const { vendor } = input;
      const existing = this.entries.get(vendor);
      const rawKey = input.vendor === 'hidream' ? input.token : input.accessKey;
      const key = rawKey === undefined ? existing?.key : normalizeKey(vendor, rawKey);
      if (key === undefined) {
        const message = `Enter the ${KEY_LABELS[vendor]} first.`;
        throw new AppError('invalid_input', message, { issues: [{ path: keyFieldOf(vendor), message }] });
      }
      // Known from here on, so even a failure below cannot put it into a log line.
      registerSecret(key);
      const lost = this.unreadable.get(vendor);
      const baseUrl = input.baseUrl === undefined ? (existing?.baseUrl ?? carriedBaseUrl(vendor, lost)) : normalizeBaseUrl(vendor, input.baseUrl);
      if (rawKey === undefined && existing && originOf(baseUrl) !== originOf(existing.baseUrl)) {
        // The stored key was given for one host; sending it to another is the user's decision, made by typing it again.
        const message = `The ${VENDOR_NAMES[vendor]} base URL now points at another host (${originOf(baseUrl)}): enter the ${KEY_LABELS[vendor]} again to use it there.`;
        throw new AppError('invalid_input', message, { issues: [{ path: keyFieldOf(vendor), message }] });
      }
      const entry: Entry = { key, baseUrl, storage: 'session' };
      if (input.vendor === 'hidream') {
        const userId = input.userId === undefined ? existing?.userId : normalizeUserId(input.userId);
        if (userId !== undefined) {
          // As secret as the key: the vendor may echo it in an error, and that must not reach a log or a job.
          registerSecret(userId);
          entry.userId = userId;
        }
      } else {
        const endpointPath = input.endpointPath === undefined ? (existing?.endpointPath ?? lost?.endpointPath) : normalizeEndpointPath(input.endpointPath);
        if (endpointPath === undefined) {
          throw new AppError('invalid_input', 'Enter the Cloudsway endpoint path of your Haiper deployment as well.');
        }
        entry.endpointPath = endpointPath;
      }
      if (this.mode === 'persistent') {
        const record = await this.seal(vendor, entry);
        this.store.set(recordName(vendor), JSON.stringify(record));
        entry.storage = record.protection;
      } else {
        // A record this session could not use is now stale: the user has just replaced that key.
        this.drop(recordName(vendor));
      }
      this.entries.set(vendor, entry);
      this.unreadable.delete(vendor);
      this.log.info('keys: saved', { vendor, key: maskSecret(key), storage: entry.storage });
      this.emit(vendor);
      return this.status();
    });
  }

  clear(vendor: VendorId): Promise<KeysStatus> {
    return this.serialize(() => {
      this.drop(recordName(vendor));
      const had = this.entries.delete(vendor);
      this.unreadable.delete(vendor);
      // The key stays registered with the log redactor for the rest of the run: a request that was
      // already under way with it may still fail and log, and that line must be masked too.
      if (had) {
        this.log.info('keys: removed', { vendor });
        this.emit(vendor);
      }
      return Promise.resolve(this.status());
    });
  }

  setMode(mode: KeyMode, confirmWeak = false): Promise<KeysStatus> {
    return this.serialize(async () => {
      if (mode === 'persistent' && this.mode === 'persistent') return this.status();
      if (mode === 'persistent') {
        if (!this.canPersist(true)) {
          throw new AppError(
            'forbidden',
            this.memoryOnly
              ? 'Keys entered here are kept in memory for this run only; the desktop app can store them encrypted.'
              : 'This system offers no way to store keys safely, so they are kept for this session only.',
          );
        }
        if (this.persistence === 'weak' && !confirmWeak) {
          throw new AppError(
            'invalid_input',
            'On this system stored keys are only weakly protected (no keyring); confirm that you accept this to store them.',
          );
        }
        // Encrypt everything first: if the OS refuses one key, nothing has changed on disk or in memory.
        const sealed = new Map<VendorId, StoredRecord>();
        for (const [vendor, entry] of this.entries) sealed.set(vendor, await this.seal(vendor, entry));
        for (const [vendor, record] of sealed) {
          this.store.set(recordName(vendor), JSON.stringify(record));
          const entry = this.entries.get(vendor);
          if (entry) entry.storage = record.protection;
        }
        this.weakConsent = this.persistence === 'weak';
      } else {
        for (const vendor of VENDORS) this.drop(recordName(vendor));
        for (const entry of this.entries.values()) entry.storage = 'session';
        this.unreadable.clear();
        this.weakConsent = false;
      }
      this.mode = mode;
      if (mode === this.defaultMode()) this.drop(PREFERENCES);
      else this.store.set(PREFERENCES, JSON.stringify({ mode, weakConsent: this.weakConsent } satisfies Preferences));
      this.log.info('keys: storage mode changed', { mode, persistence: this.persistence });
      return this.status();
    });
  }

  // ---- Internals ------------------------------------------------------------------------------------

  private defaultMode(): KeyMode {
    return this.persistence === 'secure' ? 'persistent' : 'session';
  }

  private canPersist(weakConsent: boolean): boolean {
    if (this.memoryOnly || this.persistence === 'unavailable') return false;
    return this.persistence === 'secure' || weakConsent;
  }

  private async seal(vendor: VendorId, entry: Entry): Promise<StoredRecord> {
    const payload: SecretPayload = { key: entry.key, baseUrl: entry.baseUrl };
    if (entry.userId !== undefined) payload.userId = entry.userId;
    if (entry.endpointPath !== undefined) payload.endpointPath = entry.endpointPath;
    let bytes: Uint8Array;
    try {
      bytes = await this.cipher.encrypt(JSON.stringify(payload));
    } catch (error) {
      this.log.error('keys: encryption failed', { vendor, error });
      throw new AppError('io', `The system could not encrypt the ${VENDOR_NAMES[vendor]} key, so it was not saved. Unlock your keyring and try again.`);
    }
    const record: StoredRecord = {
      v: CURRENT_VERSION,
      ciphertext: Buffer.from(bytes).toString('base64'),
      protection: this.persistence === 'secure' ? 'encrypted' : 'weak',
      baseUrl: entry.baseUrl,
    };
    if (entry.endpointPath !== undefined) record.endpointPath = entry.endpointPath;
    return record;
  }

  private async load(preferences: Preferences | undefined): Promise<void> {
    for (const vendor of VENDORS) {
      const raw = this.store.get(recordName(vendor));
      if (raw === undefined) continue;
      if (preferences?.mode === 'session') {
        // The user chose to keep nothing on disk; a record left by an interrupted switch goes too.
        this.drop(recordName(vendor));
        continue;
      }
      const record = parseJson(raw);
      if (!isStoredRecord(record)) {
        this.log.warn('keys: a stored key record is damaged and was ignored', { vendor });
        this.unreadable.set(vendor, { baseUrl: DEFAULT_BASE_URLS[vendor], problem: 'undecryptable' });
        continue;
      }
      const place: Unreadable = { baseUrl: record.baseUrl, problem: 'undecryptable' };
      if (record.endpointPath !== undefined) place.endpointPath = record.endpointPath;
      if (this.mode === 'session') {
        // Stored while this system had a keyring it lacks now: kept on disk for when it is back, unused.
        this.log.warn('keys: a stored key cannot be used without the keyring it was stored with', { vendor });
        this.unreadable.set(vendor, place);
        continue;
      }
      let payload: Partial<SecretPayload>;
      let reencrypt: boolean;
      try {
        const opened = await this.cipher.decrypt(Buffer.from(record.ciphertext, 'base64'));
        payload = JSON.parse(opened.text) as Partial<SecretPayload>;
        reencrypt = opened.reencrypt;
        if (typeof payload.key !== 'string') throw new Error('decrypted record has no key');
      } catch (error) {
        this.log.warn('keys: a stored key could not be decrypted; it must be entered again', { vendor, error });
        this.unreadable.set(vendor, place);
        continue;
      }
      registerSecret(payload.key);
      if (typeof payload.userId === 'string') registerSecret(payload.userId);
      const problem = this.bindingProblem(vendor, record, payload);
      if (problem) {
        this.unreadable.set(vendor, problem === 'tampered' ? { baseUrl: DEFAULT_BASE_URLS[vendor], problem } : { ...place, problem });
        continue;
      }
      const entry: Entry = { key: payload.key, baseUrl: record.baseUrl, storage: record.protection };
      if (record.endpointPath !== undefined) entry.endpointPath = record.endpointPath;
      if (typeof payload.userId === 'string') entry.userId = payload.userId;
      this.entries.set(vendor, entry);
      // A v1 record that passed is sealed again with its URL inside, so it is bound from now on.
      if (reencrypt || record.v !== CURRENT_VERSION) await this.refresh(vendor, entry);
    }
  }

  /**
   * Whether a decrypted record may be used where it says it goes.
   * v2: the URL and endpoint path sealed in the ciphertext must equal the ones beside it; anything else
   * means keys.json was edited, and the key is not used (it stays on disk until the user replaces it).
   * v1 (before keys were bound to their host): nothing proves who wrote the plaintext URL. A record
   * for the vendor's own host is taken as it is and sealed as v2; one for any other host is not used
   * until the user enters the key again, because a key is never sent to a host the user did not confirm.
   * A Cloudsway endpoint path stays on the same host, so a v1 one is kept.
   */
  private bindingProblem(vendor: VendorId, record: StoredRecord, payload: Partial<SecretPayload>): KeyProblem | null {
    if (record.v === 1) {
      if (originOf(record.baseUrl) === originOf(DEFAULT_BASE_URLS[vendor])) return null;
      this.log.warn('keys: a key stored by an older version points at a host it is not bound to; it must be entered again', { vendor, host: originOf(record.baseUrl) });
      return 'unconfirmed_host';
    }
    if (payload.baseUrl === record.baseUrl && payload.endpointPath === record.endpointPath) return null;
    this.log.warn('keys: the connection settings beside a stored key were changed outside Promptreel; the key was not used', { vendor });
    return 'tampered';
  }

  /** The OS rotated its key: store the same secret under the new one. Best effort, it still decrypts. */
  private async refresh(vendor: VendorId, entry: Entry): Promise<void> {
    try {
      const record = await this.seal(vendor, entry);
      this.store.set(recordName(vendor), JSON.stringify(record));
      entry.storage = record.protection;
    } catch {
      // seal() already logged it; the old ciphertext stays valid.
    }
  }

  /** Deletes only what exists, so a store that has never been written stays unwritten. */
  private drop(name: string): void {
    if (this.store.get(name) !== undefined) this.store.delete(name);
  }

  private emit(vendor: VendorId): void {
    for (const listener of this.listeners) {
      try {
        listener(vendor);
      } catch (error) {
        this.log.error('keys: change listener failed', { vendor, error });
      }
    }
  }

  private serialize<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
