import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '@main/sandbox';
import { createEngine, type EngineHost } from '@main/runtime';
import { createLogger } from '@main/core/log';
import { eventually } from '../support/cli-process';
import { MemoryCredentialSource } from '../support/credentials-memory';

/*
 * createEngine is the one composition root; what differs between hosts is what they take over. The app
 * and the browser shell pick up every unfinished job at start; a CLI command touches only what it is
 * asked to (`promptreel resume` takes over explicitly).
 */
let vendor: Sandbox;
beforeAll(async () => {
  vendor = await startSandbox({ timeScale: 0.05, hidreamLimits: { concurrency: 10 } });
});
afterAll(async () => {
  await vendor.close();
});

const quiet = createLogger({ sink: () => undefined });

function engine(dataDir: string, transport: EngineHost['transport']) {
  return createEngine(dataDir, {
    host: { transport, log: quiet },
    // Engine timing 20× faster, to match the sandbox's compressed tasks.
    vendors: { credentials: new MemoryCredentialSource([vendor.hidream, vendor.haiper]), timeScale: 20, sandbox: () => Promise.reject(new Error('both vendors have keys')) },
  });
}

describe('one engine for every host', () => {
  it('a CLI command leaves a job another process left running alone; the app picks it up at start', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'promptreel-hosts-'));
    const first = engine(dataDir, 'browser');
    const submitted = await first.jobs.engine.submit({ operation: 'hidream.txt2video', params: { prompt: 'a slow river' } });
    const running = await eventually(() => {
      const job = first.jobs.engine.get(submitted.id);
      return job.status === 'running' && job.taskId ? job : undefined;
    });
    await first.close();
    const polled = (): number => vendor.stats().queriesByTask[running.taskId ?? ''] ?? 0;
    const before = polled();

    const command = engine(dataDir, 'cli');
    await new Promise((r) => setTimeout(r, 1_500));
    expect(command.jobs.engine.get(running.id).status).toBe('running');
    expect(polled()).toBe(before);
    await command.close();

    const app = engine(dataDir, 'browser');
    await eventually(() => (app.jobs.engine.get(running.id).status === 'succeeded' ? true : undefined), 30_000, 'the app finishing the job');
    expect(polled()).toBeGreaterThan(before);
    await app.close();
  });
});
