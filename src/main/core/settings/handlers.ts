import { isAbsolute } from 'node:path';
import { AppError, isAppError } from '@shared/errors';
import { checkFolder, probeWritable } from '../../platform/paths-policy';
import type { HandlersFor } from '../ipc/dispatcher';
import type { SettingsStore } from './store';

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

/** `settings.get` carries why the file on disk was not used as it was; the Settings view shows it. */
export function settingsHandlers(store: SettingsStore): HandlersFor<'settings.get' | 'settings.update'> {
  return {
    'settings.get': () => store.state(),
    'settings.update': async (patch) => {
      if (patch.downloadDir !== undefined && patch.downloadDir !== store.get().downloadDir) await checkDownloadDir(patch.downloadDir);
      return store.update(patch);
    },
  };
}
