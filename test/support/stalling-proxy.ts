import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface StallingProxy {
  origin: string;
  /** While true, a result file is answered with its headers and first bytes, then nothing more. */
  stall: boolean;
  /** Resolves when a stalled file download is under way. */
  stalled(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Sits between the CLI and the sandbox so a test can catch the CLI in the middle of a download: API
 * answers pass through with the sandbox's origin rewritten to the proxy's (so result URLs lead here too),
 * and result files can be made to stall after their first bytes.
 */
export async function startStallingProxy(target: string, mediaPrefix = '/sandbox-media/'): Promise<StallingProxy> {
  const sockets = new Set<Socket>();
  let onStall: (() => void) | null = null;
  let stalledOnce: Promise<void> = new Promise((resolve) => (onStall = resolve));
  const proxy: StallingProxy = {
    origin: '',
    stall: false,
    stalled: () => stalledOnce,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };

  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer): void => {
    const upstream = httpRequest(`${target}${req.url ?? '/'}`, { method: req.method, headers: { ...req.headers, host: new URL(target).host } }, (answer) => {
      const media = (req.url ?? '').startsWith(mediaPrefix);
      if (media) {
        const stall = proxy.stall;
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        if (!stall) {
          answer.pipe(res);
          return;
        }
        answer.once('data', (chunk: Buffer) => {
          res.write(chunk.subarray(0, Math.min(chunk.length, 1024)));
          answer.pause();
          onStall?.();
        });
        return;
      }
      const chunks: Buffer[] = [];
      answer.on('data', (c: Buffer) => chunks.push(c));
      answer.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8').split(target).join(proxy.origin);
        const headers = { ...answer.headers, 'content-length': String(Buffer.byteLength(text)) };
        delete headers['transfer-encoding'];
        res.writeHead(answer.statusCode ?? 502, headers).end(text);
      });
    });
    upstream.on('error', () => res.destroy());
    upstream.end(body);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => forward(req, res, Buffer.concat(chunks)));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // A fresh promise for the next stall once one was seen.
  void stalledOnce.then(() => {
    stalledOnce = Promise.resolve();
  });
  return proxy;
}
