import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../fs/atomic';
import type { SecretStore } from './vault';

/**
 * A `SecretStore` in a JSON file, for Node hosts and tests. It holds only what the vault gives it
 * (ciphertext and connection settings); the file is created on the first write, readable by its owner only.
 */
export class JsonFileSecretStore implements SecretStore {
  constructor(private readonly file: string) {}

  get(name: string): string | undefined {
    const value = this.read()[name];
    return typeof value === 'string' ? value : undefined;
  }

  set(name: string, value: string): void {
    this.write({ ...this.read(), [name]: value });
  }

  delete(name: string): void {
    const data = this.read();
    if (!Object.hasOwn(data, name)) return;
    const { [name]: _removed, ...rest } = data;
    this.write(rest);
  }

  private read(): Record<string, unknown> {
    if (!existsSync(this.file)) return {};
    try {
      const parsed: unknown = JSON.parse(readFileSync(this.file, 'utf8'));
      return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
    } catch {
      // A damaged file reads as empty; the vault then treats every key as not configured.
      return {};
    }
  }

  private write(data: Record<string, unknown>): void {
    mkdirSync(dirname(this.file), { recursive: true });
    writeFileAtomic(this.file, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
  }
}
