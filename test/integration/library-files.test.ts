import { copyFileSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LibraryStore } from '@main/core/library/store';
import { jpegHeader, mp4, png } from '../support/media-files';
import { libraryEnv, type LibraryEnv } from '../support/library-env';

let env: LibraryEnv;
afterEach(() => env.close());

/** Imports one file from a folder of its own and returns the new item's id. */
async function importOne(name: string, bytes: Buffer, tags: string[] = []): Promise<string> {
  env.file(join(`import-${name}`, name), bytes);
  const result = await env.store.importFolder(join(env.media, `import-${name}`), { tags });
  expect(result.added).toBe(1);
  const id = env.store.search({ sort: 'newest', limit: 1 }).items[0]?.id;
  if (!id) throw new Error(`${name} was not imported`);
  return id;
}

describe('importing a folder', () => {
  it('picks up an AVI video by its bytes, as download naming and the stylize check do', async () => {
    env = libraryEnv();
    // RIFF header, form type 'AVI ', then the first list: enough for every sniffer in the app.
    const avi = Buffer.concat([Buffer.from('RIFF'), Buffer.from([0x24, 0, 0, 0]), Buffer.from('AVI LIST'), Buffer.alloc(64, 1)]);
    const id = await importOne('old camera.avi', avi);
    expect(env.store.get(id)).toMatchObject({ title: 'old camera', kind: 'video', mime: 'video/x-msvideo', source: 'import' });
  });

  it('adds videos and images by their bytes, skips duplicates and other files, and makes them searchable', async () => {
    env = libraryEnv();
    const folder = join(env.media, 'shoot');
    env.file('shoot/clip one.mp4', mp4({ durationMs: 12_500, width: 1920, height: 1080, moovLast: true }));
    env.file('shoot/stills/poster.png', png(300, 200));
    env.file('shoot/stills/poster copy.png', png(300, 200)); // same bytes, another name
    env.file('shoot/stills/frame.jpg', jpegHeader(640, 480));
    env.file('shoot/misnamed.txt', png(10, 10, [1, 2, 3, 255])); // an image whatever its name says
    env.file('shoot/notes.txt', Buffer.from('not media at all'));
    env.file('shoot/.DS_Store', Buffer.from('hidden'));

    const result = await env.store.importFolder(folder, { tags: ['Shoot 2024'] });
    expect(result).toEqual({ added: 4, duplicates: 1, unsupported: 1, failed: 0 });

    const clip = env.store.search({ text: 'clip one' }).items[0];
    expect(clip).toMatchObject({ title: 'clip one', kind: 'video', width: 1920, height: 1080, durationMs: 12_500, vendor: null, operation: null });
    const full = env.store.get(clip?.id ?? '');
    expect(full).toMatchObject({ source: 'import', mime: 'video/mp4', prompt: '', params: null, remoteUrl: null, tags: ['Shoot 2024'] });
    expect(env.store.search({ text: 'frame' }).items[0]).toMatchObject({ kind: 'image', width: 640, height: 480 });
    expect(env.store.search({ text: 'misnamed' }).items[0]).toMatchObject({ kind: 'image', width: 10, height: 10 });
    expect(env.store.search({ tag: 'shoot 2024' }).items).toHaveLength(4);
    expect(env.store.search({ text: 'shoot' }).items).toHaveLength(4);

    // Importing again adds nothing.
    expect(await env.store.importFolder(folder)).toEqual({ added: 0, duplicates: 5, unsupported: 1, failed: 0 });
  });

  it('explains a folder it cannot import', async () => {
    env = libraryEnv();
    await expect(env.store.importFolder('relative/path')).rejects.toMatchObject({ kind: 'invalid_input' });
    await expect(env.store.importFolder(join(env.media, 'nope'))).rejects.toMatchObject({ kind: 'not_found' });
    const file = env.file('a.png', png(2, 2));
    await expect(env.store.importFolder(file)).rejects.toMatchObject({ kind: 'invalid_input' });
  });
});

/** Makes the only item a job's result, a file Promptreel wrote (the only kind removing trashes). */
const asJobResult = (): void => {
  env.db.prepare("UPDATE items SET source = 'job'").run();
};

