// @vitest-environment jsdom
import { act, cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import i18next from 'i18next';
import { initI18n } from '@renderer/i18n';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ErrorInfo } from '@shared/errors';
import type { Api } from '@shared/ipc';
import type { ConnectionResult, KeysStatus } from '@shared/ipc/keys';
import { SETTINGS_DEFAULTS, type SettingsState } from '@shared/settings';
import { SettingsView } from '@renderer/features/settings/SettingsView';
import { useSettingsStore } from '@renderer/features/settings/store';

const KEY = 'hdT0ken-component-9a8b7c6d';

function keysStatus(overrides: Partial<KeysStatus> = {}): KeysStatus {
  const vendor = { configured: false, last4: null, storage: null, hasUserId: false, endpointPath: null, unreadable: false, problem: null };
  return {
    mode: 'persistent',
    persistence: 'secure',
    backend: 'gnome_libsecret',
    memoryOnly: false,
    vendors: {
      hidream: { ...vendor, baseUrl: 'https://www.hidreamai.com' },
      haiper: { ...vendor, baseUrl: 'https://genaiapi.cloudsway.net/v1/ai' },
    },
    ...overrides,
  };
}

const settingsState = (): SettingsState => ({
  values: structuredClone({ ...SETTINGS_DEFAULTS, downloadDir: '/home/me/Promptreel/Library' }),
  recovery: null,
});

class Refusal {
  constructor(readonly info: ErrorInfo) {}
}

/** A stand-in for main: answers per request name and records every call the view makes. */
class FakeMain {
  calls: { name: string; input: unknown }[] = [];
  listeners = new Map<string, Set<(payload: unknown) => void>>();
  handlers: Record<string, (input: never) => unknown> = {};
  keys = keysStatus();
  settings = settingsState();

  constructor() {
    this.handlers = {
      'keys.status': () => this.keys,
      'settings.get': () => this.settings,
      'keys.set': (input: { vendor: 'hidream' | 'haiper'; token?: string }) => {
        if (input.token) this.keys.vendors[input.vendor] = { ...this.keys.vendors[input.vendor], configured: true, last4: input.token.slice(-4), storage: 'encrypted' };
        return this.keys;
      },
      'keys.clear': (input: { vendor: 'hidream' | 'haiper' }) => {
        this.keys.vendors[input.vendor] = { ...this.keys.vendors[input.vendor], configured: false, last4: null, storage: null };
        return this.keys;
      },
      'keys.setMode': (input: { mode: KeysStatus['mode'] }) => {
        this.keys = { ...this.keys, mode: input.mode };
        return this.keys;
      },
      'settings.update': (patch: Partial<SettingsState['values']>) => {
        this.settings = { ...this.settings, values: { ...this.settings.values, ...patch } };
        return this.settings;
      },
    };
  }

  api: Api = {
    invoke: ((name: string, input: unknown) => {
      this.calls.push({ name, input });
      const handler = this.handlers[name];
      if (!handler) return Promise.resolve({ ok: false, error: { kind: 'unknown_channel', message: name } });
      const value = handler(input as never);
      // Cloned like a real IPC answer: the view never shares an object with main.
      return Promise.resolve(value instanceof Refusal ? { ok: false, error: value.info } : { ok: true, value: structuredClone(value) });
    }) as Api['invoke'],
    on: ((name: string, listener: (payload: unknown) => void) => {
      const set = this.listeners.get(name) ?? new Set();
      set.add(listener);
      this.listeners.set(name, set);
      return () => set.delete(listener);
    }) as Api['on'],
  };

  fail(name: string, error: ErrorInfo): void {
    this.handlers[name] = () => new Refusal(error);
  }

  push(name: string, payload: unknown): void {
    for (const listener of this.listeners.get(name) ?? []) listener(payload);
  }

  callsTo(name: string): unknown[] {
    return this.calls.filter((c) => c.name === name).map((c) => c.input);
  }
}

initI18n('en');

let main: FakeMain;

beforeEach(() => {
  main = new FakeMain();
  Object.defineProperty(window, 'api', { value: main.api, configurable: true });
  useSettingsStore.setState({ keys: null, settings: null, loadError: null, tests: { hidream: { running: false, result: null }, haiper: { running: false, result: null } } });
});

afterEach(async () => {
  cleanup();
  await i18next.changeLanguage('en');
});

