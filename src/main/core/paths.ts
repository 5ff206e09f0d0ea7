import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where data lives when no host tells us: the same folder Electron's `userData` resolves to for an
 * app named Promptreel, so the CLI, the browser shell and the desktop app share one library.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const explicit = env['PROMPTREEL_DATA_DIR'];
  if (explicit) return explicit;
  if (platform === 'win32') return join(env['APPDATA'] ?? join(homedir(), 'AppData', 'Roaming'), 'Promptreel');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Promptreel');
  return join(env['XDG_CONFIG_HOME'] ?? join(homedir(), '.config'), 'Promptreel');
}
