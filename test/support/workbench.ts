import { mkdirSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { startShellProcess, type ShellProcess } from './shell-process';

export const SCREENSHOTS = 'test-results/screenshots';

/**
 * One browser shell for the spec file (started with `env`); each test opens the app afresh and fails
 * on any error the page throws. Returns the running shell.
 */
export function shellPerFile(env: Record<string, string> = {}): () => ShellProcess {
  let shell: ShellProcess | undefined;
  const problems: string[] = [];
  const running = (): ShellProcess => {
    if (!shell) throw new Error('the shell has not started');
    return shell;
  };
  test.beforeAll(async () => {
    shell = await startShellProcess(env);
    mkdirSync(SCREENSHOTS, { recursive: true });
  });
  test.afterAll(async () => {
    await shell?.stop();
  });
  test.beforeEach(async ({ page }) => {
    problems.length = 0;
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(running().url);
  });
  test.afterEach(() => {
    expect(problems).toEqual([]);
  });
  return running;
}

export interface DroppedFile {
  name: string;
  mime: string;
  bytes: Buffer;
}

/**
 * Drops a file on the window the way the OS does: a DataTransfer holding a File, through dragenter,
 * dragover and drop on the page body.
 */
export async function dropFile(page: Page, file: DroppedFile): Promise<void> {
  const dataTransfer = await page.evaluateHandle(
    ({ name, mime, base64 }) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      // Runs in the page; this file is typed for Node, which has no DataTransfer.
      const { DataTransfer } = globalThis as unknown as { DataTransfer: new () => { items: { add: (file: File) => unknown } } };
      const transfer = new DataTransfer();
      transfer.items.add(new File([bytes], name, { type: mime }));
      return transfer;
    },
    { name: file.name, mime: file.mime, base64: file.bytes.toString('base64') },
  );
  for (const type of ['dragenter', 'dragover', 'drop']) await page.dispatchEvent('body', type, { dataTransfer });
}
