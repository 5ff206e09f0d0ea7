import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openDatabase } from '@main/core/db/database';
import { createLogger } from '@main/core/log';
import { createEngine, type Runtime } from '@main/runtime';
import { createShellSecrets, startShell, type Shell } from '@main/shell/server';
import { mp4, png } from '../support/media-files';

/**
 * A library file swapped for a symbolic link after it was added (to a secret outside the library)
 * must not be served by either media route: the browser shell's `/media/` and the desktop app's
 * `promptreel-media://` protocol, which is exercised here through its real handler with Electron's
 * `protocol` and `net` stood in for (`net.fetch` reads files the way Chromium does: through links).
 */
type Handler = (request: Request) => Promise<Response>;
const handlers = vi.hoisted(() => new Map<string, Handler>());
vi.mock('electron', () => ({
  protocol: { handle: (scheme: string, handler: Handler) => handlers.set(scheme, handler), registerSchemesAsPrivileged: () => undefined },
  net: {
    fetch: (url: string, init?: RequestInit) => {
      const bytes = readFileSync(fileURLToPath(url));
      const range = /bytes=(\d+)-(\d+)?/.exec(new Headers(init?.headers).get('range') ?? '');
      const body = range ? bytes.subarray(Number(range[1]), range[2] ? Number(range[2]) + 1 : undefined) : bytes;
      return Promise.resolve(new Response(body, { status: range ? 206 : 200 }));
    },
  },
}));
const { handleProtocols } = await import('@main/protocols');

let root: string;
let runtime: Runtime;
let shell: Shell;
const secrets = createShellSecrets();
const secret = 'root:$6$not-for-the-renderer';
let secretPath: string;
const ids: Record<string, string> = {};
const clip = (salt: string): Buffer => mp4({ durationMs: 1_000, width: 32, height: 18, salt });

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'promptreel-serving-'));
  const rendererDir = join(root, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(join(rendererDir, 'index.html'), '<html></html>');
  secretPath = join(root, 'shadow');
  writeFileSync(secretPath, secret);
  const media = join(root, 'media');
  mkdirSync(media);
  for (const name of ['kept', 'swapped', 'poster-outside', 'poster-link']) writeFileSync(join(media, `${name}.mp4`), clip(name));
  // A library folder reached through a link (a second disk, macOS's /var → /private/var) still works.
  mkdirSync(join(root, 'real-disk'));
  writeFileSync(join(root, 'real-disk', 'linked.mp4'), clip('linked'));
  symlinkSync(join(root, 'real-disk'), join(root, 'linked-folder'));

  runtime = createEngine(join(root, 'data'), {
    host: { transport: 'browser', log: createLogger({ sink: () => undefined }), mediaUrlPrefix: secrets.mediaUrlPrefix, trashFile: () => Promise.resolve() },
  });
  await runtime.library.importFolder(media);
  await runtime.library.importFolder(join(root, 'linked-folder'));
  for (const item of runtime.library.search({}).items) ids[item.title] = item.id;
  for (const name of ['kept', 'poster-outside', 'poster-link']) await runtime.library.setPoster(ids[name] ?? '', png(4, 4));

  // After the import: the file becomes a link to the secret, a poster path leaves the thumbnails folder,
  // and a poster inside it becomes a link out of it.
  unlinkSync(join(media, 'swapped.mp4'));
  symlinkSync(secretPath, join(media, 'swapped.mp4'));
  const db = openDatabase(join(root, 'data', 'promptreel.db'));
  db.prepare('UPDATE items SET poster_path = ? WHERE id = ?').run(secretPath, Number(ids['poster-outside']));
  db.close();
  const linkedPoster = runtime.library.get(ids['poster-link'] ?? '').posterPath ?? '';
  unlinkSync(linkedPoster);
  symlinkSync(secretPath, linkedPoster);

  shell = await startShell({ runtime, rendererDir, port: 0, secrets });
  handleProtocols(rendererDir, (path) => runtime.resolveMedia(path));
});

afterAll(async () => {
  await shell.close();
  await runtime.close();
  rmSync(root, { recursive: true, force: true });
});

async function viaShell(path: string, range?: string): Promise<{ status: number; body: string }> {
  const response = await request(`${shell.origin}${secrets.mediaUrlPrefix}${path.slice(1)}`, range ? { headers: { range } } : {});
  return { status: response.statusCode, body: await response.body.text() };
}

async function viaProtocol(path: string, range?: string): Promise<{ status: number; body: string }> {
  const handler = handlers.get('promptreel-media');
  if (!handler) throw new Error('the media protocol was not registered');
  const response = await handler(new Request(`http://item${path}`, range ? { headers: { range } } : {}));
  return { status: response.status, body: await response.text() };
}

describe.each([
  ['the browser shell /media/ route', viaShell],
  ['the desktop promptreel-media:// protocol', viaProtocol],
])('%s', (_name, get) => {
  it('serves an item file and its poster, with byte ranges', async () => {
    const kept = await get(`/${ids['kept'] ?? ''}`);
    expect(kept.status).toBe(200);
    expect(Buffer.from(kept.body, 'latin1').length).toBeGreaterThan(0);
    const part = await get(`/${ids['kept'] ?? ''}`, 'bytes=4-7');
    expect(part).toEqual({ status: 206, body: 'ftyp' });
    expect((await get(`/${ids['kept'] ?? ''}/poster`)).status).toBe(200);
    expect((await get(`/${ids['linked'] ?? ''}`)).status).toBe(200);
  });

  it('refuses a file swapped for a symbolic link after the import', async () => {
    const swapped = await get(`/${ids['swapped'] ?? ''}`);
    expect(swapped.status).toBe(404);
    expect(swapped.body).not.toContain(secret);
  });

  it('refuses a poster outside the thumbnails folder, and one that became a link out of it', async () => {
    for (const name of ['poster-outside', 'poster-link']) {
      const poster = await get(`/${ids[name] ?? ''}/poster`);
      expect(poster.status, name).toBe(404);
      expect(poster.body).not.toContain(secret);
    }
  });
});

describe('dragging a library file out', () => {
  it('is refused once the file was swapped for a link', async () => {
    const envelope = await runtime.dispatch({ name: 'library.startDrag', input: { id: ids['swapped'] } }, { origin: 'test' });
    expect(envelope).toMatchObject({ ok: false, error: { kind: 'forbidden', message: expect.stringContaining('is no longer the library\'s file') as unknown } });
    expect(await runtime.dispatch({ name: 'library.startDrag', input: { id: ids['kept'] } }, { origin: 'test' })).toEqual({ ok: true, value: { started: false } });
  });
});
