import type * as fs from 'node:fs';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { AppError } from '@shared/errors';
import { settingsPatchSchema, type Settings } from '@shared/settings';
import { createLogger } from '@main/core/log';
import { defaultSettings, JsonFileSettingsBacking, SettingsStore, type Migration, type SettingsBacking } from '@main/core/settings/store';
import { ElectronSettingsBacking } from '@main/keys-electron';
import { createEngine } from '@main/runtime';

vi.mock('electron', async () => (await import('../support/fake-safe-storage')).electronMock);

// A rename that fails on demand, to prove a failed write leaves the old file whole.
const fsControl = vi.hoisted(() => ({ failRename: false }));
vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof fs>();
  return {
    ...real,
    renameSync: (from: string, to: string) => {
      if (fsControl.failRename) throw Object.assign(new Error('EIO: i/o error, rename'), { code: 'EIO' });
      real.renameSync(from, to);
    },
  };
});

const quiet = createLogger({ sink: () => {} });
let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'promptreel-settings-'));
  file = join(dir, 'settings.json');
  fsControl.failRename = false;
});

const open = (options: { migrations?: Migration[]; backing?: SettingsBacking } = {}): SettingsStore =>
  SettingsStore.open({ backing: options.backing ?? new JsonFileSettingsBacking(file), dataDir: dir, log: quiet, ...options });
const onDisk = (): Record<string, unknown> => JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
const backups = (tag = 'invalid'): string[] => readdirSync(dir).filter((name) => name.startsWith(`settings.${tag}-`));

