import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join } from 'node:path';
import { AppError } from '@shared/errors';
import { SETTINGS_DEFAULTS, settingsSchema, type Settings, type SettingsPatch, type SettingsRecovery, type SettingsState } from '@shared/settings';
import { writeFileAtomic } from '../fs/atomic';
import { createLogger, type Logger } from '../log';

/** What a backing store found. `unreadable`: the file exists but is not JSON. */
export type BackingRead = { kind: 'missing' } | { kind: 'ok'; data: unknown } | { kind: 'unreadable'; reason: string };

/** Where the settings document lives: a JSON file under Node, electron-store in the desktop app. */
export interface SettingsBacking {
  read(): BackingRead;
  write(document: Record<string, unknown>): void;
  /** Moves the current file aside as `<name>.<tag>-<timestamp>.json`; returns its path, or null if that failed. */
  backup(tag: string): string | null;
}

/** Upgrades a document by one version: `migrations[0]` turns version 1 into 2, and so on. Append only. */
export type Migration = (document: Record<string, unknown>) => Record<string, unknown>;

/**
 * 1 → 2: `{operation}` used to render "hidream-txt2img" and now renders "txt2img" (so "{vendor}-{operation}"
 * is not "hidream-hidream-txt2img"); a saved template gets "{vendor}-" before it so its names stay the same.
 */
function migrateOperationToken(document: Record<string, unknown>): Record<string, unknown> {
  const template = document['fileNameTemplate'];
  if (typeof template !== 'string') return document;
  return { ...document, fileNameTemplate: template.replace(/(?<!\{vendor\}-)\{operation\}/g, '{vendor}-{operation}') };
}

/** The shipped migrations, in order. */
export const SETTINGS_MIGRATIONS: readonly Migration[] = [migrateOperationToken];

export interface SettingsStoreOptions {
  backing: SettingsBacking;
  /** The app's data folder; the default download folder is `<dataDir>/Library`. */
  dataDir: string;
  migrations?: readonly Migration[];
  log?: Logger;
}

type Plain = Record<string, unknown>;

function isPlain(value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function deepMerge(base: Plain, patch: Plain): Plain {
  const out: Plain = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    const current = out[key];
    out[key] = isPlain(current) && isPlain(value) ? deepMerge(current, value) : value;
  }
  return out;
}

/** The shared schema plus what only main can check: the download folder is a full path on this machine. */
const mainSchema = settingsSchema.superRefine((settings, ctx) => {
  if (!isAbsolute(settings.downloadDir)) {
    ctx.addIssue({ code: 'custom', path: ['downloadDir'], message: 'The download folder must be a full path, such as /home/you/Videos.' });
  }
});

export function defaultSettings(dataDir: string): Settings {
  return structuredClone({ ...SETTINGS_DEFAULTS, downloadDir: join(dataDir, 'Library') });
}

/**
 * The user's settings: validated, versioned, saved atomically, and never the reason the app fails to
 * start. A file that cannot be used is moved aside (`settings.invalid-<time>.json`), the fields that
 * were wrong fall back to their defaults, and `recovery` says so until the app restarts.
 */
export class SettingsStore {
  private values: Settings;
  private readonly listeners = new Set<(settings: Settings) => void>();
  readonly recovery: SettingsRecovery | null;

  private constructor(
    private readonly backing: SettingsBacking,
    private readonly version: number,
    values: Settings,
    recovery: SettingsRecovery | null,
  ) {
    this.values = values;
    this.recovery = recovery;
  }

