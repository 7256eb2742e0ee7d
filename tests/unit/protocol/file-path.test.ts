import { describe, expect, it } from 'vitest';
import { baseName, conflictingPath, MAX_PATH_DEPTH, MAX_PATH_LENGTH, pathProblem } from '../../../lib/protocol/file-path';
import { ManifestFileSchema } from '../../../lib/protocol/messages';

const fileId = 'B'.repeat(22);
const entry = (path: string) => ({ fileId, name: baseName(path), path, size: 1, type: '', lastModified: 0 });

describe('relative file paths', () => {
  it.each(['a.bin', 'docs/c.bin', 'photos/2024/a.jpg', 'dotted/.hidden', 'spaces in/name (1).txt', 'ünï/cødé 😀.txt', '...', 'a..b/c'])(
    'accepts %j',
    (path) => {
      expect(pathProblem(path)).toBeNull();
      expect(ManifestFileSchema.safeParse(entry(path)).success).toBe(true);
    },
  );

  const hostile: [string, string][] = [
    ['', 'empty'],
    ['..', 'parent'],
    ['../etc/passwd', 'climbs out'],
    ['docs/../../etc/passwd', 'climbs out midway'],
    ['docs/..', 'ends in ..'],
    ['./a.bin', 'current folder'],
    ['docs/./a.bin', 'current folder midway'],
    ['/etc/passwd', 'absolute'],
    ['//server/share/a', 'UNC-like'],
    ['docs//a.bin', 'empty segment'],
    ['docs/', 'trailing slash'],
    ['docs\\a.bin', 'backslash separator'],
    ['..\\..\\windows\\system32', 'backslash traversal'],
    ['C:/Windows/a.dll', 'drive letter'],
    ['C:a.dll', 'drive-relative'],
    ['a.txt:stream', 'alternate data stream'],
    ['nul\u0000.txt', 'NUL'],
    ['line\nbreak.txt', 'newline'],
    ['bell\u0007', 'C0 control'],
    ['del\u007f', 'DEL'],
    ['csi\u009b', 'C1 control'],
    ['x'.repeat(256), 'segment too long'],
    [`${'d/'.repeat(MAX_PATH_DEPTH)}a`, 'too deep'],
    [`${'abcdefgh/'.repeat(Math.ceil(MAX_PATH_LENGTH / 9))}a`, 'too long'],
  ];
  it.each(hostile)('refuses %j (%s)', (path) => {
    expect(pathProblem(path)).not.toBeNull();
    expect(ManifestFileSchema.safeParse(entry(path)).success).toBe(false);
  });

  it('refuses a name that is not the path’s last segment', () => {
    expect(ManifestFileSchema.safeParse({ ...entry('docs/a.bin'), name: 'b.bin' }).success).toBe(false);
    expect(ManifestFileSchema.safeParse({ ...entry('docs/a.bin'), name: 'docs/a.bin' }).success).toBe(false);
  });

  it('allows the deepest and longest paths within the limits', () => {
    expect(pathProblem(`${'d/'.repeat(MAX_PATH_DEPTH - 1)}a`)).toBeNull();
    expect(pathProblem('x'.repeat(255))).toBeNull();
    const longest = [...Array(5).fill('x'.repeat(200)), 'y'.repeat(19)].join('/');
    expect(longest).toHaveLength(MAX_PATH_LENGTH);
    expect(pathProblem(longest)).toBeNull();
  });

  it('finds repeats and files that are also folders', () => {
    expect(conflictingPath(['a', 'docs/b', 'docs/c/d'])).toBeNull();
    expect(conflictingPath(['a', 'b', 'a'])).toBe('a');
    expect(conflictingPath(['docs', 'docs/b'])).toBe('docs/b');
    expect(conflictingPath(['docs/b', 'docs'])).toBe('docs');
    expect(conflictingPath(['x/y/z', 'x/y'])).toBe('x/y');
    expect(conflictingPath(['docs/b', 'docsb'])).toBeNull();
  });

  it('takes the base name after the last slash', () => {
    expect(baseName('a.bin')).toBe('a.bin');
    expect(baseName('docs/2024/c.bin')).toBe('c.bin');
  });
});
