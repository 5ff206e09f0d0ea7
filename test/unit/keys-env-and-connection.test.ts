import { describe, expect, it } from 'vitest';
import { AppError } from '@shared/errors';
import type { Credentials } from '@main/core/credentials';
import { checkConnection } from '@main/core/keys/connection';
import { credentialsFromEnv } from '@main/core/keys/env';
import { createMemoryKeys } from '@main/core/keys/memory';
import { createLogger, redact } from '@main/core/log';
import type { VendorClient } from '@main/core/vendors/types';

const TOKEN = 'envT0ken-0a1b2c3d4e5f6a7b8c9d';
const ACCESS_KEY = 'cswAK_envfedcba9876543210';
const quiet = createLogger({ sink: () => {} });

describe('keys from the environment (CLI)', () => {
  it('reads both vendors with defaults and registers the keys for redaction', () => {
    const source = credentialsFromEnv({
      PROMPTREEL_HIDREAM_TOKEN: TOKEN,
      PROMPTREEL_HIDREAM_USER_ID: 'u-1',
      PROMPTREEL_CLOUDSWAY_KEY: ACCESS_KEY,
      PROMPTREEL_CLOUDSWAY_ENDPOINT: '/maas/ep/',
      PROMPTREEL_CLOUDSWAY_URL: 'http://127.0.0.1:8080/v1/ai/',
    });
    expect(source.get('hidream')).toEqual({ vendor: 'hidream', token: TOKEN, userId: 'u-1', baseUrl: 'https://www.hidreamai.com' });
    expect(source.get('haiper')).toEqual({ vendor: 'haiper', accessKey: ACCESS_KEY, endpointPath: 'maas/ep', baseUrl: 'http://127.0.0.1:8080/v1/ai' });
    expect(redact(`token ${TOKEN}`)).not.toContain(TOKEN);
    // The API-User-ID is as secret as the token, even when it is short.
    expect(redact('user u-1 refused')).toBe('user **** refused');
  });

  it('treats unset or empty variables as "not configured"', () => {
    const source = credentialsFromEnv({ PROMPTREEL_HIDREAM_TOKEN: '  ' });
    expect(source.get('hidream')).toBeUndefined();
    expect(source.get('haiper')).toBeUndefined();
  });

  it('names the wrong variable, never its value', () => {
    expect(() => credentialsFromEnv({ PROMPTREEL_HIDREAM_TOKEN: 'two words here' })).toThrow(/^PROMPTREEL_HIDREAM_TOKEN: .*spaces/);
    expect(() => credentialsFromEnv({ PROMPTREEL_HIDREAM_TOKEN: TOKEN, PROMPTREEL_HIDREAM_URL: 'file:///etc' })).toThrow(/^PROMPTREEL_HIDREAM_URL: /);
    expect(() => credentialsFromEnv({ PROMPTREEL_CLOUDSWAY_KEY: ACCESS_KEY })).toThrow(/PROMPTREEL_CLOUDSWAY_ENDPOINT is not/);
    let thrown: unknown;
    try {
      credentialsFromEnv({ PROMPTREEL_CLOUDSWAY_KEY: `${ACCESS_KEY} x`, PROMPTREEL_CLOUDSWAY_ENDPOINT: 'ep' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AppError);
    expect(String(thrown)).toMatch(/^AppError: PROMPTREEL_CLOUDSWAY_KEY: /);
    expect(String(thrown)).not.toContain(ACCESS_KEY);
  });
});

class FakeClient implements VendorClient {
  readonly vendor = 'hidream' as const;
  closed = false;
  constructor(private readonly answer: () => Promise<void>) {}
  submit(): never {
    throw new Error('a connection check must not submit work');
  }
  query(): never {
    throw new Error('a connection check must not query tasks');
  }
  checkConnection(signal?: AbortSignal): Promise<void> {
    this.signal = signal;
    return this.answer();
  }
  signal: AbortSignal | undefined;
  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}

describe('test connection', () => {
  const setup = async (answer: () => Promise<void>) => {
    const keys = createMemoryKeys(quiet);
    await keys.set({ vendor: 'hidream', token: TOKEN, baseUrl: 'http://127.0.0.1:9' });
    const seen: Credentials[] = [];
    let client: FakeClient | undefined;
    const result = await checkConnection('hidream', keys, (credentials) => {
      seen.push(credentials);
      client = new FakeClient(answer);
      return client;
    }, { log: quiet });
    return { result, seen, client };
  };

  it('says OK when the vendor accepts the key, with the saved credentials, and closes the client', async () => {
    const { result, seen, client } = await setup(() => Promise.resolve());
    expect(result).toEqual({ ok: true });
    expect(seen).toEqual([{ vendor: 'hidream', token: TOKEN, baseUrl: 'http://127.0.0.1:9' }]);
    expect(client?.closed).toBe(true);
  });

  it('maps the vendor taxonomy to plain words and never echoes the key', async () => {
    const cases: [AppError | Error, string, RegExp][] = [
      [new AppError('auth', `HiDream refused the key (HTTP 401): invalid token ${TOKEN}`), 'invalid_key', /^HiDream refused the key \(HTTP 401\): invalid token \*{4}/],
      [new AppError('network', 'Could not connect to HiDream (ECONNREFUSED).'), 'unreachable', /^Could not connect to HiDream \(ECONNREFUSED\)\. \(http:\/\/127\.0\.0\.1:9\)$/],
      [new AppError('timeout', 'HiDream did not answer within 60 s.'), 'unreachable', /^HiDream did not answer within 60 s\./],
      [new AppError('bad_response', 'HiDream sent HTML instead of JSON.'), 'unexpected', /^HiDream sent HTML instead of JSON\.$/],
      [new AppError('rate_limit', 'slow down'), 'unexpected', /^slow down$/],
      [new TypeError('boom'), 'unexpected', /^HiDream answered in an unexpected way: boom$/],
    ];
    for (const [error, reason, message] of cases) {
      const { result, client } = await setup(() => Promise.reject(error));
      expect(result).toMatchObject({ ok: false, reason });
      if (!result.ok) {
        expect(result.message).toMatch(message);
        expect(result.message).not.toContain(TOKEN);
      }
      expect(client?.closed).toBe(true);
    }
  });

  it('calls a vendor that does not answer in time unreachable, however the client reports the abort', async () => {
    const keys = createMemoryKeys(quiet);
    await keys.set({ vendor: 'hidream', token: TOKEN });
    const slow = new FakeClient(
      () =>
        new Promise((_resolve, reject) => {
          slow.signal?.addEventListener('abort', () => reject(new AppError('canceled', 'The request was canceled.')));
        }),
    );
    const result = await checkConnection('hidream', keys, () => slow, { log: quiet, timeoutMs: 1 });
    expect(result).toEqual({ ok: false, reason: 'unreachable', message: 'HiDream did not answer in time (https://www.hidreamai.com).' });
    expect(slow.closed).toBe(true);
  });

  it('says so when no key is saved, without building a client', async () => {
    const result = await checkConnection('haiper', createMemoryKeys(quiet), () => {
      throw new Error('must not be called');
    });
    expect(result).toEqual({ ok: false, reason: 'not_configured', message: 'No Cloudsway (Haiper) key is saved yet.' });
  });
});
