import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { startSandbox, type Sandbox } from '@main/sandbox';

export const CLI = resolve(import.meta.dirname, '../../out/main/cli.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment of a CLI run: nothing PROMPTREEL_* leaks in from the test runner's own. */
export function cliEnv(vars: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('PROMPTREEL_')) env[k] = v;
  return { ...env, ...vars };
}

/**
 * A sandbox in time compressed 10×, as the CLI tests run it (with `PROMPTREEL_TIME_SCALE=10` on the
 * CLI's side): clips of 2–2.5 s, a 0.6-s limit window, room for ten HiDream tasks at once.
 */
export function compressedSandbox(): Promise<Sandbox> {
  return startSandbox({ timeScale: 0.1, durations: { image: [8_000, 10_000], video: [20_000, 25_000] }, limitWindowMs: 6_000, hidreamLimits: { concurrency: 10 } });
}

/** A CLI run pointed at `vendor` (reached through `origin`, e.g. a proxy) by the documented environment variables. */
export function sandboxCliEnv(dataDir: string, vendor: Sandbox, origin = vendor.origin): NodeJS.ProcessEnv {
  return cliEnv({
    PROMPTREEL_DATA_DIR: dataDir,
    PROMPTREEL_HIDREAM_URL: origin,
    PROMPTREEL_HIDREAM_TOKEN: vendor.hidream.token,
    PROMPTREEL_CLOUDSWAY_URL: `${origin}/v1/ai`,
    PROMPTREEL_CLOUDSWAY_ENDPOINT: vendor.haiper.endpointPath,
    PROMPTREEL_CLOUDSWAY_KEY: vendor.haiper.accessKey,
    PROMPTREEL_TIME_SCALE: '10',
  });
}

/** Starts the built CLI (`out/main/cli.js`, made by `npm run build`) as a real child process. */
export function spawnCli(args: string[], env: NodeJS.ProcessEnv, cwd = process.cwd()): ChildProcess & { result: Promise<CliResult> } {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first.`);
  const child = spawn(process.execPath, [CLI, ...args], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const result = new Promise<CliResult>((done) => child.on('close', (code) => done({ code, stdout, stderr })));
  return Object.assign(child, { result });
}

export function runCli(args: string[], env: NodeJS.ProcessEnv, cwd?: string): Promise<CliResult> {
  return spawnCli(args, env, cwd).result;
}

/** Polls `check` until it returns a value (not undefined); fails after `ms`. */
export async function eventually<T>(check: () => T | undefined, ms = 20_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
