import { isAbsolute } from 'node:path';
import { AppError, isAppError } from '@shared/errors';
import type { SettingsRecovery } from '@shared/settings';
import { checkFolder, probeWritable } from '../../platform/paths-policy';
import type { EventBus } from '../events';
import type { HandlersFor } from '../ipc/dispatcher';
import type { SettingsStore } from './store';

const REASONS: Record<SettingsRecovery['reason'], string> = {
  unreadable: 'could not be read',
  invalid: 'had invalid values',
  newer_version: 'was written by a newer Promptreel',
  migration_failed: 'could not be upgraded',
};

function recoveryNotice(recovery: SettingsRecovery): string {
  const fields = recovery.resetFields.length > 0 ? ` (${recovery.resetFields.join(', ')})` : '';
  const backup = recovery.backupPath ? ` The original was kept at ${recovery.backupPath}.` : '';
  return `Your settings file ${REASONS[recovery.reason]}, so some settings were reset to their defaults${fields}.${backup}`;
}

/**
 * A new download folder must be one of the user's own (not a system folder) and writable now: an
 * unwritable one would otherwise be found out only by downloads that never start.
 */
async function checkDownloadDir(dir: string): Promise<void> {
  try {
    // A relative path is left to the settings' own rule, which words it for the form.
    if (isAbsolute(dir)) await probeWritable(checkFolder(dir, 'downloads'));
  } catch (error) {
    if (!isAppError(error)) throw error;
    throw new AppError('invalid_input', error.message, { issues: [{ path: 'downloadDir', message: error.message }] });
  }
}

export function settingsHandlers(store: SettingsStore, events: EventBus): HandlersFor<'settings.get' | 'settings.update'> {
  // The store opens before any page exists, so the notice goes out when the first page asks for the
  // settings (the app does at start, for language and theme), once per run.
  let announced = false;
  return {
    'settings.get': () => {
      if (store.recovery && !announced) {
        announced = true;
        const message = recoveryNotice(store.recovery);
        queueMicrotask(() => events.emit('app.notice', { level: 'warning', message }));
      }
      return store.state();
    },
    'settings.update': async (patch) => {
      if (patch.downloadDir !== undefined && patch.downloadDir !== store.get().downloadDir) await checkDownloadDir(patch.downloadDir);
      return store.update(patch);
    },
  };
}
