import { z } from 'zod';
import { settingsPatchSchema, type Settings, type SettingsState } from '../settings';
import { event, request } from './define';

export const settingsRequests = {
  'settings.get': request(z.object({}).strict()).returns<SettingsState>(),
  /** A partial change; the merged settings are validated as a whole and saved atomically, or not at all. */
  'settings.update': request(settingsPatchSchema).returns<SettingsState>(),
} as const;

export const settingsEvents = {
  'settings.changed': event<Settings>(),
} as const;
