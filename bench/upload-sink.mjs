// The upload benchmark's receiving end, in its own process so its work and memory are not counted as ours.
// Discards every body, and answers like HiDream's submit with the byte count as the task id.
import { Buffer } from 'node:buffer';
import { createServer } from 'node:http';

const server = createServer((req, res) => {
  let received = 0;
  req.on('data', (chunk) => {
    received += chunk.length;
  });
  req.on('end', () => {
    const body = JSON.stringify({ code: 0, message: 'ok', request_id: '', result: { task_id: `received-${received}`, sub_task_ids: [] } });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${server.address().port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
