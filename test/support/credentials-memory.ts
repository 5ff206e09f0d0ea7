import type { VendorId } from '@shared/catalog';
import type { CredentialSource, Credentials } from '@main/core/credentials';
import { forgetSecret, registerSecret } from '@main/core/log';

function secretOf(credentials: Credentials | undefined): string | undefined {
  return credentials?.vendor === 'hidream' ? credentials.token : credentials?.accessKey;
}

/** A bare in-memory `CredentialSource` for engine tests that change keys without the vault. */
export class MemoryCredentialSource implements CredentialSource {
  private readonly values = new Map<VendorId, Credentials>();
  private readonly listeners = new Set<(vendor: VendorId) => void>();

  constructor(initial: Credentials[] = []) {
    for (const credentials of initial) {
      registerSecret(secretOf(credentials));
      this.values.set(credentials.vendor, credentials);
    }
  }

  get(vendor: VendorId): Credentials | undefined {
    return this.values.get(vendor);
  }

  /** Sets (or with `undefined`, removes) a vendor's key and tells every listener. */
  set(vendor: VendorId, credentials: Credentials | undefined): void {
    forgetSecret(secretOf(this.values.get(vendor)));
    if (credentials) {
      registerSecret(secretOf(credentials));
      this.values.set(vendor, credentials);
    } else {
      this.values.delete(vendor);
    }
    for (const listener of this.listeners) listener(vendor);
  }

  onChange(listener: (vendor: VendorId) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
