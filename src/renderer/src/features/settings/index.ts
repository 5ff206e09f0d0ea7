export { SettingsView } from './SettingsView';
export { settingsLocales, SETTINGS_NAMESPACE } from './locales';
export { useSettingsStore } from './store';