const hidreamCard = async (): Promise<HTMLElement> => screen.findByRole('article', { name: 'HiDream (Pixeling)' });

describe('SettingsView: keys', () => {
  it('saves a key from an empty password field, then shows only its last 4 and how it is kept', async () => {
    const user = userEvent.setup();
    render(<SettingsView />);
    const card = await hidreamCard();
    expect(within(card).getByText('No key saved.')).toBeTruthy();
    const field = within(card).getByLabelText('Token');
    expect(field.getAttribute('type')).toBe('password');
    expect((field as HTMLInputElement).value).toBe('');

    await user.type(field, KEY);
    await user.click(within(card).getByRole('button', { name: 'Save' }));

    expect(main.callsTo('keys.set')).toEqual([{ vendor: 'hidream', token: KEY }]);
    expect(await within(card).findByText('Configured · ends in 7c6d')).toBeTruthy();
    expect(within(card).getByText(/Encrypted by your system’s key storage \(gnome_libsecret\)/)).toBeTruthy();
    expect(within(card).getByLabelText<HTMLInputElement>('Token').value).toBe('');
    expect(within(card).getByRole('status').textContent).toBe('Saved.');
    expect(document.body.innerHTML).not.toContain(KEY);
    // Switching the language afterwards rewords the confirmation instead of leaving it in English.
    await act(async () => {
      await i18next.changeLanguage('zh-CN');
    });
    expect(within(card).getByRole('status').textContent).toBe(i18next.t('keys.saved', { ns: 'settings', lng: 'zh-CN' }));
    expect(within(card).getByRole('status').textContent).not.toBe('Saved.');
  });

  it('shows the vendor’s refusal of a bad key in plain words', async () => {
    const user = userEvent.setup();
    main.fail('keys.set', { kind: 'invalid_input', message: 'The HiDream token contains spaces or line breaks; copy it again without them.' });
    render(<SettingsView />);
    const card = await hidreamCard();
    await user.type(within(card).getByLabelText('Token'), 'two words');
    await user.click(within(card).getByRole('button', { name: 'Save' }));
    expect((await within(card).findByRole('alert')).textContent).toMatch(/contains spaces or line breaks/);
  });

  it.each<[ConnectionResult, RegExp]>([
    [{ ok: true }, /Connection OK: the key works\./],
    [{ ok: false, reason: 'invalid_key', message: 'HiDream refused the key: 401' }, /Invalid key: the vendor refused it\..*401/],
    [{ ok: false, reason: 'unreachable', message: 'Could not reach HiDream' }, /Unreachable: the vendor did not answer\./],
    [{ ok: false, reason: 'unexpected', message: 'HTML instead of JSON' }, /Unexpected answer.*HTML instead of JSON/],
  ])('tests the connection and says %j in plain words', async (result, words) => {
    const user = userEvent.setup();
    main.keys.vendors.hidream = { ...main.keys.vendors.hidream, configured: true, last4: 'abcd', storage: 'encrypted' };
    main.handlers['keys.test'] = () => result;
    render(<SettingsView />);
    const card = await hidreamCard();
    await user.click(within(card).getByRole('button', { name: 'Test connection' }));
    expect((await within(card).findByRole('status', { name: 'Test connection: HiDream (Pixeling)' })).textContent).toMatch(words);
    expect(main.callsTo('keys.test')).toEqual([{ vendor: 'hidream' }]);
  });

  it('clears a key only after a confirmation', async () => {
    const user = userEvent.setup();
    main.keys.vendors.hidream = { ...main.keys.vendors.hidream, configured: true, last4: 'abcd', storage: 'encrypted' };
    render(<SettingsView />);
    const card = await hidreamCard();
    await user.click(within(card).getByRole('button', { name: 'Clear' }));
    expect(main.callsTo('keys.clear')).toEqual([]);
    await user.click(within(card).getByRole('button', { name: 'Remove key' }));
    expect(main.callsTo('keys.clear')).toEqual([{ vendor: 'hidream' }]);
    expect(await within(card).findByText('No key saved.')).toBeTruthy();
  });

  it('sends only the connection settings that changed, without a key', async () => {
    const user = userEvent.setup();
    main.keys.vendors.haiper = { ...main.keys.vendors.haiper, configured: true, last4: 'wxyz', storage: 'encrypted', endpointPath: 'ep-1' };
    render(<SettingsView />);
    const card = await screen.findByRole('article', { name: 'Haiper via Cloudsway' });
    const endpoint = within(card).getByLabelText('Endpoint path');
    expect((endpoint as HTMLInputElement).value).toBe('ep-1');
    await user.clear(endpoint);
    await user.type(endpoint, 'ep-2');
    await user.click(within(card).getByRole('button', { name: 'Save' }));
    expect(main.callsTo('keys.set')).toEqual([{ vendor: 'haiper', endpointPath: 'ep-2' }]);
  });

  it('says the key is needed again when the base URL moves to another host', async () => {
    const user = userEvent.setup();
    main.keys.vendors.hidream = { ...main.keys.vendors.hidream, configured: true, last4: 'abcd', storage: 'encrypted' };
    render(<SettingsView />);
    const card = await hidreamCard();
    const url = within(card).getByLabelText('Base URL');
    // Same host, another path: nothing to say.
    await user.type(url, '/api');
    expect(within(card).queryByRole('note')).toBeNull();
    await user.clear(url);
    await user.type(url, 'https://proxy.example');
    const token = within(card).getByLabelText('Token');
    expect(within(card).getByRole('note').textContent).toBe('The base URL now points at another host (https://proxy.example): enter the Token again to use it there.');
    expect(token.getAttribute('aria-invalid')).toBe('true');
    expect(token.getAttribute('aria-describedby')).toBe(within(card).getByRole('note').id);
    // Typing the key again answers it.
    await user.type(token, KEY);
    expect(within(card).queryByRole('note')).toBeNull();
  });

  it('says why a stored key is not used, and sends the shown URL with the new key', async () => {
    const user = userEvent.setup();
    main.keys.vendors.hidream = { ...main.keys.vendors.hidream, unreadable: true, problem: 'unconfirmed_host', baseUrl: 'https://proxy.example/hd' };
    render(<SettingsView />);
    const card = await hidreamCard();
    expect(within(card).getByText('The saved key was stored by an older version for https://proxy.example. Enter it again to confirm it may be sent there.')).toBeTruthy();
    await user.type(within(card).getByLabelText('Token'), KEY);
    await user.click(within(card).getByRole('button', { name: 'Save' }));
    expect(main.callsTo('keys.set')).toEqual([{ vendor: 'hidream', token: KEY, baseUrl: 'https://proxy.example/hd' }]);

    cleanup();
    main.keys.vendors.hidream = { ...main.keys.vendors.hidream, configured: false, unreadable: true, problem: 'tampered', baseUrl: 'https://www.hidreamai.com' };
    render(<SettingsView />);
    expect(await within(await hidreamCard()).findByText(/changed outside Promptreel, so the saved key was not used or sent anywhere/)).toBeTruthy();
  });

  it('on Linux without a keyring, says keys cannot be protected and stores them only after explicit consent', async () => {
    const user = userEvent.setup();
    main.keys = keysStatus({ mode: 'session', persistence: 'weak', backend: 'basic_text' });
    render(<SettingsView />);
    expect((await screen.findAllByRole('note'))[0]?.textContent).toMatch(/Keys cannot be protected on this system/);
    const session = screen.getByRole('radio', { name: 'For this session only (recommended)' });
    expect((session as HTMLInputElement).checked).toBe(true);

    await user.click(screen.getByRole('radio', { name: 'Stored with weak protection' }));
    const confirm = screen.getByRole('button', { name: 'Store keys with weak protection' });
    expect((confirm as HTMLButtonElement).disabled).toBe(true);
    expect(main.callsTo('keys.setMode')).toEqual([]);

    await user.click(screen.getByRole('checkbox', { name: /anyone who can read my files/ }));
    await user.click(confirm);
    expect(main.callsTo('keys.setMode')).toEqual([{ mode: 'persistent', confirmWeak: true }]);
  });

  it('in the browser shell, says keys are kept in memory for this run only and offers no storing', async () => {
    main.keys = keysStatus({ mode: 'session', persistence: 'unavailable', backend: 'none', memoryOnly: true });
    main.keys.vendors.hidream = { ...main.keys.vendors.hidream, configured: true, last4: 'abcd', storage: 'session' };
    render(<SettingsView />);
    expect((await screen.findByRole('note')).textContent).toMatch(/in memory for this run only/);
    expect(screen.queryByRole('radio')).toBeNull();
    expect(within(await hidreamCard()).getByText('Kept in memory for this run only.')).toBeTruthy();
  });

  it('follows key changes made elsewhere', async () => {
    render(<SettingsView />);
    const card = await hidreamCard();
    const next = keysStatus();
    next.vendors.hidream = { ...next.vendors.hidream, configured: true, last4: '9999', storage: 'encrypted' };
    act(() => main.push('keys.changed', next));
    expect(await within(card).findByText('Configured · ends in 9999')).toBeTruthy();
  });
});

