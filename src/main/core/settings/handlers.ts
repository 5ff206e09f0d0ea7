import type { HandlersFor } from '../ipc/dispatcher';
import type { SettingsStore } from './store';

export function settingsHandlers(store: SettingsStore): HandlersFor<'settings.get' | 'settings.update'> {
  return {
    'settings.get': () => store.state(),
    'settings.update': (patch) => store.update(patch),
  };
}
