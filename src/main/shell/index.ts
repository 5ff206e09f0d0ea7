import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DatabaseProblem } from '../core/db/storage';
import { defaultDataDir } from '../core/paths';
import { createEngine, timeScaleFromEnv, type Runtime } from '../runtime';
import { createShellSecrets, startShell } from './server';

/** Entry of the browser shell (`npm start` without an Electron runtime). */
const here = dirname(fileURLToPath(import.meta.url));
// Media URLs carry the shell's media key, so the engine hands out URLs the shell will serve.
const secrets = createShellSecrets();
const say = (message: string): boolean => process.stderr.write(`promptreel: ${message}\n`);

/** A database that cannot be opened ends the start with one line that says why and where it is. */
function createOrExplain(): Runtime {
  try {
    return createEngine(defaultDataDir(), {
      // The shell has no business launching programs on the machine it serves (no `openExternal`): the page
      // opens links itself. Keys typed into it stay in this process's memory (the default); settings go to
      // <dataDir>/settings.json.
      host: { transport: 'browser', mediaUrlPrefix: secrets.mediaUrlPrefix, onStorageNotice: (notice) => say(notice.message) },
      vendors: { timeScale: timeScaleFromEnv(process.env) },
    });
  } catch (error) {
    if (!(error instanceof DatabaseProblem)) throw error;
    say(error.message);
    process.exit(1);
  }
}
const runtime = createOrExplain();
const preferred = Number(process.env['PROMPTREEL_SHELL_PORT'] ?? 47800);
const shell = await startShell({ runtime, secrets, rendererDir: join(here, '../renderer'), port: Number.isFinite(preferred) ? preferred : 0 });
process.stdout.write(`Promptreel browser shell (loopback only). Open:\n${shell.url}\n`);

const stop = (): void => {
  void shell.close().then(() => runtime.close()).then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
