/**
 * `npm run bench:download`: a 1 GiB file from a loopback server (a child process), downloaded by our
 * manager and by `curl -s -o` in the same run, interleaved, 3 rounds. Ours includes what curl skips:
 * the sha256, the fsync and the atomic rename. The last line is
 * `BENCH download ratio_vs_curl=<median ours/curl throughput> rss_growth_mb=<peak RSS growth> …`.
 *
 * It also measures a floor (bench/download-floor.mjs): undici alone in a fresh process, receiving the
 * same file and dropping every byte (no file, no hash), as `undici_floor_ratio` and
 * `undici_floor_rss_growth_mb`. Whatever the manager does with the bytes comes on top of that.
 * And the CPU each side spends per GiB (ours: every thread of this process; curl: curl plus the
 * server; the floor's; sha256 alone), since on a small machine the server, curl or us, and our hashing
 * share a few cores: receiving (the floor) plus hashing is work curl does not do, and bounds the ratio.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { openDatabase } from '../src/main/core/db/database';
import { DownloadManager } from '../src/main/core/downloads/manager';
import { DEFAULT_FILE_NAME_TEMPLATE } from '../src/main/core/downloads/naming';
import { createLogger } from '../src/main/core/log';

const SIZE = Number(process.env['BENCH_DOWNLOAD_BYTES'] ?? 1024 ** 3);

/** What sha256 alone costs here: CPU seconds per GiB, hashing 256 MiB from memory. */
function sha256CpuPerGiB(): number {
  const block = randomBytes(1024 * 1024);
  const cpu = process.cpuUsage();
  const hash = createHash('sha256');
  for (let i = 0; i < 256; i++) hash.update(block);
  hash.digest();
  const used = process.cpuUsage(cpu);
  return ((used.user + used.system) / 1e6) * 4;
}
const ROUNDS = 3;
const MB = 1024 * 1024;

/**
 * Peak RSS growth from now on. On Linux the kernel keeps the peak (VmHWM) and lets us reset it, so
 * nothing has to poll the event loop while the download runs; elsewhere a light 50 ms sampler.
 */
function peakRssMeter(): { growthMb(): number } {
  const status = (field: string): number => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync('/proc/self/status', 'utf8'))?.[1]) * 1024;
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    const baseline = status('VmRSS');
    return { growthMb: () => (status('VmHWM') - baseline) / MB };
  } catch {
    const baseline = process.memoryUsage.rss();
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 50);
    return {
      growthMb: () => {
        clearInterval(sampler);
        return (peak - baseline) / MB;
      },
    };
  }
}