describe('deleting', () => {
  it('moves a job’s result to the trash and forgets the item, its tags and its search rows', async () => {
    env = libraryEnv();
    const id = await importOne('sunset.mp4', mp4({ durationMs: 1_000, width: 64, height: 64 }), ['beach']);
    asJobResult();
    const path = env.store.get(id).path;
    await env.store.setPoster(id, png(16, 9));
    const poster = env.store.get(id).posterPath ?? '';
    expect(existsSync(poster)).toBe(true);

    expect(await env.store.remove(id)).toEqual({ trashed: true });

    expect(existsSync(path)).toBe(false);
    expect(readFileSync(join(env.trash, 'sunset.mp4')).subarray(4, 8).toString()).toBe('ftyp');
    expect(existsSync(poster)).toBe(false);
    expect(() => env.store.get(id)).toThrow(expect.objectContaining({ kind: 'not_found' }) as Error);
    expect(env.store.search({ text: 'sunset' }).items).toEqual([]);
    expect(env.store.search({}).items).toEqual([]);
    expect(env.store.listTags()).toEqual([]);
  });

  it('keeps the item when the trash refuses the file', async () => {
    env = libraryEnv();
    const id = await importOne('keep.png', png(4, 4));
    asJobResult();
    const refusing = new LibraryStore(env.db, { dataDir: join(env.root, 'data'), trashFile: () => Promise.reject(new Error('trash is full')) });
    await expect(refusing.remove(id)).rejects.toMatchObject({ kind: 'io', message: expect.stringContaining('trash is full') as string });
    expect(existsSync(env.store.get(id).path)).toBe(true);
  });

  it('never trashes an imported file: the item is forgotten, the user’s file stays where it is', async () => {
    env = libraryEnv();
    const id = await importOne('mine.mp4', mp4({ durationMs: 1_000, width: 64, height: 64, salt: 'mine' }), ['own']);
    const path = env.store.get(id).path;
    expect(await env.store.remove(id)).toEqual({ trashed: false });
    expect(readFileSync(path).subarray(4, 8).toString()).toBe('ftyp');
    expect(existsSync(join(env.trash, 'mine.mp4'))).toBe(false);
    expect(() => env.store.get(id)).toThrow(expect.objectContaining({ kind: 'not_found' }) as Error);
    expect(env.store.listTags()).toEqual([]);
  });
});

describe('missing files', () => {
  it('marks files moved or deleted outside the app as missing, and relinks a moved one after checking it', async () => {
    env = libraryEnv();
    const bytes = mp4({ durationMs: 3_000, width: 320, height: 240, salt: 'moved' });
    const id = await importOne('walk.mp4', bytes);
    const other = await importOne('stay.png', png(5, 5));
    const path = env.store.get(id).path;
    const moved = join(env.root, 'elsewhere.mp4');
    renameSync(path, moved);

    expect(await env.store.checkMissing()).toEqual({ checked: 2, missing: 1, found: 0 });
    expect(env.store.get(id).missing).toBe(true);
    expect(env.store.get(other).missing).toBe(false);
    expect(env.store.search({ missing: true }).items.map((i) => i.id)).toEqual([id]);
    expect(env.store.chainOptions(id)[0]).toMatchObject({ operation: 'hidream.video_stylize', possible: false, blocked: { code: 'file_missing' } });

    const impostor = join(env.root, 'impostor.mp4');
    writeFileSync(impostor, mp4({ durationMs: 3_000, width: 320, height: 240, salt: 'other' }));
    await expect(env.store.relink(id, impostor)).rejects.toMatchObject({ kind: 'conflict', message: expect.stringContaining('sha256') as string });
    await expect(env.store.relink(id, join(env.root, 'nothing.mp4'))).rejects.toMatchObject({ kind: 'not_found' });
    await expect(env.store.relink(id, env.store.get(other).path)).rejects.toMatchObject({ kind: 'conflict' });

    const relinked = await env.store.relink(id, moved);
    expect(relinked).toMatchObject({ path: moved, missing: false });
    expect(env.store.search({ missing: true }).items).toEqual([]);
  });

  it('notices a missing file when the item is opened, and when it comes back', async () => {
    env = libraryEnv();
    const id = await importOne('back.png', png(3, 3));
    const path = env.store.get(id).path;
    copyFileSync(path, `${path}.bak`);
    rmSync(path);
    expect((await env.store.check(id)).missing).toBe(true);
    renameSync(`${path}.bak`, path);
    expect(await env.store.checkMissing()).toEqual({ checked: 1, missing: 0, found: 1 });
    expect(env.store.get(id).missing).toBe(false);
  });
});

describe('posters and media', () => {
  it('stores a PNG poster once, fills in what the renderer learned, and resolves media paths', async () => {
    env = libraryEnv();
    const id = await importOne('clip.webm', Buffer.concat([Buffer.from([0x1a, 0x45, 0xdf, 0xa3]), Buffer.from('....webm....').fill(0, 0, 4), Buffer.alloc(32)]));
    expect(env.store.get(id)).toMatchObject({ mime: 'video/webm', width: null, durationMs: null });

    const updated = await env.store.setPoster(id, png(32, 18), { width: 1280, height: 720, durationMs: 6_000 });
    expect(updated).toMatchObject({ width: 1280, height: 720, durationMs: 6_000 });
    expect(readFileSync(updated.posterPath ?? '')).toEqual(png(32, 18));
    // Each with the folder it must stay inside when served: its own, and the thumbnails folder.
    expect(env.store.resolveMedia(`/${id}`)).toEqual({ path: updated.path, mime: 'video/webm', root: dirname(updated.path) });
    expect(env.store.resolveMedia(`/${id}/poster`)).toEqual({ path: updated.posterPath, mime: 'image/png', root: dirname(updated.posterPath ?? '') });
    expect(env.store.resolveMedia('/../../etc/passwd')).toBeUndefined();
    expect(env.store.resolveMedia('/999')).toBeUndefined();

    await expect(env.store.setPoster(id, Buffer.from('GIF89a not a png at all'))).rejects.toMatchObject({ kind: 'invalid_input' });
  });
});
