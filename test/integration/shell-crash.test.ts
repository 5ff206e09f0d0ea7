import { request } from 'undici';
import type WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startShellProcess, type ShellProcess } from '../support/shell-process';
import { openShellSocket } from '../support/shell-client';

/**
 * The built browser shell (`out/main/shell.js`, as `npm start` runs it) as a real process, fed the
 * inputs that used to end it. Each must get an answer or a close code, and the process must live on.
 */
let shell: ShellProcess;

beforeAll(async () => {
  shell = await startShellProcess();
});
afterAll(async () => {
  await shell.stop();
});

function closed(ws: WebSocket): Promise<number> {
  return new Promise((resolve) => ws.once('close', (code: number) => resolve(code)));
}

async function alive(): Promise<void> {
  expect(shell.child.exitCode, 'the shell process exited').toBeNull();
  const ws = await openShellSocket(shell);
  const answer = new Promise<unknown>((resolve) => ws.once('message', (data: Buffer) => resolve(JSON.parse(data.toString('utf8')))));
  ws.send(JSON.stringify({ id: 1, name: 'app.echo', input: { text: 'alive' } }));
  expect(await answer).toMatchObject({ id: 1, envelope: { ok: true, value: { text: 'alive' } } });
  ws.close();
}

describe('the shell process survives every bad input', () => {
  it('a cookie that is not percent-encoding, bad paths, a folder', async () => {
    const cases: [string, Record<string, string>, number][] = [
      ['/', { cookie: 'promptreel_token=%zz' }, 200],
      ['/%zz', {}, 400],
      ['/media/%E0%A4%A', {}, 403],
      ['/assets', {}, 404],
    ];
    for (const [path, headers, status] of cases) {
      const res = await request(`${shell.origin}${path}`, { headers });
      expect(res.statusCode, path).toBe(status);
      await res.body.dump();
      await alive();
    }
  });

  it('a `null` frame, an oversized frame and a frame of invalid UTF-8', async () => {
    const ws = await openShellSocket(shell);
    const answer = new Promise<unknown>((resolve) => ws.once('message', (data: Buffer) => resolve(JSON.parse(data.toString('utf8')))));
    ws.send('null');
    expect(await answer).toMatchObject({ id: null, envelope: { ok: false, error: { kind: 'invalid_input' } } });
    ws.close();
    await alive();

    const big = await openShellSocket(shell);
    const bigClosed = closed(big);
    big.send(JSON.stringify({ id: 2, name: 'app.echo', input: { text: 'x'.repeat(3 * 1024 * 1024) } }));
    expect(await bigClosed).toBe(1009);
    await alive();

    const garbled = await openShellSocket(shell);
    const garbledClosed = closed(garbled);
    garbled.send(Buffer.from([0x7b, 0xc3, 0x28, 0x7d]), { binary: false });
    expect(await garbledClosed).toBe(1007);
    await alive();
  });
});
