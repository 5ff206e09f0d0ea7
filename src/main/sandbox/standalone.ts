/**
 * `npm run sandbox`: the built-in sandbox vendor on its own, for trying the CLI or curl against it.
 * Prints the origin and the credentials, then serves until Ctrl-C. Options: --port N, --time-scale X.
 */
import { parseArgs } from 'node:util';
import { SANDBOX_MARKERS, startSandbox } from './index';

const { values } = parseArgs({ options: { port: { type: 'string', default: '0' }, 'time-scale': { type: 'string', default: '1' } } });
const sandbox = await startSandbox({ port: Number(values.port), timeScale: Number(values['time-scale']) });
process.stdout.write(`${JSON.stringify({ origin: sandbox.origin, hidream: sandbox.hidream, haiper: sandbox.haiper }, null, 2)}\n`);
process.stdout.write(`markers: ${SANDBOX_MARKERS.map((m) => m.marker).join(' ')}\n`);
process.on('SIGINT', () => {
  void sandbox.close().then(() => process.exit(0));
});
