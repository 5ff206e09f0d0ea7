// A loopback file server for `npm run bench:download`, in its own process so that its CPU and memory
// stay out of the downloader's measurements. It writes a file of the requested size (random bytes, so
// nothing compresses or dedupes), then serves it and prints one JSON line: {port, sha256, size}.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { createServer } from 'node:http';
import { once } from 'node:events';

const [file, sizeArg] = process.argv.slice(2);
const size = Number(sizeArg);
const block = 4 * 1024 * 1024;
const hash = createHash('sha256');
const out = createWriteStream(file);
for (let written = 0; written < size; written += block) {
  const chunk = randomBytes(Math.min(block, size - written));
  hash.update(chunk);
  if (!out.write(chunk)) await once(out, 'drain');
}
out.end();
await once(out, 'finish');
const sha256 = hash.digest('hex');
const etag = `"${sha256.slice(0, 16)}"`;

const server = createServer((req, res) => {
  if (req.url === '/warmup') {
    const length = Math.min(size, 1024 * 1024);
    res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(length) });
    createReadStream(file, { start: 0, end: length - 1 }).pipe(res);
    return;
  }
  const match = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
  const start = match ? Number(match[1]) : 0;
  const headers = { 'content-type': 'video/mp4', etag, 'accept-ranges': 'bytes', 'content-length': String(size - start) };
  if (match) headers['content-range'] = `bytes ${start}-${size - 1}/${size}`;
  res.writeHead(match ? 206 : 200, headers);
  createReadStream(file, { start, highWaterMark: 1024 * 1024 }).pipe(res);
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port, sha256, size })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
