import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import type { VendorClientOptions } from '@main/core/vendors';
import { VendorError } from '@main/core/vendors';
import { validateParams, type OperationId, type ValidParams } from '@shared/catalog';

export const MEDIA_DIR = join(import.meta.dirname, '..', '..', 'resources', 'sandbox');

/** A clock tests move by hand, shared by the sandbox and the client: no test waits for a task. */
export function manualClock(start = Date.now()): { now: () => number; advance: (ms: number) => void } {
  let time = start;
  return {
    now: () => time,
    advance: (ms) => {
      time += ms;
    },
  };
}

/** Client options whose backoff sleeps are recorded instead of slept. */
export function instantRetries(now?: () => number): VendorClientOptions & { sleeps: number[] } {
  const sleeps: number[] = [];
  const sleep = (ms: number): Promise<void> => {
    sleeps.push(ms);
    return Promise.resolve();
  };
  return {
    sleeps,
    queryRetry: { sleep, retries: 3 },
    submitRetry: { sleep },
    ...(now ? { now } : {}),
  };
}

/** Runs `fn` and returns the VendorError it throws (fails the test if it throws anything else or nothing). */
export async function vendorError(fn: () => Promise<unknown>): Promise<VendorError> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof VendorError) return error;
    throw error;
  }
  throw new Error('expected a VendorError, but the call succeeded');
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export function sampleFile(name: string): Buffer {
  return readFileSync(join(MEDIA_DIR, name));
}

export async function download(url: string, headers: Record<string, string> = {}, method: 'GET' | 'HEAD' = 'GET'): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  const res = await request(url, { method, headers });
  return { status: res.statusCode, headers: res.headers, body: Buffer.from(await res.body.arrayBuffer()) };
}

/**
 * An operation and its params as the engine hands them to a client: validated, defaults filled. A
 * client trusts its input, so a test that talks to one directly checks its params the same way first.
 */
export function checked(operation: OperationId, params: Record<string, unknown>, hasFile = false): { operation: OperationId; params: ValidParams } {
  const result = validateParams(operation, params, { hasFile });
  if (!result.ok) throw new Error(`test params for ${operation} are invalid: ${JSON.stringify(result.issues)}`);
  return { operation, params: result.params };
}
