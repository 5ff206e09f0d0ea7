// The floor for `npm run bench:download`: undici alone, in a fresh process, receiving the file and
// dropping every byte (no file, no hash), through a dispatch handler as the download manager uses it.
// After a warm-up request it resets the peak-RSS counter, downloads once, and prints one JSON line:
// {bytes, bytesPerSecond, cpuSeconds, rssGrowthMb} (rssGrowthMb is null where /proc is missing).
import { readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Agent } from 'undici';

const [url, warmupUrl] = process.argv.slice(2);
const agent = new Agent();

function get(target) {
  return new Promise((resolve, reject) => {
    const { origin, pathname } = new URL(target);
    let bytes = 0;
    agent.dispatch(
      { origin, path: pathname, method: 'GET' },
      {
        onRequestStart() {},
        onResponseStart() {},
        onResponseData(_controller, chunk) {
          bytes += chunk.length;
        },
        onResponseEnd() {
          resolve(bytes);
        },
        onResponseError(_controller, error) {
          reject(error);
        },
      },
    );
  });
}

function kib(field) {
  return Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync('/proc/self/status', 'utf8'))?.[1]);
}

await get(warmupUrl);
let baseline = null;
try {
  writeFileSync('/proc/self/clear_refs', '5');
  baseline = kib('VmRSS');
} catch {
  // not Linux: no memory figure
}
const started = performance.now();
const cpu = process.cpuUsage();
const bytes = await get(url);
const seconds = (performance.now() - started) / 1000;
const used = process.cpuUsage(cpu);
const rssGrowthMb = baseline === null ? null : (kib('VmHWM') - baseline) / 1024;
process.stdout.write(`${JSON.stringify({ bytes, bytesPerSecond: bytes / seconds, cpuSeconds: (used.user + used.system) / 1e6, rssGrowthMb })}\n`);
await agent.close();
