import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultDataDir } from '../core/paths';
import { createRuntime } from '../runtime';
import { createShellSecrets, startShell } from './server';

/** Entry of the browser shell (`npm start` without an Electron runtime). */
const here = dirname(fileURLToPath(import.meta.url));
// Testing knob shared with the CLI, not a user setting: end-to-end tests run the sandbox in compressed time.
const timeScale = Number(process.env['PROMPTREEL_TIME_SCALE'] ?? '1');
// Media URLs carry the shell's media key, so the runtime hands out URLs the shell will serve.
const secrets = createShellSecrets();
const runtime = createRuntime({
  timeScale: timeScale > 0 ? timeScale : 1,
  transport: 'browser',
  dataDir: defaultDataDir(),
  // The shell has no business launching programs on the machine it serves; the page opens links itself.
  openExternal: () => Promise.resolve(false),
  // Keys typed into the shell stay in this process's memory (the default); settings go to <dataDir>/settings.json.
  mediaUrlPrefix: secrets.mediaUrlPrefix,
});
const preferred = Number(process.env['PROMPTREEL_SHELL_PORT'] ?? 47800);
const shell = await startShell({ runtime, secrets, rendererDir: join(here, '../renderer'), port: Number.isFinite(preferred) ? preferred : 0 });
process.stdout.write(`Promptreel browser shell (loopback only). Open:\n${shell.url}\n`);

const stop = (): void => {
  void shell.close().then(() => runtime.close()).then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
