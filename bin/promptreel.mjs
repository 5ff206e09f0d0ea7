#!/usr/bin/env node
// The `promptreel` command: checks the Node version, then runs the CLI built into out/main/cli.js.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 13)) {
  process.stderr.write(`promptreel needs Node 22.13 or newer (for node:sqlite); this is Node ${process.versions.node}.\n`);
  process.exit(2);
}
const cli = fileURLToPath(new URL('../out/main/cli.js', import.meta.url));
if (!existsSync(cli)) {
  process.stderr.write(`promptreel is not built yet (${cli} is missing): run npm run build first.\n`);
  process.exit(2);
}
await import(pathToFileURL(cli).href);
