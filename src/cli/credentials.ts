import type { Credentials } from '@main/core/credentials';
import { MemoryCredentialSource } from '@main/core/credentials-memory';
import { UsageError } from './usage';

export const DEFAULT_HIDREAM_URL = 'https://www.hidreamai.com';
export const DEFAULT_CLOUDSWAY_URL = 'https://genaiapi.cloudsway.net/v1/ai';

function value(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const text = env[name]?.trim();
  return text ? text : undefined;
}

function url(env: NodeJS.ProcessEnv, name: string, fallback: string): string {
  const text = value(env, name) ?? fallback;
  try {
    const parsed = new URL(text);
    if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return text.replace(/\/+$/, '');
  } catch {
    // reported below
  }
  throw new UsageError(`${name} must be an http(s) URL (got ${JSON.stringify(text)}).`);
}

/**
 * The CLI's keys come from the environment only and stay in memory: they are registered as secrets (so
 * no log line or error can show them) and never written anywhere. A vendor without a key uses the
 * built-in sandbox.
 */
export function credentialsFromEnv(env: NodeJS.ProcessEnv): MemoryCredentialSource {
  const found: Credentials[] = [];
  const token = value(env, 'PROMPTREEL_HIDREAM_TOKEN');
  if (token) {
    const userId = value(env, 'PROMPTREEL_HIDREAM_USER_ID');
    found.push({ vendor: 'hidream', baseUrl: url(env, 'PROMPTREEL_HIDREAM_URL', DEFAULT_HIDREAM_URL), token, ...(userId ? { userId } : {}) });
  }
  const key = value(env, 'PROMPTREEL_CLOUDSWAY_KEY');
  if (key) {
    const endpointPath = value(env, 'PROMPTREEL_CLOUDSWAY_ENDPOINT');
    if (!endpointPath) throw new UsageError('PROMPTREEL_CLOUDSWAY_ENDPOINT is required with PROMPTREEL_CLOUDSWAY_KEY (the endpoint path of your Cloudsway deployment).');
    found.push({ vendor: 'haiper', baseUrl: url(env, 'PROMPTREEL_CLOUDSWAY_URL', DEFAULT_CLOUDSWAY_URL), endpointPath, accessKey: key });
  }
  return new MemoryCredentialSource(found);
}
