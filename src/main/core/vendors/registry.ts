import type { VendorMode } from '@shared/ipc/jobs';
import type { VendorId } from '@shared/catalog';
import type { CredentialSource, HaiperCredentials, HidreamCredentials } from '../credentials';
import type { VendorClients } from '../jobs/engine';
import type { Logger } from '../log';
import { isLoopbackBaseUrl } from '@shared/url';
import { createVendorClient, type VendorClientOptions } from './index';
import type { VendorClient } from './types';

/**
 * A stand-in vendor for both wire protocols, as the engine sees it: where it answers and keys that work
 * there. The composition root injects the built-in sandbox (src/main/sandbox); the engine never starts one itself.
 */
export interface Sandbox {
  readonly origin: string;
  readonly hidream: HidreamCredentials;
  readonly haiper: HaiperCredentials;
  close(): Promise<void>;
}

export interface VendorRegistryOptions {
  credentials: CredentialSource;
  /** Starts the built-in sandbox vendor; called at most once, the first time a vendor without a key is used. */
  startSandbox: () => Promise<Sandbox>;
  clientOptions?: VendorClientOptions;
  log?: Logger;
}

/**
 * One client per vendor: live with the user's key, or — with no key configured — the built-in sandbox,
 * started lazily on loopback. The sandbox is the zero-setup default, so a new user sees the whole app
 * work offline. When a key changes the vendor's client is replaced, then listeners (the engine) hear of it.
 */
export class VendorRegistry implements VendorClients {
  private readonly clients = new Map<VendorId, Promise<VendorClient>>();
  private readonly listeners = new Set<(vendor: VendorId) => void>();
  private sandbox: Promise<Sandbox> | null = null;
  private readonly unsubscribe: () => void;
  private closed = false;

  constructor(private readonly options: VendorRegistryOptions) {
    this.unsubscribe = options.credentials.onChange((vendor) => {
      void this.replace(vendor);
    });
  }

  mode(vendor: VendorId): VendorMode {
    return this.options.credentials.get(vendor) ? 'live' : 'sandbox';
  }

  onThisComputer(vendor: VendorId): boolean {
    const live = this.options.credentials.get(vendor);
    return !live || isLoopbackBaseUrl(live.baseUrl);
  }

  client(vendor: VendorId): Promise<VendorClient> {
    if (this.closed) return Promise.reject(new Error('The vendor registry is closed.'));
    let client = this.clients.get(vendor);
    if (!client) {
      client = this.create(vendor);
      this.clients.set(vendor, client);
      // A sandbox that failed to start is tried again next time rather than cached as broken.
      client.catch(() => {
        if (this.clients.get(vendor) === client) this.clients.delete(vendor);
      });
    }
    return client;
  }

  private async create(vendor: VendorId): Promise<VendorClient> {
    const live = this.options.credentials.get(vendor);
    if (live) return createVendorClient(live, this.options.clientOptions);
    const sandbox = await this.startSandbox();
    this.options.log?.info('no key configured; using the built-in sandbox', { vendor, origin: sandbox.origin });
    return createVendorClient(vendor === 'hidream' ? sandbox.hidream : sandbox.haiper, this.options.clientOptions);
  }

  private startSandbox(): Promise<Sandbox> {
    if (!this.sandbox) {
      const started = this.options.startSandbox();
      this.sandbox = started;
      started.catch(() => {
        if (this.sandbox === started) this.sandbox = null;
      });
    }
    return this.sandbox;
  }

  onChange(listener: (vendor: VendorId) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async replace(vendor: VendorId): Promise<void> {
    const old = this.clients.get(vendor);
    this.clients.delete(vendor);
    for (const listener of this.listeners) listener(vendor);
    // Requests already under way on the old client finish on it.
    if (old) await old.then((c) => c.close()).catch(() => {});
  }

  async close(): Promise<void> {
    this.closed = true;
    this.unsubscribe();
    const clients = [...this.clients.values()];
    this.clients.clear();
    await Promise.allSettled(clients.map(async (c) => (await c).close()));
    if (this.sandbox) await (await this.sandbox.catch(() => null))?.close();
  }
}