describe('SettingsView: general settings', () => {
  it('saves the edited settings and shows main’s reason for a refusal next to the field', async () => {
    const user = userEvent.setup();
    render(<SettingsView />);
    const concurrency = await screen.findByLabelText('Downloads at the same time');
    await user.clear(concurrency);
    await user.type(concurrency, '5');
    await user.selectOptions(screen.getByLabelText('HiDream membership level'), 'L2');
    expect(screen.getByText(/\(5 at this level\)/)).toBeTruthy();
    await user.click(screen.getByLabelText('Download results automatically'));
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(main.callsTo('settings.update')[0]).toMatchObject({ concurrentDownloads: 5, autoDownload: false, membership: { hidream: 'L2' } });
    expect((await screen.findByText('Settings saved.')).getAttribute('role')).toBe('status');

    main.fail('settings.update', {
      kind: 'invalid_input',
      message: 'The download folder must be a full path, such as /home/you/Videos.',
      issues: [{ path: 'downloadDir', message: 'The download folder must be a full path, such as /home/you/Videos.' }],
    });
    const folder = screen.getByLabelText('Download folder');
    await user.clear(folder);
    await user.type(folder, 'Videos');
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(await screen.findByRole('alert')).toBeTruthy();
    expect(folder.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(folder.getAttribute('aria-describedby') ?? '')?.textContent).toMatch(/must be a full path/);
  });

  it('does not leave "Settings saved." standing when a later save is blocked by an invalid number', async () => {
    const user = userEvent.setup();
    render(<SettingsView />);
    await user.click(await screen.findByRole('button', { name: 'Save settings' }));
    expect(await screen.findByText('Settings saved.')).toBeTruthy();
    const concurrency = screen.getByLabelText('Downloads at the same time');
    await user.clear(concurrency);
    await user.type(concurrency, '50');
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(main.callsTo('settings.update')).toHaveLength(1);
    expect(screen.queryByText('Settings saved.')).toBeNull();
  });

  it('says "saved" in the language the save switched to', async () => {
    const user = userEvent.setup();
    main.handlers['settings.update'] = ((patch: Partial<SettingsState['values']>) => {
      main.settings = { ...main.settings, values: { ...main.settings.values, ...patch } };
      // The app applies the language on `settings.changed`, which arrives after the answer.
      if (patch.language === 'zh-CN') setTimeout(() => void i18next.changeLanguage('zh-CN'), 0);
      return main.settings;
    });
    render(<SettingsView />);
    await user.selectOptions(await screen.findByLabelText('Language'), 'zh-CN');
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(await screen.findByText('设置已保存。')).toBeTruthy();
    expect(screen.queryByText('Settings saved.')).toBeNull();
  });

  it('tells the user once when the settings file had to be reset', async () => {
    const user = userEvent.setup();
    main.settings = { ...settingsState(), recovery: { reason: 'invalid', resetFields: ['concurrentDownloads'], backupPath: '/data/settings.invalid-x.json', at: 1 } };
    render(<SettingsView />);
    const notice = await screen.findByRole('alert');
    expect(notice.textContent).toMatch(/were reset to their defaults: concurrentDownloads\..*kept at \/data\/settings\.invalid-x\.json/);
    await user.click(within(notice).getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('speaks Chinese when the app does', async () => {
    await i18next.changeLanguage('zh-CN');
    render(<SettingsView />);
    expect(await screen.findByRole('heading', { name: '设置' })).toBeTruthy();
    expect(screen.getByRole('button', { name: '保存设置' })).toBeTruthy();
  });
});

describe('SettingsView: loading', () => {
  it('says so when main cannot answer', async () => {
    main.fail('keys.status', { kind: 'internal', message: 'keys.status failed unexpectedly' });
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    render(<SettingsView />);
    expect((await screen.findByRole('alert')).textContent).toBe('The settings could not be loaded: keys.status failed unexpectedly');
  });
});
