import { main } from './main';

/** Entry of the `promptreel` command (bin/promptreel.mjs imports the built file). */
const controller = new AbortController();
let interrupts = 0;
process.on('SIGINT', () => {
  // First Ctrl-C: stop waiting and hand the jobs back cleanly; a second one leaves at once.
  if (++interrupts > 1) process.exit(130);
  controller.abort();
});

process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
  env: process.env,
  signal: controller.signal,
});
