import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultDataDir } from '../core/paths';
import { createEngine, timeScaleFromEnv } from '../runtime';
import { createShellSecrets, startShell } from './server';

/** Entry of the browser shell (`npm start` without an Electron runtime). */
const here = dirname(fileURLToPath(import.meta.url));
// Media URLs carry the shell's media key, so the engine hands out URLs the shell will serve.
const secrets = createShellSecrets();
const runtime = createEngine(defaultDataDir(), {
  // The shell has no business launching programs on the machine it serves (no `openExternal`): the page
  // opens links itself. Keys typed into it stay in this process's memory (the default); settings go to
  // <dataDir>/settings.json.
  host: { transport: 'browser', mediaUrlPrefix: secrets.mediaUrlPrefix },
  vendors: { timeScale: timeScaleFromEnv(process.env) },
});
const preferred = Number(process.env['PROMPTREEL_SHELL_PORT'] ?? 47800);
const shell = await startShell({ runtime, secrets, rendererDir: join(here, '../renderer'), port: Number.isFinite(preferred) ? preferred : 0 });
process.stdout.write(`Promptreel browser shell (loopback only). Open:\n${shell.url}\n`);

const stop = (): void => {
  void shell.close().then(() => runtime.close()).then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