describe('settings defaults and updates', () => {
  it('starts with the documented defaults and writes nothing until something changes', () => {
    const store = open();
    expect(store.get()).toEqual({
      downloadDir: join(dir, 'Library'),
      fileNameTemplate: '{date}_{vendor}-{operation}_{prompt-slug}_{n}.{ext}',
      concurrentDownloads: 3,
      autoDownload: true,
      downloadSizeCapMb: 4096,
      membership: { hidream: 'free', haiper: { concurrency: 2, perMinute: 10 } },
      language: 'system',
      theme: 'system',
    } satisfies Settings);
    expect(store.state().recovery).toBeNull();
    expect(existsSync(file)).toBe(false);
  });

  it('merges a partial change, saves it with its version and tells subscribers', () => {
    const store = open();
    const seen: Settings[] = [];
    store.subscribe((settings) => seen.push(settings));
    store.update({ concurrentDownloads: 5, membership: { haiper: { perMinute: 30 } } });
    expect(store.get().membership).toEqual({ hidream: 'free', haiper: { concurrency: 2, perMinute: 30 } });
    expect(onDisk()).toMatchObject({ version: 2, concurrentDownloads: 5, membership: { haiper: { perMinute: 30 } } });
    expect(seen).toHaveLength(1);
    // The same values again is not a change.
    store.update({ concurrentDownloads: 5 });
    expect(seen).toHaveLength(1);
    expect(open().get().concurrentDownloads).toBe(5);
    // Every token the download manager fills in is accepted, {id} included.
    store.update({ fileNameTemplate: '{vendor}_{kind}_{time}_{id}.{ext}' });
    expect(open().get().fileNameTemplate).toBe('{vendor}_{kind}_{time}_{id}.{ext}');
  });

  it('refuses invalid values with the reason, and changes nothing', () => {
    const store = open();
    const cases: [Parameters<SettingsStore['update']>[0], RegExp][] = [
      [{ downloadDir: 'relative/folder' }, /full path/],
      [{ fileNameTemplate: '{date}/{n}.{ext}' }, /may not contain \//],
      [{ fileNameTemplate: '{date}_{oops}.{ext}' }, /Unknown token \{oops\}/],
      [{ fileNameTemplate: '{date}_{n}' }, /must end the name with \{ext\}/],
      [{ fileNameTemplate: '{date_{n}.{ext}' }, /no matching \}/],
    ];
    for (const [patch, message] of cases) {
      expect(() => store.update(patch)).toThrow(AppError);
      expect(() => store.update(patch)).toThrow(message);
    }
    expect(existsSync(file)).toBe(false);
    // Out-of-range numbers never reach the store: the IPC schema refuses them.
    expect(settingsPatchSchema.safeParse({ concurrentDownloads: 9 }).success).toBe(false);
    expect(settingsPatchSchema.safeParse({ membership: { hidream: 'L9' } }).success).toBe(false);
    expect(settingsPatchSchema.safeParse({ theme: 'dark', extra: 1 }).success).toBe(false);
  });

  it('writes atomically: a failed write leaves the previous file whole and no temp files behind', () => {
    const store = open();
    store.update({ theme: 'dark' });
    const before = readFileSync(file, 'utf8');
    fsControl.failRename = true;
    expect(() => store.update({ theme: 'light' })).toThrow(/could not be saved/);
    fsControl.failRename = false;
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(store.get().theme).toBe('dark');
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});

describe('settings files that cannot be used as they are', () => {
  it('backs up an unparsable file, uses the defaults and says so', () => {
    writeFileSync(file, '{"theme": "dark",');
    const store = open();
    expect(store.get()).toEqual(defaultSettings(dir));
    const recovery = store.state().recovery;
    expect(recovery).toMatchObject({ reason: 'unreadable' });
    expect(recovery?.resetFields).toContain('theme');
    expect(backups()).toHaveLength(1);
    expect(recovery?.backupPath).toBe(join(dir, backups()[0] ?? ''));
    expect(readFileSync(recovery?.backupPath ?? '', 'utf8')).toBe('{"theme": "dark",');
    expect(existsSync(file)).toBe(false);
  });

  it('keeps the valid fields of an invalid file and resets only the wrong ones', () => {
    writeFileSync(file, JSON.stringify({ version: 1, theme: 'dark', concurrentDownloads: 99, language: 'fr', autoDownlod: false }));
    const store = open();
    expect(store.get()).toMatchObject({ theme: 'dark', concurrentDownloads: 3, language: 'system' });
    expect(store.state().recovery).toMatchObject({ reason: 'invalid' });
    expect(new Set(store.state().recovery?.resetFields)).toEqual(new Set(['autoDownlod', 'concurrentDownloads', 'language']));
    expect(backups()).toHaveLength(1);
  });

  it('fills in settings a file does not mention, without calling that an error', () => {
    writeFileSync(file, JSON.stringify({ theme: 'light', membership: { hidream: 'L3' } }));
    const store = open();
    expect(store.get()).toMatchObject({ theme: 'light', membership: { hidream: 'L3', haiper: { concurrency: 2, perMinute: 10 } } });
    expect(store.state().recovery).toBeNull();
    expect(backups()).toEqual([]);
  });

  it('runs the migrations of an older version in order and saves the result', () => {
    writeFileSync(file, JSON.stringify({ version: 1, parallelDownloads: 6, hidreamLevel: 'vip2' }));
    const migrations: Migration[] = [
      ({ parallelDownloads, ...rest }) => ({ ...rest, concurrentDownloads: parallelDownloads }),
      ({ hidreamLevel, ...rest }) => ({ ...rest, membership: { hidream: String(hidreamLevel).replace('vip', 'L') } }),
    ];
    const store = open({ migrations });
    expect(store.get()).toMatchObject({ concurrentDownloads: 6, membership: { hidream: 'L2' } });
    expect(store.state().recovery).toBeNull();
    expect(onDisk()).toMatchObject({ version: 3, concurrentDownloads: 6, membership: { hidream: 'L2' } });
    expect(onDisk()).not.toHaveProperty('parallelDownloads');
  });

  it('keeps the names a saved template gave when {operation} lost its vendor prefix', () => {
    writeFileSync(file, JSON.stringify({ version: 1, fileNameTemplate: '{operation} {date}_{operation}_{n}.{ext}' }));
    expect(open().get().fileNameTemplate).toBe('{vendor}-{operation} {date}_{vendor}-{operation}_{n}.{ext}');
    writeFileSync(file, JSON.stringify({ version: 1, fileNameTemplate: '{vendor}-{operation}_{n}.{ext}' }));
    expect(open().get().fileNameTemplate).toBe('{vendor}-{operation}_{n}.{ext}');
    expect(onDisk()).toMatchObject({ version: 2 });
  });

  it('falls back to the defaults when a migration fails, keeping the old file', () => {
    writeFileSync(file, JSON.stringify({ version: 1, theme: 'dark' }));
    const store = open({
      migrations: [
        () => {
          throw new Error('cannot migrate');
        },
      ],
    });
    expect(store.get()).toEqual(defaultSettings(dir));
    expect(store.state().recovery?.reason).toBe('migration_failed');
    expect(backups()).toHaveLength(1);
  });

  it('uses what it understands of a file from a newer version and keeps the original aside', () => {
    writeFileSync(file, JSON.stringify({ version: 7, theme: 'dark', aFutureSetting: true }));
    const store = open();
    expect(store.get().theme).toBe('dark');
    expect(store.state().recovery).toMatchObject({ reason: 'newer_version', resetFields: ['aFutureSetting'] });
    expect(backups('newer')).toHaveLength(1);
  });

  it('treats a file that is not a settings object as unreadable', () => {
    for (const content of ['[1,2]', '"x"', JSON.stringify({ version: 'two' })]) {
      writeFileSync(file, content);
      expect(open().state().recovery?.reason).toMatch(/unreadable|invalid/);
    }
  });
});

describe('settings in the desktop app (electron-store backing)', () => {
  it('reads and writes the same document as the browser shell', () => {
    open().update({ theme: 'dark', autoDownload: false });
    const desktop = open({ backing: new ElectronSettingsBacking(dir) });
    expect(desktop.get()).toMatchObject({ theme: 'dark', autoDownload: false });
    desktop.update({ language: 'zh-CN' });
    expect(open().get()).toMatchObject({ theme: 'dark', autoDownload: false, language: 'zh-CN' });
  });

  it('backs up a damaged file instead of letting electron-store throw or clear it', () => {
    writeFileSync(file, 'not json at all');
    const store = open({ backing: new ElectronSettingsBacking(dir) });
    expect(store.state().recovery?.reason).toBe('unreadable');
    expect(backups()).toHaveLength(1);
    store.update({ theme: 'light' });
    expect(onDisk()).toMatchObject({ version: 2, theme: 'light' });
  });
});

describe('settings through the runtime', () => {
  it('reports a reset settings file to the page that asks for the settings (the Settings view shows it)', async () => {
    writeFileSync(file, '{ broken');
    const runtime = createEngine(dir, { host: { transport: 'browser', log: quiet } });
    const first = await runtime.dispatch({ name: 'settings.get', input: {} }, { origin: 'test' });
    expect(first).toMatchObject({ ok: true, value: { recovery: { reason: 'unreadable', backupPath: expect.stringMatching(/settings\.invalid-.*\.json$/) as unknown } } });

    const changed: unknown[] = [];
    runtime.events.subscribe((name, payload) => {
      if (name === 'settings.changed') changed.push(payload);
    });
    expect(await runtime.dispatch({ name: 'settings.update', input: { concurrentDownloads: 12 } }, { origin: 'test' })).toMatchObject({ ok: false, error: { kind: 'invalid_input' } });
    expect(await runtime.dispatch({ name: 'settings.update', input: { concurrentDownloads: 8 } }, { origin: 'test' })).toMatchObject({ ok: true });
    expect(changed).toEqual([expect.objectContaining({ concurrentDownloads: 8 })]);
    await runtime.close();
  });
});
