export { SettingsView } from './SettingsView';
export { registerSettingsLocales, settingsLocales, SETTINGS_NAMESPACE } from './locales';
export { useSettingsStore } from './store';
