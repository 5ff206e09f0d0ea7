import { z } from 'zod';
import { VENDOR_IDS, type VendorId } from '../catalog/vendors';
import { event, request } from './define';

/**
 * API keys. The renderer sends a key once, when the user saves it, and never gets it back: every
 * answer here says only whether a key is configured, its last four characters and how it is kept.
 */

/** Electron safeStorage's backend; `none` where there is no Electron (browser shell, CLI). */
export const STORAGE_BACKENDS = ['keychain', 'dpapi', 'kwallet', 'gnome_libsecret', 'basic_text', 'unknown', 'none'] as const;
export type StorageBackend = (typeof STORAGE_BACKENDS)[number];

/** Where one key lives: encrypted by the OS, only in memory for this run, or on disk with weak protection. */
export type KeyStorage = 'encrypted' | 'session' | 'weak';

export interface VendorKeyStatus {
  configured: boolean;
  /** The key's last four characters, so the user can tell keys apart; null when none is configured. */
  last4: string | null;
  storage: KeyStorage | null;
  /** HiDream only: an API-User-ID is stored with the token (it is kept as secret as the token). */
  hasUserId: boolean;
  /** Connection settings, not secrets: shown and edited in the clear. */
  baseUrl: string;
  endpointPath: string | null;
  /** A stored key this run does not use (see `problem`): it must be entered again. */
  unreadable: boolean;
  /** Why a stored key is not used; null when a key is configured or none is stored. */
  problem: KeyProblem | null;
}

/**
 * `undecryptable`: the keyring changed or is locked, or the record is damaged. `tampered`: the host
 * stored beside the key is not the one sealed with it (keys.json was edited), so it was not sent
 * anywhere. `unconfirmed_host`: stored by an older version for a host other than the vendor's own,
 * before keys were bound to their host; entering the key again confirms the host.
 */
export type KeyProblem = 'undecryptable' | 'tampered' | 'unconfirmed_host';

export interface KeysStatus {
  /** `session`: keys are held in memory and forgotten when the app quits; `persistent`: stored encrypted. */
  mode: 'session' | 'persistent';
  /** What storing keys would mean on this system. */
  persistence: 'secure' | 'weak' | 'unavailable';
  backend: StorageBackend;
  /** The browser shell and CLI: keys entered here are kept in memory for this run only, by design. */
  memoryOnly: boolean;
  vendors: Record<VendorId, VendorKeyStatus>;
}

export type ConnectionFailure = 'not_configured' | 'invalid_key' | 'unreachable' | 'unexpected';

export type ConnectionResult = { ok: true } | { ok: false; reason: ConnectionFailure; message: string };

const vendor = z.enum(VENDOR_IDS);
// Bounds only; the vault says what exactly is wrong with a value (whitespace, scheme…) in plain words.
const secret = z.string().min(1).max(4096);
const url = z.string().min(1).max(2048);

export const keysRequests = {
  'keys.status': request(z.object({}).strict()).returns<KeysStatus>(),
  /**
   * Saves a key (or only the connection settings when the key is omitted and one is stored).
   * A `baseUrl` on another host (scheme, name or port) than the stored key's needs the key again.
   * An empty `userId` removes the stored one.
   */
  'keys.set': request(
    z.discriminatedUnion('vendor', [
      z
        .object({
          vendor: z.literal('hidream'),
          token: secret.optional(),
          userId: z.string().max(256).optional(),
          baseUrl: url.optional(),
        })
        .strict(),
      z
        .object({
          vendor: z.literal('haiper'),
          accessKey: secret.optional(),
          baseUrl: url.optional(),
          endpointPath: z.string().min(1).max(512).optional(),
        })
        .strict(),
    ]),
  ).returns<KeysStatus>(),
  'keys.clear': request(z.object({ vendor }).strict()).returns<KeysStatus>(),
  /** A cheap authenticated request with the saved key that creates no billable work. */
  'keys.test': request(z.object({ vendor }).strict()).returns<ConnectionResult>(),
  /**
   * `persistent` where the system can only offer weak protection (Linux without a keyring) requires
   * `confirmWeak: true`, the user's explicit consent.
   */
  'keys.setMode': request(z.object({ mode: z.enum(['session', 'persistent']), confirmWeak: z.boolean().optional() }).strict()).returns<KeysStatus>(),
} as const;

export const keysEvents = {
  /** Any key or storage-mode change, from any window. */
  'keys.changed': event<KeysStatus>(),
} as const;
