// A loopback file server for `npm run bench:download`, in its own process so that its CPU and memory
// stay out of the downloader's measurements. It makes a file of the requested size (random bytes, so
// nothing compresses or dedupes), then serves it and prints one JSON line: {port, sha256, size}.
//
// The bytes are served from memory, in large slices: the machine this runs on has two cores, and a
// server that read the file back through a stream for every request spent about 0.8 CPU-s per GiB,
// most of a core that the client being measured (curl or ours) then had to share. A real CDN costs the
// downloading machine nothing; this comes closer to that, for curl and for us alike.
import { Buffer } from 'node:buffer';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { createServer } from 'node:http';
import { once } from 'node:events';

const [file, sizeArg] = process.argv.slice(2);
const size = Number(sizeArg);
const data = Buffer.allocUnsafe(size);
for (let offset = 0; offset < size; offset += 64 * 1024 * 1024) randomBytes(Math.min(64 * 1024 * 1024, size - offset)).copy(data, offset);
const sha256 = createHash('sha256').update(data).digest('hex');
// The file is kept too, for whoever wants to compare by hand.
const out = createWriteStream(file);
out.end(data);
await once(out, 'finish');
const etag = `"${sha256.slice(0, 16)}"`;
const SLICE = 4 * 1024 * 1024;

/** Writes data[start, end) in slices, waiting for the socket to drain between them. */
async function send(res, start, end) {
  for (let at = start; at < end && !res.destroyed; at += SLICE) {
    if (!res.write(data.subarray(at, Math.min(end, at + SLICE)))) await once(res, 'drain').catch(() => undefined);
  }
  res.end();
}

const server = createServer((req, res) => {
  if (req.url === '/warmup') {
    const length = Math.min(size, 1024 * 1024);
    res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(length) });
    void send(res, 0, length);
    return;
  }
  const match = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
  const start = match ? Number(match[1]) : 0;
  const headers = { 'content-type': 'video/mp4', etag, 'accept-ranges': 'bytes', 'content-length': String(size - start) };
  if (match) headers['content-range'] = `bytes ${start}-${size - 1}/${size}`;
  res.writeHead(match ? 206 : 200, headers);
  void send(res, start, size);
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port, sha256, size })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
