import { chmodSync, copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { HostCapabilities } from '@main/core/host';
import { createLogger } from '@main/core/log';
import { createEngine, type Runtime } from '@main/runtime';
import { startSandbox, type Sandbox } from '@main/sandbox';
import { caller, type Call } from '../support/runtime-call';

/**
 * Paths named by a renderer, through the real dispatcher, with real folders: system folders are
 * refused for import and downloads, an unwritable download folder is refused when saved, a job's
 * file must be staged (or granted by the desktop host), and in the desktop app an import must come
 * from the system dialog.
 */
const CLIP = readFileSync('test/fixtures/clip.mp4');
const quiet = createLogger({ sink: () => undefined });

let runtime: Runtime | undefined;
let sandbox: Sandbox | undefined;
afterEach(async () => {
  await runtime?.close();
  await sandbox?.close();
  runtime = undefined;
  sandbox = undefined;
});

async function start(options: { desktop?: { picked: () => string | null } } = {}): Promise<{ call: Call; dataDir: string; runtime: Runtime }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'promptreel-paths-'));
  const s = (sandbox = await startSandbox({ timeScale: 0.01, log: quiet }));
  const host: HostCapabilities | undefined = options.desktop && {
    showItemInFolder: () => undefined,
    openPath: () => Promise.resolve(),
    startDrag: () => Promise.resolve(),
    pickPath: () => Promise.resolve(options.desktop?.picked() ?? null),
  };
  const r = createEngine(dataDir, {
    host: {
      transport: options.desktop ? 'electron' : 'browser',
      log: quiet,
      trashFile: () => Promise.reject(new Error('nothing may be trashed here')),
      ...(host ? { files: host, requireGrantedPaths: true } : {}),
    },
    vendors: { sandbox: () => Promise.resolve(s) },
  });
  runtime = r;
  return { call: caller(r), dataDir, runtime: r };
}

/** A folder of the user's with one video in it. */
function userFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'promptreel-user-'));
  copyFileSync('test/fixtures/clip.mp4', join(dir, 'clip.mp4'));
  return dir;
}

const refusal = (message: RegExp, kind = 'forbidden'): unknown => ({ ok: false, error: { kind, message: expect.stringMatching(message) as unknown } });

describe('library.import and library.remove', () => {
  it('refuses system folders, links into them and the home folder itself, in plain words', async () => {
    const { call } = await start();
    const link = join(mkdtempSync(join(tmpdir(), 'promptreel-link-')), 'innocent');
    symlinkSync('/etc', link);
    for (const [path, words] of [
      ['/', /^\/ is a system folder \(\/\); Promptreel will not import from it/],
      ['/proc', /^\/proc is a system folder/],
      ['/proc/self', /^\/proc\/self is a system folder \(\/proc\)/],
      ['/etc', /system folder \(\/etc\)/],
      ['/usr/share', /system folder \(\/usr\)/],
      ['/var/lib', /system folder \(\/var\/lib\)/],
      [link, /innocent \(which leads to \/etc\) is a system folder/],
      [homedir(), /Importing your whole home folder/],
    ] as const) {
      expect(await call('library.import', { path }), path).toEqual(refusal(words));
    }
    expect(await call('library.import', { path: 'relative/../folder' })).toMatchObject({ ok: false, error: { kind: 'invalid_input' } });
    expect(await call('library.search', {})).toMatchObject({ ok: true, value: { items: [] } });
  });

  it('imports one of the user’s folders, and removing the item leaves the original file alone', async () => {
    const { call } = await start();
    const folder = userFolder();
    expect(await call('library.import', { path: folder })).toMatchObject({ ok: true, value: { added: 1 } });
    const search = await call('library.search', {});
    const id = search.ok ? search.value.items[0]?.id : undefined;
    expect(await call('library.remove', { id })).toEqual({ ok: true, value: { id, trashed: false } });
    expect(readdirSync(folder)).toEqual(['clip.mp4']);
  });

  it('in the desktop app takes only a folder from the system dialog', async () => {
    const folder = userFolder();
    let picked: string | null = null;
    const { call } = await start({ desktop: { picked: () => picked } });
    expect(await call('library.import', { path: folder })).toEqual(refusal(/^A folder to import must be chosen in the system dialog \(the library’s “Choose folder…”\); in the desktop app a typed path is not accepted\.$/));
    picked = folder;
    expect(await call('app.pickPath', { kind: 'folder', title: 'Import' })).toEqual({ ok: true, value: { path: folder } });
    expect(await call('library.import', { path: folder })).toMatchObject({ ok: true, value: { added: 1 } });
    // The dialog does not make a system folder acceptable.
    picked = '/etc';
    await call('app.pickPath', { kind: 'folder', title: 'Import' });
    expect(await call('library.import', { path: '/etc' })).toEqual(refusal(/system folder/));
  });
});

