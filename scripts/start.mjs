// `npm start`: the desktop app when an Electron runtime can run here, otherwise the browser shell.
// Runs after `electron-vite build`, so both hosts start from the same fresh bundles in out/.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The Electron binary if it was downloaded, without triggering electron's lazy download. */
function electronBinary() {
  try {
    const pkg = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
    const pathFile = join(pkg, 'path.txt');
    if (!existsSync(pathFile)) return { reason: 'the Electron binary was not downloaded (offline install)' };
    const binary = join(pkg, 'dist', readFileSync(pathFile, 'utf8').trim());
    return existsSync(binary) ? { binary } : { reason: 'the Electron binary is missing from node_modules' };
  } catch {
    return { reason: 'the electron package is not installed' };
  }
}

function hasDisplay() {
  return process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
}

function run(command, args) {
  const child = spawn(command, args, { cwd: root, stdio: 'inherit' });
  const forward = (signal) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

const electron = electronBinary();
const forceShell = process.env.PROMPTREEL_SHELL === '1';
if (electron.binary && hasDisplay() && !forceShell) {
  run(electron.binary, ['.']);
} else {
  const why = forceShell ? 'PROMPTREEL_SHELL=1 is set' : (electron.reason ?? 'there is no display to open a window on');
  console.log(`Electron runtime unavailable (${why}); serving the browser shell on loopback instead.`);
  run(process.execPath, [join(root, 'out/main/shell.js')]);
}
