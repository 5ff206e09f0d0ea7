/**
 * `npm run bench:upload`: the stylize upload (a local file streamed as base64 inside the JSON body) against
 * `base64 -w0 FILE | curl -s -X POST -T - URL`, both sending a generated 1 GiB file to the same local sink.
 * Runs are interleaved so both see the same machine load; the medians are compared.
 *
 * RSS growth is the peak RSS during our measured uploads minus the RSS before them, after one warm-up
 * upload of each kind. The warm-up keeps one-time heap sizing out of the number: the first upload of a
 * process makes V8 double its young generation under the allocation rate (about 16 MB, once), which is
 * not memory that grows with the file.
 *
 * Last line: BENCH upload ratio_vs_curl=<our throughput / curl's> rss_growth_mb=<peak RSS growth during our uploads>
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateParams } from '../src/shared/catalog';
import { createVendorClient, newRequestId } from '../src/main/core/vendors/index';
import { base64Length } from '../src/main/core/vendors/upload';

const FILE_BYTES = 1024 * 1024 * 1024;
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);
const MB = 1024 * 1024;

async function makeVideoLikeFile(path: string): Promise<void> {
  const out = createWriteStream(path);
  // An ISO box header so the file passes the magic-byte check; random bytes after it.
  const head = Buffer.from([0, 0, 0, 0x18, ...Buffer.from('ftypisom'), 0, 0, 2, 0, ...Buffer.from('isommp41')]);
  const block = randomBytes(MB);
  head.copy(block);
  for (let written = 0; written < FILE_BYTES; written += block.length) {
    if (!out.write(written === 0 ? block : block.subarray(0, Math.min(block.length, FILE_BYTES - written)))) await once(out, 'drain');
    block.writeUInt32LE(written / MB, 64); // keep blocks from being identical
  }
  out.end();
  await once(out, 'finish');
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

async function startSink(): Promise<{ origin: string; stop: () => void }> {
  const child = spawn(process.execPath, [join(import.meta.dirname, 'upload-sink.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [data] = (await once(child.stdout, 'data')) as [Buffer];
  return { origin: `http://127.0.0.1:${data.toString().trim()}`, stop: () => child.kill('SIGTERM') };
}

async function runCurl(file: string, url: string): Promise<number> {
  const started = performance.now();
  const child = spawn('sh', ['-c', 'base64 -w0 "$1" | curl -s -o /dev/null -X POST -T - "$2"', 'sh', file, url], { stdio: 'inherit' });
  const [code] = (await once(child, 'exit')) as [number];
  if (code !== 0) throw new Error(`curl pipeline exited with ${code}`);
  return performance.now() - started;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'promptreel-bench-'));
  const file = join(dir, 'big.mp4');
  const sink = await startSink();
  try {
    process.stdout.write(`generating ${FILE_BYTES / MB} MiB in ${dir}\n`);
    await makeVideoLikeFile(file);
    const client = createVendorClient(
      { vendor: 'hidream', baseUrl: sink.origin, token: 'bench-token-not-a-secret' },
      { maxUploadBytes: 2 * FILE_BYTES, timeouts: { headersMs: 600_000 } },
    );
    // Validated once, as the engine does before a job is stored; the client sends what it is given.
    const checked = validateParams('hidream.video_stylize', { style: 'anime' }, { hasFile: true });
    if (!checked.ok) throw new Error('the bench params are invalid');
    const upload = (): Promise<{ taskId: string }> => client.submit({ operation: 'hidream.video_stylize', params: checked.params, file, requestId: newRequestId() });
    // Warm both paths (page cache, JIT, connection, heap sizing) before measuring.
    const cold = process.memoryUsage.rss();
    let coldPeak = cold;
    const coldSampler = setInterval(() => {
      coldPeak = Math.max(coldPeak, process.memoryUsage.rss());
    }, 10);
    await upload();
    clearInterval(coldSampler);
    await runCurl(file, `${sink.origin}/warmup`);
    const baseline = process.memoryUsage.rss();
    process.stdout.write(`warm-up upload: RSS ${(cold / MB).toFixed(1)} MB before, peak growth ${((coldPeak - cold) / MB).toFixed(1)} MB\n`);
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage.rss());
    }, 10);
    const ours: number[] = [];
    const curl: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const started = performance.now();
      const submission = await upload();
      const elapsed = performance.now() - started;
      const received = Number(submission.taskId.replace('received-', ''));
      if (received < base64Length(FILE_BYTES)) throw new Error(`the sink received only ${received} bytes`);
      ours.push(elapsed);
      peak = Math.max(peak, process.memoryUsage.rss());
      curl.push(await runCurl(file, `${sink.origin}/curl`));
      process.stdout.write(
        `round ${round + 1}: ours ${(elapsed / 1000).toFixed(2)} s, curl ${((curl.at(-1) ?? 0) / 1000).toFixed(2)} s, peak RSS growth so far ${((peak - baseline) / MB).toFixed(1)} MB\n`,
      );
    }
    clearInterval(sampler);
    await client.close();
    const throughput = (ms: number): number => FILE_BYTES / MB / (ms / 1000);
    const oursMs = median(ours);
    const curlMs = median(curl);
    process.stdout.write(`median: ours ${throughput(oursMs).toFixed(0)} MiB/s of file, curl ${throughput(curlMs).toFixed(0)} MiB/s\n`);
    const ratio = throughput(oursMs) / throughput(curlMs);
    const growth = (peak - baseline) / MB;
    process.stdout.write(`BENCH upload ratio_vs_curl=${ratio.toFixed(2)} rss_growth_mb=${growth.toFixed(1)}\n`);
  } finally {
    sink.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
