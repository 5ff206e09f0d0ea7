import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  composeFileName,
  DEFAULT_FILE_NAME_TEMPLATE,
  MAX_NAME_BYTES,
  renderBaseName,
  sanitizeBaseName,
  slugify,
  uniqueFileName,
  type NamingFields,
} from '@main/core/downloads/naming';

const fields: NamingFields = {
  operation: 'haiper.generate',
  prompt: 'A red fox jumps over the lazy dog',
  index: 2,
  kind: 'video',
  createdAt: new Date(2025, 0, 9, 7, 5, 3).getTime(),
  id: 'abcdef1234567890',
};

describe('file name template', () => {
  it('fills the default template; {n} counts from 1', () => {
    expect(renderBaseName(DEFAULT_FILE_NAME_TEMPLATE, fields)).toBe('2025-01-09_haiper-generate_a-red-fox-jumps-over-the-lazy-dog_3');
  });

  it('knows every placeholder and drops empty ones without leaving doubled separators', () => {
    expect(renderBaseName('{vendor}-{kind}-{time}-{id}', fields)).toBe('haiper-video-07-05-03-abcdef12');
    expect(renderBaseName('{vendor}-{operation}', { ...fields, operation: 'hidream.txt2img' })).toBe('hidream-txt2img');
    expect(renderBaseName('{operation}_{n}', { ...fields, operation: 'hidream.video_stylize' })).toBe('video_stylize_3');
    expect(renderBaseName(DEFAULT_FILE_NAME_TEMPLATE, { ...fields, operation: null })).toBe('2025-01-09_a-red-fox-jumps-over-the-lazy-dog_3');
  });

  it('keeps CJK prompts readable and cuts long prompts at 48 characters', () => {
    expect(slugify('一只猫 在月光下，跳舞！')).toBe('一只猫-在月光下-跳舞');
    // 12 × "abc-" is exactly 48 characters: the cut lands on a hyphen, which is dropped.
    expect(slugify('ABC '.repeat(40))).toBe(Array.from({ length: 12 }, () => 'abc').join('-'));
    expect(slugify('word '.repeat(40))).toHaveLength(48);
  });
});

describe('sanitizing for Windows, macOS and Linux', () => {
  it.each([
    ['a<b>c:d"e/f\\g|h?i*j', 'a_b_c_d_e_f_g_h_i_j'],
    ['tab\there\u0000nul', 'tab_here_nul'],
    ['CON', '_CON'],
    ['nul.tar', '_nul.tar'],
    ['com1', '_com1'],
    ['Lpt9 ', '_Lpt9'],
    ['console', 'console'],
    ['..hidden', 'hidden'],
    ['trailing dots...', 'trailing dots'],
    ['', 'download'],
    ['...', 'download'],
    ['cat\u202Egpj.exe', 'catgpj.exe'],
  ])('%j becomes %j', (input, expected) => {
    expect(sanitizeBaseName(input)).toBe(expected);
  });

  it('caps the name in UTF-8 bytes without splitting a character, and keeps the extension and counter', () => {
    const name = composeFileName('猫'.repeat(200), 'mp4', 12);
    expect(Buffer.byteLength(name)).toBeLessThanOrEqual(MAX_NAME_BYTES);
    expect(name).toMatch(/^猫+ \(12\)\.mp4$/);
    const emoji = composeFileName('👩‍👩‍👧'.repeat(40), 'png');
    expect(emoji).toMatch(/^(👩‍👩‍👧)+\.png$/u);
  });

  it('never picks a taken name: on disk or claimed by another download', () => {
    const dir = mkdtempSync(join(tmpdir(), 'promptreel-naming-'));
    writeFileSync(join(dir, 'clip.mp4'), '');
    const claimed = new Set([join(dir, 'clip (2).mp4')]);
    expect(basename(uniqueFileName(dir, 'clip', 'mp4', (p) => claimed.has(p)))).toBe('clip (3).mp4');
    expect(basename(uniqueFileName(dir, 'other', 'mp4'))).toBe('other.mp4');
    rmSync(dir, { recursive: true });
  });
});
