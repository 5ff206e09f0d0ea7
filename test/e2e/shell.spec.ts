import { mkdirSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test, type Page } from '@playwright/test';
import { startShellProcess, type ShellProcess } from '../support/shell-process';

let shell: ShellProcess;

test.beforeAll(async () => {
  shell = await startShellProcess();
});
test.afterAll(async () => {
  await shell.stop();
});

/** A request from the page through the shell's socket to main and back (About no longer has a form for it). */
async function echoThroughMain(page: Page, text: string): Promise<void> {
  await expect(page.getByRole('navigation', { name: 'Sections' })).toBeVisible();
  const reply = await page.evaluate(async (sent) => {
    const api = (globalThis as unknown as { api: { invoke: (name: string, input: unknown) => Promise<{ ok: boolean; value?: { text: string } }> } }).api;
    return api.invoke('app.echo', { text: sent });
  }, text);
  expect(reply).toMatchObject({ ok: true, value: { text } });
}

test('the app shell loads and a click makes a real IPC round trip', async ({ page }) => {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));

  await page.goto(shell.url);
  await expect(page.getByRole('navigation', { name: 'Sections' })).toBeVisible();
  // The token left the address bar (and history) for this tab's sessionStorage.
  expect(page.url()).not.toContain('token');
  await page.getByRole('button', { name: 'About' }).click();
  await expect(page.getByTestId('app-transport')).toHaveText('Browser shell');
  await echoThroughMain(page, 'ping through the shell');

  mkdirSync('test-results/screenshots', { recursive: true });
  await page.screenshot({ path: 'test-results/screenshots/app-shell.png', fullPage: true });

  // A reload keeps working: the tab still holds the token.
  await page.reload();
  await echoThroughMain(page, 'after a reload');
  expect(problems).toEqual([]);
});

test('opened as http://localhost:<port>, the shell works the same', async ({ page }) => {
  await page.goto(`http://localhost:${shell.port}/#token=${shell.token}`);
  await expect(page.getByRole('navigation', { name: 'Sections' })).toBeVisible();
  await echoThroughMain(page, 'ping via localhost');
});

test('the page is served with a strict CSP, and without the token the API refuses', async ({ page }) => {
  const response = await page.goto(shell.url);
  expect(response?.status()).toBe(200);
  const headers = (await response?.allHeaders()) ?? {};
  const csp = headers['content-security-policy'] ?? '';
  expect(csp).toContain("script-src 'self'");
  expect(csp).not.toContain('unsafe-inline');
  expect(headers['set-cookie']).toBeUndefined();

  const anonymous = await page.context().newPage();
  await anonymous.goto(`${shell.origin}/`);
  const answer = await anonymous.evaluate(() =>
    (globalThis as unknown as { api: { invoke: (n: string, i: unknown) => Promise<unknown> } }).api.invoke('app.echo', { text: 'x' }),
  );
  expect(answer).toMatchObject({ ok: false, error: { kind: 'forbidden', message: expect.stringContaining('#token=') as unknown } });
});

interface Seen {
  url: string;
  headers: IncomingHttpHeaders;
}

test('another server on loopback, visited after the shell, receives no token and no cookie', async ({ page }) => {
  const seen: Seen[] = [];
  const other: Server = createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><title>other</title><p>another local server</p>');
  });
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  const port = (other.address() as AddressInfo).port;
  try {
    await page.goto(shell.url);
    await echoThroughMain(page, 'before leaving');
    // The shell's own page pulls something from the other server (its CSP allows loopback images)…
    await page.evaluate(async (src) => {
      // Runs in the page; this file is typed for Node, which has no Image.
      const { Image } = globalThis as unknown as { Image: new () => { onload: unknown; onerror: unknown; src: string } };
      const image = new Image();
      await new Promise((resolve) => {
        image.onload = image.onerror = resolve;
        image.src = src;
      });
    }, `http://127.0.0.1:${port}/pixel.png`);
    // …and the user then opens that server, by either loopback name, in the same tab and a new one.
    await page.goto(`http://127.0.0.1:${port}/`);
    expect(await page.evaluate(() => JSON.stringify(sessionStorage))).toBe('{}');
    const second = await page.context().newPage();
    await second.goto(`http://localhost:${port}/`);
    await second.goto(`http://127.0.0.1:${port}/again`);

    // (Chromium also asks each origin for /favicon.ico.)
    expect(seen.map((request) => request.url).filter((url) => url !== '/favicon.ico')).toEqual(['/pixel.png', '/', '/', '/again']);
    for (const request of seen) {
      expect(request.headers.cookie, request.url).toBeUndefined();
      expect(JSON.stringify(request), request.url).not.toContain(shell.token);
    }
  } finally {
    await new Promise((resolve) => other.close(resolve));
  }
});
