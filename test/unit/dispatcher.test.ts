import { describe, expect, it } from 'vitest';
import { AppError } from '@shared/errors';
import { createDispatcher, type Handlers } from '@main/core/ipc/dispatcher';
import { createLogger } from '@main/core/log';

function setup(overrides: Partial<Handlers> = {}) {
  const lines: string[] = [];
  const calls: string[] = [];
  // Only the app slice matters here; the other channels are never called by these tests.
  const handlers = {
    'app.info': () => ({ name: 'P', version: '1', transport: 'browser', platform: 'linux', keyStorage: 'memory' }),
    'app.echo': ({ text }) => {
      calls.push(text);
      return { text, receivedAt: 'now' };
    },
    'app.openExternal': () => ({ opened: false }),
    ...overrides,
  } as Handlers;
  const dispatch = createDispatcher(handlers, createLogger({ sink: (line) => lines.push(line), level: 'debug' }));
  return { dispatch, lines, calls };
}

const ctx = { origin: 'test' };

describe('dispatcher', () => {
  it('runs a valid request and returns its value', async () => {
    const { dispatch } = setup();
    expect(await dispatch({ name: 'app.echo', input: { text: 'hi' } }, ctx)).toEqual({ ok: true, value: { text: 'hi', receivedAt: 'now' } });
  });

  it('answers an unknown channel with a typed error, logged once', async () => {
    const { dispatch, lines } = setup();
    const result = await dispatch({ name: 'fs.readFile', input: {} }, ctx);
    expect(result).toMatchObject({ ok: false, error: { kind: 'unknown_channel' } });
    expect(lines.filter((l) => l.includes('unknown channel'))).toHaveLength(1);
  });

  it('rejects an invalid payload before the handler runs and names the field', async () => {
    const { dispatch, calls } = setup();
    const result = await dispatch({ name: 'app.echo', input: { text: 42 } }, ctx);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.kind).toBe('invalid_input');
    expect(result.error.message).toContain('text');
    expect(result.error.issues?.[0]?.path).toBe('text');
    expect(calls).toEqual([]);
  });

  it('rejects unexpected extra fields (strict schemas)', async () => {
    const { dispatch } = setup();
    const result = await dispatch({ name: 'app.echo', input: { text: 'a', evil: true } }, ctx);
    expect(result).toMatchObject({ ok: false, error: { kind: 'invalid_input' } });
  });

  it('rejects frames that are not objects', async () => {
    const { dispatch } = setup();
    for (const frame of [null, 'app.echo', 7, undefined]) {
      expect(await dispatch(frame, ctx)).toMatchObject({ ok: false, error: { kind: 'invalid_input' } });
    }
  });

  it('passes a handler AppError through as its kind and message', async () => {
    const { dispatch } = setup({
      'app.openExternal': () => {
        throw new AppError('forbidden', 'nope');
      },
    });
    expect(await dispatch({ name: 'app.openExternal', input: { url: 'https://example.com' } }, ctx)).toEqual({
      ok: false,
      error: { kind: 'forbidden', message: 'nope' },
    });
  });

  it('turns a crash into an internal error without leaking its message', async () => {
    const { dispatch, lines } = setup({
      'app.info': () => {
        throw new Error('secret internals');
      },
    });
    const result = await dispatch({ name: 'app.info', input: {} }, ctx);
    expect(result).toMatchObject({ ok: false, error: { kind: 'internal' } });
    expect(JSON.stringify(result)).not.toContain('secret internals');
    expect(lines.some((l) => l.includes('secret internals'))).toBe(true);
  });

  it('only accepts http(s) links for openExternal', async () => {
    const { dispatch } = setup();
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share']) {
      expect(await dispatch({ name: 'app.openExternal', input: { url } }, ctx)).toMatchObject({ ok: false, error: { kind: 'invalid_input' } });
    }
  });
});
