import type { VendorId } from '@shared/catalog';

export interface HidreamCredentials {
  vendor: 'hidream';
  /** Origin, e.g. https://www.hidreamai.com */
  baseUrl: string;
  token: string;
  userId?: string;
}

export interface HaiperCredentials {
  vendor: 'haiper';
  /** e.g. https://genaiapi.cloudsway.net/v1/ai */
  baseUrl: string;
  endpointPath: string;
  accessKey: string;
}

export type Credentials = HidreamCredentials | HaiperCredentials;

/**
 * How the engine gets keys without knowing where they live: the desktop app's encrypted vault, the
 * browser shell's in-memory entry, or the CLI's environment. `undefined` means "not configured", and the
 * engine then uses the built-in sandbox vendor.
 */
export interface CredentialSource {
  get(vendor: VendorId): Credentials | undefined;
  /** Called after a key changes, so jobs paused for auth can resume. */
  onChange(listener: (vendor: VendorId) => void): () => void;
}
