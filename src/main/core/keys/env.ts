import { AppError } from '@shared/errors';
import type { VendorId } from '@shared/catalog';
import type { CredentialSource, Credentials } from '../credentials';
import { registerSecret } from '../log';
import { DEFAULT_BASE_URLS, normalizeBaseUrl, normalizeEndpointPath, normalizeKey, normalizeUserId } from './validate';

/** The environment variables the CLI reads keys from. */
export const KEY_ENV = {
  hidreamToken: 'PROMPTREEL_HIDREAM_TOKEN',
  hidreamUserId: 'PROMPTREEL_HIDREAM_USER_ID',
  hidreamUrl: 'PROMPTREEL_HIDREAM_URL',
  cloudswayKey: 'PROMPTREEL_CLOUDSWAY_KEY',
  cloudswayEndpoint: 'PROMPTREEL_CLOUDSWAY_ENDPOINT',
  cloudswayUrl: 'PROMPTREEL_CLOUDSWAY_URL',
} as const;

function named<T>(variable: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof AppError) throw new AppError('invalid_input', `${variable}: ${error.message}`);
    throw error;
  }
}

/**
 * Keys for the CLI, read once from the environment. A variable that is set but wrong fails here, at
 * start, naming the variable (never its value); an unset key means "not configured".
 */
export function credentialsFromEnv(env: NodeJS.ProcessEnv = process.env): CredentialSource {
  const found = new Map<VendorId, Credentials>();
  const value = (name: string): string | undefined => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? undefined : v;
  };

  const token = value(KEY_ENV.hidreamToken);
  if (token !== undefined) {
    const key = named(KEY_ENV.hidreamToken, () => normalizeKey('hidream', token));
    registerSecret(key);
    const url = value(KEY_ENV.hidreamUrl);
    const userId = value(KEY_ENV.hidreamUserId);
    const normalizedUserId = userId === undefined ? undefined : named(KEY_ENV.hidreamUserId, () => normalizeUserId(userId));
    registerSecret(normalizedUserId);
    found.set('hidream', {
      vendor: 'hidream',
      token: key,
      baseUrl: url === undefined ? DEFAULT_BASE_URLS.hidream : named(KEY_ENV.hidreamUrl, () => normalizeBaseUrl('hidream', url)),
      ...(normalizedUserId === undefined ? {} : { userId: normalizedUserId }),
    });
  }

  const accessKey = value(KEY_ENV.cloudswayKey);
  if (accessKey !== undefined) {
    const key = named(KEY_ENV.cloudswayKey, () => normalizeKey('haiper', accessKey));
    registerSecret(key);
    const endpoint = value(KEY_ENV.cloudswayEndpoint);
    if (endpoint === undefined) {
      throw new AppError('invalid_input', `${KEY_ENV.cloudswayKey} is set but ${KEY_ENV.cloudswayEndpoint} is not; Cloudsway needs both.`);
    }
    const url = value(KEY_ENV.cloudswayUrl);
    found.set('haiper', {
      vendor: 'haiper',
      accessKey: key,
      endpointPath: named(KEY_ENV.cloudswayEndpoint, () => normalizeEndpointPath(endpoint)),
      baseUrl: url === undefined ? DEFAULT_BASE_URLS.haiper : named(KEY_ENV.cloudswayUrl, () => normalizeBaseUrl('haiper', url)),
    });
  }

  return {
    get: (vendor) => found.get(vendor),
    // The environment does not change while a CLI run lasts.
    onChange: () => () => undefined,
  };
}
