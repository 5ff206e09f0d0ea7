import type { HandlersFor } from '../ipc/dispatcher';
import type { SettingsStore } from './store';

/** `settings.get` carries why the file on disk was not used as it was; the Settings view shows it. */
export function settingsHandlers(store: SettingsStore): HandlersFor<'settings.get' | 'settings.update'> {
  return {
    'settings.get': () => store.state(),
    'settings.update': (patch) => store.update(patch),
  };
}