  static open(options: SettingsStoreOptions): SettingsStore {
    const log = options.log ?? createLogger({ scope: 'settings' });
    const migrations = options.migrations ?? SETTINGS_MIGRATIONS;
    const version = migrations.length + 1;
    const defaults = defaultSettings(options.dataDir);
    const allFields = Object.keys(defaults);

    const recover = (reason: SettingsRecovery['reason'], resetFields: string[], tag = 'invalid'): SettingsRecovery => {
      const backupPath = options.backing.backup(tag);
      log.warn('settings: the settings file could not be used as it was', { reason, resetFields, backupPath });
      return { reason, resetFields, backupPath, at: Date.now() };
    };

    const found = options.backing.read();
    if (found.kind === 'missing') return new SettingsStore(options.backing, version, defaults, null);
    if (found.kind === 'unreadable' || !isPlain(found.data)) {
      return new SettingsStore(options.backing, version, defaults, recover('unreadable', allFields));
    }

    const { version: rawVersion, ...stored } = found.data;
    // A hand-written file without a version is read as the first format.
    const from = rawVersion === undefined ? 1 : rawVersion;
    if (typeof from !== 'number' || !Number.isInteger(from) || from < 1) {
      return new SettingsStore(options.backing, version, defaults, recover('invalid', allFields));
    }

    let document: Plain = stored;
    let migrated = false;
    if (from < version) {
      try {
        for (const migrate of migrations.slice(from - 1)) document = migrate(document);
        migrated = true;
      } catch (error) {
        log.error('settings: migration failed', { from, to: version, error });
        return new SettingsStore(options.backing, version, defaults, recover('migration_failed', allFields));
      }
    }

    const { values, rejected } = salvage(document, defaults);
    let recovery: SettingsRecovery | null = null;
    if (from > version) {
      // Written by a newer Promptreel: keep what this one understands and leave the original intact aside.
      recovery = recover('newer_version', rejected, 'newer');
    } else if (rejected.length > 0) {
      recovery = recover('invalid', rejected);
    }
    const store = new SettingsStore(options.backing, version, values, recovery);
    if (migrated && recovery === null) {
      try {
        store.persist(values);
      } catch (error) {
        // Still usable in memory; the migration runs again next time.
        log.warn('settings: the migrated settings could not be saved', { error });
      }
    }
    return store;
  }

  get(): Settings {
    return this.values;
  }

  state(): SettingsState {
    return { values: this.values, recovery: this.recovery };
  }

  /** Applies a partial change; the result is validated whole and saved before anyone sees it. */
  update(patch: SettingsPatch): SettingsState {
    const parsed = mainSchema.safeParse(deepMerge(this.values, patch));
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
      throw new AppError('invalid_input', issues[0]?.message ?? 'These settings are not valid.', { issues });
    }
    const next = parsed.data;
    if (JSON.stringify(next) === JSON.stringify(this.values)) return this.state();
    this.persist(next);
    this.values = next;
    for (const listener of this.listeners) listener(next);
    return this.state();
  }

  subscribe(listener: (settings: Settings) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private persist(values: Settings): void {
    try {
      this.backing.write({ version: this.version, ...values });
    } catch (error) {
      throw new AppError('io', `The settings could not be saved: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }
}

/** Keeps every stored field that is valid; the rest fall back to defaults and are named. */
function salvage(document: Plain, defaults: Settings): { values: Settings; rejected: string[] } {
  const rejected = Object.keys(document).filter((key) => !Object.hasOwn(defaults, key));
  const known = Object.fromEntries(Object.entries(document).filter(([key]) => Object.hasOwn(defaults, key)));
  const candidate = deepMerge(defaults, known);
  const first = mainSchema.safeParse(candidate);
  if (first.success) return { values: first.data, rejected };
  const bad = new Set(first.error.issues.map((issue) => String(issue.path[0] ?? '')));
  for (const key of bad) {
    if (Object.hasOwn(defaults, key)) candidate[key] = defaults[key as keyof Settings];
  }
  const second = mainSchema.safeParse(candidate);
  const values = second.success ? second.data : defaults;
  return { values, rejected: [...rejected, ...[...bad].filter((key) => Object.hasOwn(defaults, key))] };
}

/** The Node backing: `<dataDir>/settings.json`, written atomically. Electron's is electron-store. */
export class JsonFileSettingsBacking implements SettingsBacking {
  constructor(private readonly file: string) {}

  read(): BackingRead {
    if (!existsSync(this.file)) return { kind: 'missing' };
    try {
      return { kind: 'ok', data: JSON.parse(readFileSync(this.file, 'utf8')) as unknown };
    } catch (error) {
      return { kind: 'unreadable', reason: error instanceof Error ? error.message : String(error) };
    }
  }

  write(document: Record<string, unknown>): void {
    mkdirSync(dirname(this.file), { recursive: true });
    writeFileAtomic(this.file, `${JSON.stringify(document, null, '\t')}\n`);
  }

  backup(tag: string): string | null {
    return moveAside(this.file, tag);
  }
}

/** `settings.json` → `settings.invalid-2025-01-31T10-00-00-000Z.json` beside it. */
export function moveAside(file: string, tag: string): string | null {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const ext = extname(file);
  const target = join(dirname(file), `${basename(file, ext)}.${tag}-${stamp}${ext}`);
  try {
    renameSync(file, target);
    return target;
  } catch {
    return null;
  }
}
