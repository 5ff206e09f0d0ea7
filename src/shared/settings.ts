import { z } from 'zod';
import { defaultMembership, VENDORS, type Membership, type VendorCatalog, type VendorDescriptor } from './catalog/vendors';

/**
 * User settings: one schema, shared by main (which owns and persists them) and the renderer (which
 * edits them through `settings.update`). Only the download folder's default depends on the machine,
 * so main fills it in (`<dataDir>/Library`).
 */


/**
 * Tokens a file-name template may use. The download manager fills them in; a template that names an
 * unknown token is refused here, so a typo is caught when it is typed rather than at download time.
 * `{id}` is the first 8 characters of the download's id: a name that never collides, for those who
 * prefer that to the " (2)" suffix a taken name gets.
 */
export const FILE_NAME_TOKENS = ['date', 'time', 'operation', 'vendor', 'kind', 'prompt-slug', 'n', 'id', 'ext'] as const;

export const LANGUAGES = ['system', 'en', 'zh-CN'] as const;
export const THEMES = ['system', 'light', 'dark'] as const;

// Windows forbids these in file names; refusing them everywhere keeps a library portable.
const FORBIDDEN_NAME_CHARS = /[<>:"/\\|?*\p{Cc}]/u;
const TOKEN = /\{([^{}]*)\}/g;

export const fileNameTemplateSchema = z
  .string()
  .trim()
  .min(1, 'The file-name template is empty.')
  .max(200, 'The file-name template is longer than 200 characters.')
  .superRefine((template, ctx) => {
    const literal = template.replace(TOKEN, '');
    if (FORBIDDEN_NAME_CHARS.test(literal)) {
      ctx.addIssue({ code: 'custom', message: 'The file-name template may not contain / \\ : * ? " < > | or control characters.' });
    }
    if (/[{}]/.test(literal)) ctx.addIssue({ code: 'custom', message: 'A { in the file-name template has no matching }.' });
    for (const [, name] of template.matchAll(TOKEN)) {
      if (!(FILE_NAME_TOKENS as readonly string[]).includes(name ?? '')) {
        ctx.addIssue({
          code: 'custom',
          message: `Unknown token {${name ?? ''}} in the file-name template; use ${FILE_NAME_TOKENS.map((t) => `{${t}}`).join(' ')}.`,
        });
      }
    }
    if (!template.includes('{ext}')) {
      ctx.addIssue({ code: 'custom', message: 'The file-name template must end the name with {ext}, or files will not open.' });
    }
  });

/** One vendor's membership as the settings keep it: its level, or the user's own numbers. */
function vendorMembership(descriptor: VendorDescriptor, partial: boolean): z.ZodType {
  const limits = descriptor.limits;
  if (limits.kind === 'tiers') return z.enum(Object.keys(limits.concurrency) as [string, ...string[]]);
  const own = z
    .object({
      concurrency: z.number().int().min(1).max(limits.max.concurrency),
      perMinute: z.number().int().min(1).max(limits.max.perMinute),
    })
    .strict();
  return partial ? own.partial().strict() : own;
}

function membershipShape(vendors: VendorCatalog, partial: boolean): z.ZodObject {
  return z.object(Object.fromEntries(Object.entries(vendors).map(([id, d]) => [id, vendorMembership(d, partial)]))).strict();
}

/** The membership part of the settings: one entry per vendor of the catalog. */
export function membershipSchema<C extends VendorCatalog>(vendors: C): z.ZodType<Membership<C>> {
  return membershipShape(vendors, false) as unknown as z.ZodType<Membership<C>>;
}

/** A membership change: any subset of the vendors, and of a vendor's own numbers. */
export type MembershipPatch<C extends VendorCatalog = typeof VENDORS> = {
  [V in keyof Membership<C>]?: Membership<C>[V] extends object ? Partial<Membership<C>[V]> : Membership<C>[V];
};

export function membershipPatchSchema<C extends VendorCatalog>(vendors: C): z.ZodType<MembershipPatch<C>> {
  return membershipShape(vendors, true).partial().strict() as unknown as z.ZodType<MembershipPatch<C>>;
}

export const settingsSchema = z
  .object({
    downloadDir: z.string().trim().min(1, 'Choose a download folder.').max(4096),
    fileNameTemplate: fileNameTemplateSchema,
    concurrentDownloads: z.number().int().min(1).max(8),
    autoDownload: z.boolean(),
    /** Downloads larger than this are stopped, so a wrong URL cannot fill the disk. */
    downloadSizeCapMb: z.number().int().min(1).max(100_000),
    membership: membershipSchema(VENDORS),
    language: z.enum(LANGUAGES),
    theme: z.enum(THEMES),
  })
  .strict();

export type Settings = z.infer<typeof settingsSchema>;

export const SETTINGS_DEFAULTS: Omit<Settings, 'downloadDir'> = {
  fileNameTemplate: '{date}_{vendor}-{operation}_{prompt-slug}_{n}.{ext}',
  concurrentDownloads: 3,
  autoDownload: true,
  downloadSizeCapMb: 4096,
  membership: defaultMembership(),
  language: 'system',
  theme: 'system',
};

/** What `settings.update` takes: any subset, nested objects included; the merged result is validated. */
export const settingsPatchSchema = z
  .object({
    downloadDir: settingsSchema.shape.downloadDir,
    fileNameTemplate: fileNameTemplateSchema,
    concurrentDownloads: settingsSchema.shape.concurrentDownloads,
    autoDownload: z.boolean(),
    downloadSizeCapMb: settingsSchema.shape.downloadSizeCapMb,
    membership: membershipPatchSchema(VENDORS),
    language: z.enum(LANGUAGES),
    theme: z.enum(THEMES),
  })
  .partial()
  .strict();

export type SettingsPatch = z.infer<typeof settingsPatchSchema>;

/** Why the settings on disk were not used as they were; shown once so nothing changes silently. */
export interface SettingsRecovery {
  reason: 'unreadable' | 'invalid' | 'newer_version' | 'migration_failed';
  /** Top-level settings that were reset to their defaults (all of them when the file was unreadable). */
  resetFields: string[];
  /** Where the original file was kept; null when it could not be moved. */
  backupPath: string | null;
  at: number;
}

export interface SettingsState {
  values: Settings;
  recovery: SettingsRecovery | null;
}
