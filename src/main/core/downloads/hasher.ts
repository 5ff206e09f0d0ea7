import { Worker } from 'node:worker_threads';
import { READ_NO_FOLLOW } from '../fs/owned';

/**
 * sha256 of `.part` files on a worker thread. The worker reads back what the transfer has written (from
 * the page cache, right behind the writer) and hashes it, so:
 * - the digest describes the bytes that are actually in the file, not the bytes we meant to write;
 * - a resumed file is hashed from its first byte by the same code, with nothing to carry over;
 * - the main thread only receives and writes: hashing 1 GiB costs about a CPU-second, which on the
 *   event loop would halve the download speed.
 *
 * The worker is plain JavaScript evaluated from this string, so it runs unchanged under Node, tsx,
 * Vitest and the bundled Electron main process without a separate build entry.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { openSync, readSync, closeSync, fstatSync } = require('node:fs');
const jobs = new Map();
const buffer = Buffer.allocUnsafe(1024 * 1024);
function advance(job, upTo) {
  while (job.done < upTo) {
    const n = readSync(job.fd, buffer, 0, Math.min(buffer.length, upTo - job.done), job.done);
    if (n === 0) throw new Error('The .part file is shorter than what was written to it.');
    job.hash.update(buffer.subarray(0, n));
    job.done += n;
  }
}
function drop(id) {
  const job = jobs.get(id);
  jobs.delete(id);
  if (job) try { closeSync(job.fd); } catch {}
}
parentPort.on('message', (m) => {
  try {
    if (m.type === 'start') {
      const fd = openSync(m.path, m.flags);
      const info = fstatSync(fd);
      if (m.identity && (info.dev !== m.identity.dev || info.ino !== m.identity.ino)) {
        closeSync(fd);
        throw new Error('The .part file was replaced while it was being written.');
      }
      jobs.set(m.id, { fd, hash: createHash('sha256'), done: 0 });
      return;
    }
    const job = jobs.get(m.id);
    if (m.type === 'cancel') { drop(m.id); return; }
    if (!job) { if (m.type === 'finish') parentPort.postMessage({ id: m.id, error: 'The hash job was lost.' }); return; }
    advance(job, m.upTo);
    if (m.type === 'finish') { drop(m.id); parentPort.postMessage({ id: m.id, digest: job.hash.digest('hex') }); }
  } catch (error) {
    drop(m.id);
    parentPort.postMessage({ id: m.id, error: String((error && error.message) || error) });
  }
});
`;

export interface HashJob {
  /** Bytes [0, upTo) are in the file; hash them when the worker gets to it. */
  advance(upTo: number): void;
  /** The hex digest of bytes [0, upTo). */
  finish(upTo: number): Promise<string>;
  cancel(): void;
}

type Reply = { id: number; digest: string } | { id: number; error: string };

/** One worker shared by all transfers of a manager; started on first use, stopped by `close`. */
export class PartHasher {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (digest: string) => void; reject: (error: Error) => void }>();
  /** A job's failure that arrived before anyone asked for its digest. */
  private readonly failures = new Map<number, Error>();
  /** Jobs begun and not yet finished or canceled. */
  private readonly live = new Set<number>();

  /**
   * Starts hashing the part at `path`. With `identity` (the writer's fstat), the file read back must be
   * the one being written, not something put under its name since; it is never opened through a link.
   */
  begin(path: string, identity?: { dev: number; ino: number }): HashJob {
    const worker = this.start();
    const id = this.nextId++;
    this.live.add(id);
    // The worker keeps the process alive only while a transfer may wait on it.
    worker.ref();
    worker.postMessage({ type: 'start', id, path, flags: READ_NO_FOLLOW, identity });
    let settled = false;
    const release = (): void => {
      if (settled) return;
      settled = true;
      this.failures.delete(id);
      this.live.delete(id);
      if (this.live.size === 0) this.worker?.unref();
    };
    return {
      advance: (upTo) => {
        if (!settled) worker.postMessage({ type: 'advance', id, upTo });
      },
      finish: (upTo) => {
        const failure = this.failures.get(id);
        if (failure) {
          release();
          return Promise.reject(failure);
        }
        return new Promise<string>((resolve, reject) => {
          this.pending.set(id, {
            resolve: (digest) => {
              release();
              resolve(digest);
            },
            reject: (error) => {
              release();
              reject(error);
            },
          });
          worker.postMessage({ type: 'finish', id, upTo });
        });
      },
      cancel: () => {
        if (settled) return;
        worker.postMessage({ type: 'cancel', id });
        release();
      },
    };
  }

  async close(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.crashed(worker, new Error('The download manager closed.'));
    await worker.terminate();
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    worker.unref();
    worker.on('message', (reply: Reply) => {
      const waiter = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      const error = 'error' in reply ? new Error(reply.error) : undefined;
      if (!waiter) {
        if (error) this.failures.set(reply.id, error);
        return;
      }
      if (error) waiter.reject(error);
      else if ('digest' in reply) waiter.resolve(reply.digest);
    });
    worker.on('error', (error: Error) => this.crashed(worker, error));
    worker.on('exit', () => this.crashed(worker, new Error('The hashing worker stopped.')));
    this.worker = worker;
    return worker;
  }

  /** Every job of a dead worker fails (the transfer then retries on a new one). */
  private crashed(worker: Worker, error: Error): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    for (const id of this.live) this.failures.set(id, error);
    for (const [id, waiter] of this.pending) {
      this.pending.delete(id);
      waiter.reject(error);
    }
  }
}