describe('settings.update downloadDir', () => {
  it('refuses system folders and folders it cannot write to, naming the field; accepts and creates a writable one', async () => {
    const { call, runtime: r } = await start();
    const before = r.settings.get().downloadDir;
    const blocker = join(mkdtempSync(join(tmpdir(), 'promptreel-dl-')), 'a-file');
    writeFileSync(blocker, 'not a folder');
    for (const [downloadDir, words] of [
      ['/proc/self', /^\/proc\/self is a system folder \(\/proc\); Promptreel will not use it as the download folder/],
      ['/etc/promptreel', /system folder \(\/etc\)/],
      [join(blocker, 'sub'), /^Promptreel cannot write to .*a-file\/sub \(part of it is a file\); choose a folder you can write to\.$/],
    ] as const) {
      const answer = await call('settings.update', { downloadDir });
      expect(answer, downloadDir).toEqual({ ok: false, error: { kind: 'invalid_input', message: expect.stringMatching(words) as unknown, issues: [{ path: 'downloadDir', message: expect.stringMatching(words) as unknown }] } });
    }
    expect(r.settings.get().downloadDir).toBe(before);

    const fresh = join(mkdtempSync(join(tmpdir(), 'promptreel-dl-')), 'Videos', 'Promptreel');
    expect(await call('settings.update', { downloadDir: fresh })).toMatchObject({ ok: true, value: { values: { downloadDir: fresh } } });
    // The probe leaves nothing behind.
    expect(readdirSync(fresh)).toEqual([]);
  });

  it.skipIf(process.getuid?.() === 0)('refuses a folder without write permission', async () => {
    const { call } = await start();
    const locked = mkdtempSync(join(tmpdir(), 'promptreel-locked-'));
    chmodSync(locked, 0o500);
    try {
      expect(await call('settings.update', { downloadDir: locked })).toMatchObject({ ok: false, error: { kind: 'invalid_input', message: expect.stringMatching(/permission denied/) as unknown } });
    } finally {
      chmodSync(locked, 0o700);
    }
  });
});

describe('jobs.submit file', () => {
  const submit = (call: Call, file: string): ReturnType<Call> => call('jobs.submit', { operation: 'hidream.video_stylize', params: { style: 'anime' }, file });

  it('takes a staged video, and refuses any other path a page names', async () => {
    const { call, dataDir } = await start();
    const mine = join(userFolder(), 'clip.mp4');
    for (const path of ['/etc/passwd', mine, '../../etc/passwd', join(dataDir, 'staging', '..', 'keys.json'), join(dataDir, 'staging', 'x.mp4')]) {
      expect(await submit(call, path), path).toEqual({
        ok: false,
        error: { kind: 'forbidden', message: expect.stringMatching(/^file: A local video must be dropped on the window or chosen in the dialog/) as unknown, issues: [expect.objectContaining({ path: 'file' })] },
      });
    }
    const { uploadId } = ((await call('files.stage', { name: 'clip.mp4', size: CLIP.length })) as { value: { uploadId: string } }).value;
    await call('files.stageChunk', { uploadId, offset: 0, data: CLIP.toString('base64') });
    const staged = await call('files.stageCommit', { uploadId });
    const path = staged.ok ? staged.value.path : '';
    expect(await submit(call, path)).toMatchObject({ ok: true, value: { status: 'queued', inputFile: path } });
    expect(await call('jobs.list', {})).toMatchObject({ ok: true, value: { jobs: [expect.objectContaining({ inputFile: path })] } });
  });

  it('takes a library item’s own file (use as input), and not once it is missing', async () => {
    const { call } = await start();
    const folder = userFolder();
    const clip = join(folder, 'clip.mp4');
    expect(await submit(call, clip)).toMatchObject({ ok: false, error: { kind: 'forbidden' } });
    expect(await call('library.import', { path: folder })).toMatchObject({ ok: true, value: { added: 1 } });
    expect(await submit(call, clip)).toMatchObject({ ok: true, value: { status: 'queued', inputFile: clip } });
    // Another file beside it is still the user's, not the library's.
    copyFileSync(clip, join(folder, 'other.mp4'));
    expect(await submit(call, join(folder, 'other.mp4'))).toMatchObject({ ok: false, error: { kind: 'forbidden' } });
  });

  it('in the desktop app also takes a file the host granted (dropped on the window)', async () => {
    const { call, runtime: r } = await start({ desktop: { picked: () => null } });
    const dropped = join(userFolder(), 'clip.mp4');
    expect(await submit(call, dropped)).toMatchObject({ ok: false, error: { kind: 'forbidden' } });
    r.grantPath(dropped);
    expect(await submit(call, dropped)).toMatchObject({ ok: true, value: { inputFile: dropped } });
    expect(existsSync(dropped)).toBe(true);
  });
});