const work = mkdtempSync(join(tmpdir(), 'promptreel-bench-'));
const library = join(work, 'library');
const server = spawn(process.execPath, [join(import.meta.dirname, 'download-server.mjs'), join(work, 'source.bin'), String(SIZE)], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const cleanup = (): void => {
  server.kill('SIGTERM');
  rmSync(work, { recursive: true, force: true });
};

try {
  const first = await createInterface({ input: server.stdout })[Symbol.asyncIterator]().next();
  const info = JSON.parse(String(first.value)) as { port: number; sha256: string; size: number };
  const url = `http://127.0.0.1:${info.port}/video`;

  const db = openDatabase(join(work, 'promptreel.db'));
  const manager = new DownloadManager({
    db,
    log: createLogger({ level: 'warn' }),
    settings: () => ({ concurrency: 1, sizeCapBytes: 4 * 1024 ** 3, fileNameTemplate: DEFAULT_FILE_NAME_TEMPLATE, autoDownload: true, directory: library }),
  });

  /** Starts each timed run from the same place: no dirty pages of the previous run still being written. */
  const settle = (): void => void spawnSync('sync');
  const GiB = info.size / 1024 ** 3;
  /** CPU seconds the server process has used so far (Linux; 0 elsewhere). */
  const serverCpu = (): number => {
    try {
      const stat = readFileSync(`/proc/${server.pid ?? 0}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      return 0;
    }
  };

  /** CPU seconds per GiB of our whole process (main thread and hashing worker) in the last run. */
  let oursCpuPerGiB = 0;
  const ours = async (): Promise<number> => {
    settle();
    const started = performance.now();
    const cpu = process.cpuUsage();
    const done = await manager.whenSettled(manager.enqueueUrl(url, { name: 'bench' }).id);
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    oursCpuPerGiB = (used.user + used.system) / 1e6 / (info.size / 1024 ** 3);
    if (done.status !== 'completed' || done.sha256 !== info.sha256) throw new Error(`our download went wrong: ${JSON.stringify(done)}`);
    unlinkSync(done.path ?? '');
    return info.size / seconds;
  };

  /** CPU seconds per GiB of curl and the server together in the last run. */
  let curlCpuPerGiB = 0;
  const curl = (): number => {
    settle();
    const target = join(work, 'curl.bin');
    const before = serverCpu();
    const started = performance.now();
    // The shell prints its own /proc stat after curl: its children's CPU time (cutime, cstime) is curl's.
    const result = spawnSync('sh', ['-c', 'curl -s -o "$1" "$2" && { cat /proc/$$/stat 2>/dev/null || true; }', 'sh', target, url]);
    const seconds = (performance.now() - started) / 1000;
    if (result.status !== 0) throw new Error(`curl failed: ${result.stderr.toString()}`);
    const stat = result.stdout.toString();
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const curlSeconds = stat ? (Number(fields[13]) + Number(fields[14])) / 100 : 0;
    curlCpuPerGiB = (curlSeconds + serverCpu() - before) / GiB;
    unlinkSync(target);
    return info.size / seconds;
  };

  /** undici alone in a fresh process (see download-floor.mjs). */
  const floor = (): { bytesPerSecond: number; cpuSeconds: number; rssGrowthMb: number | null } => {
    settle();
    const result = spawnSync(process.execPath, [join(import.meta.dirname, 'download-floor.mjs'), url, url.replace('/video', '/warmup')]);
    if (result.status !== 0) throw new Error(`the floor run failed: ${result.stderr.toString()}`);
    const measured = JSON.parse(result.stdout.toString()) as { bytes: number; bytesPerSecond: number; cpuSeconds: number; rssGrowthMb: number | null };
    if (measured.bytes !== info.size) throw new Error(`the floor run got ${measured.bytes} bytes`);
    return measured;
  };

  // Warm up the code paths (and start the hashing worker) before measuring memory.
  const warm = await manager.whenSettled(manager.enqueueUrl(url.replace('/video', '/warmup'), { name: 'warmup' }).id);
  if (warm.path) unlinkSync(warm.path);
  const memory = peakRssMeter();

  const ratios: number[] = [];
  const floors: number[] = [];
  const floorGrowth: number[] = [];
  const floorCpu: number[] = [];
  const oursCpu: number[] = [];
  const curlCpu: number[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    // Alternate who goes first, so neither always meets a colder or warmer machine.
    let oursBps: number;
    let curlBps: number;
    if (round % 2 === 1) {
      oursBps = await ours();
      curlBps = curl();
    } else {
      curlBps = curl();
      oursBps = await ours();
    }
    ratios.push(oursBps / curlBps);
    oursCpu.push(oursCpuPerGiB);
    curlCpu.push(curlCpuPerGiB);
    process.stdout.write(
      `round ${round}: ours ${(oursBps / MB).toFixed(0)} MiB/s, curl ${(curlBps / MB).toFixed(0)} MiB/s, ratio ${(oursBps / curlBps).toFixed(3)}; ` +
        `CPU-s/GiB: ours ${oursCpuPerGiB.toFixed(2)}, curl and server ${curlCpuPerGiB.toFixed(2)}\n`,
    );
  }
  const growth = memory.growthMb();
  for (let round = 1; round <= ROUNDS; round++) {
    const curlBps = curl();
    const { bytesPerSecond, cpuSeconds, rssGrowthMb } = floor();
    floors.push(bytesPerSecond / curlBps);
    floorCpu.push(cpuSeconds / GiB);
    if (rssGrowthMb !== null) floorGrowth.push(rssGrowthMb);
    process.stdout.write(
      `floor ${round}: undici alone ${(bytesPerSecond / MB).toFixed(0)} MiB/s, curl ${(curlBps / MB).toFixed(0)} MiB/s, ratio ${(bytesPerSecond / curlBps).toFixed(3)}, ` +
        `RSS growth ${rssGrowthMb?.toFixed(1) ?? '?'} MB\n`,
    );
  }
  await manager.close();
  db.close();

  const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
  process.stdout.write(
    `BENCH download ratio_vs_curl=${median(ratios).toFixed(3)} rss_growth_mb=${growth.toFixed(1)} undici_floor_ratio=${median(floors).toFixed(3)} ` +
      `undici_floor_rss_growth_mb=${median(floorGrowth).toFixed(1)} undici_floor_cpu_s_per_gib=${median(floorCpu).toFixed(2)} sha256_cpu_s_per_gib=${sha256CpuPerGiB().toFixed(2)} ` +
      `cpu_s_per_gib=${median(oursCpu).toFixed(2)} curl_and_server_cpu_s_per_gib=${median(curlCpu).toFixed(2)}\n`,
  );
} finally {
  cleanup();
}
