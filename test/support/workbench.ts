import type { Page } from '@playwright/test';

export const SCREENSHOTS = 'test-results/screenshots';

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
