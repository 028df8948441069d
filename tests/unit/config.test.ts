import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultDataDir, resolveDataDir } from '../../src/core/config';

describe('data directory', () => {
  it('follows each platform convention', () => {
    expect(defaultDataDir('win32', { APPDATA: 'C:\\Users\\a\\AppData\\Roaming' }, 'C:\\Users\\a')).toBe(
      'C:\\Users\\a\\AppData\\Roaming\\CareTill',
    );
    expect(defaultDataDir('darwin', {}, '/Users/a')).toBe('/Users/a/Library/Application Support/CareTill');
    expect(defaultDataDir('linux', {}, '/home/a')).toBe('/home/a/.local/share/caretill');
    expect(defaultDataDir('linux', { XDG_DATA_HOME: '/data/x' }, '/home/a')).toBe('/data/x/caretill');
    // a relative XDG_DATA_HOME is invalid per the spec and ignored
    expect(defaultDataDir('linux', { XDG_DATA_HOME: 'rel' }, '/home/a')).toBe('/home/a/.local/share/caretill');
  });

  it('--data-dir beats CARETILL_DATA_DIR, which beats the default', () => {
    expect(resolveDataDir(['--data-dir', '/a'], { CARETILL_DATA_DIR: '/b' })).toBe('/a');
    expect(resolveDataDir(['--data-dir=/c'], { CARETILL_DATA_DIR: '/b' })).toBe('/c');
    expect(resolveDataDir([], { CARETILL_DATA_DIR: '/b' })).toBe('/b');
    expect(resolveDataDir(['--data-dir', 'rel/dir'], {})).toBe(path.resolve('rel/dir'));
  });
});
