import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkFolder, systemFolderOf } from '@main/platform/paths-policy';

describe('system folders by platform', () => {
  it('knows each platform’s own', () => {
    expect(systemFolderOf('C:\\Windows\\System32', 'win32')).toBe('C:\\Windows');
    expect(systemFolderOf('c:\\program files\\app', 'win32')).toBe('C:\\Program Files');
    expect(systemFolderOf('D:\\', 'win32')).toBe('D:\\');
    expect(systemFolderOf('C:\\Users\\me\\Videos', 'win32')).toBeNull();
    expect(systemFolderOf('/System/Library', 'darwin', '/Users/me')).toBe('/System');
    expect(systemFolderOf('/Library/Application Support', 'darwin', '/Users/me')).toBe('/Library');
    expect(systemFolderOf('/Users/me/Library/Caches', 'darwin', '/Users/me')).toBeNull();
    expect(systemFolderOf('/private/var/folders/xy/T', 'darwin', '/Users/me')).toBeNull();
    expect(systemFolderOf('/root/Videos', 'linux', '/home/me')).toBe('/root');
    expect(systemFolderOf('/root/Videos', 'linux', '/root')).toBeNull();
    expect(systemFolderOf('/media/usb/clips', 'linux', '/home/me')).toBeNull();
    expect(() => checkFolder('/home', 'downloads', { home: '/home/me' })).not.toThrow();
    mkdirSync(join(tmpdir(), 'promptreel-ok'), { recursive: true });
    expect(checkFolder(join(tmpdir(), 'promptreel-ok', '..', 'promptreel-ok'), 'import')).toBe(join(tmpdir(), 'promptreel-ok'));
  });
});
