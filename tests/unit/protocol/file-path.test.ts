import { describe, expect, it } from 'vitest';
import { baseName, conflictingPath, describePathProblem, MAX_PATH_DEPTH, MAX_PATH_LENGTH, pathKey, pathProblem, shownText } from '../../../lib/protocol/file-path';
import { ManifestFileSchema, ManifestSchema } from '../../../lib/protocol/messages';

const fileId = 'B'.repeat(22);
const entry = (path: string) => ({ fileId, name: baseName(path), path, size: 1, type: '', lastModified: 0 });

describe('relative file paths', () => {
  it.each([
    'a.bin',
    'docs/c.bin',
    'photos/2024/a.jpg',
    'dotted/.hidden',
    'spaces in/name (1).txt',
    'ünï/cødé 😀.txt',
    'a..b/c',
    'résumé.pdf', // NFC
    '資料/報告書 2024.pdf',
    'ファイル.txt',
    'Ελληνικά/αρχείο.txt',
    'קובץ.txt', // right-to-left script, without any bidi control
    'नमस्ते.txt', // combining vowel signs, NFC-stable
    '👨‍👩‍👧 family.jpg', // ZWJ between pictographs
    '👩🏽‍💻 work.png', // skin tone, then ZWJ
    '❤️‍🔥.txt', // variation selector, then ZWJ
    '1️⃣ first.txt', // keycap
    'console.log', // "con" only as a whole stem
    'com10.txt',
    'lpt.txt',
    'CONOUT.txt',
    'aux-notes/a.txt',
  ])(
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

  // Issue 17: names that turn into traversal under normalisation, disguise themselves,
  // name Windows devices or lose their last character on Windows.
  const disguised: [string, RegExp][] = [
    ['．．／x', /NFKC.*U\+FF0E becomes '\.'/],
    ['．．/x', /NFKC/],
    ['docs/．．/x', /NFKC/],
    ['a／b', /NFKC.*U\+FF0F becomes '\/'/],
    ['ﬁle.txt', /NFKC.*U\+FB01/],
    ['Ⅸ.txt', /NFKC/],
    ['℃.txt', /NFKC/],
    ['COM¹', /NFKC/],
    ['a\u00A0b', /NFKC/], // no-break space becomes a space
    ['re\u0301sume\u0301.pdf', /composed/], // NFD: the sender composes, a peer must
    ['a/\u202Etxt.exe', /bidi or invisible format character \(U\+202E\)/],
    ['\u202Dx', /U\+202D/],
    ['\u2066x\u2069', /U\+2066/],
    ['\u200Fx', /U\+200F/],
    ['a\u200Bb', /U\+200B/],
    ['\uFEFFa.txt', /U\+FEFF/],
    ['a\u00ADb', /U\+00AD/], // soft hyphen
    ['a\u200Db', /U\+200D/], // ZWJ outside an emoji
    ['a\u200Cb', /U\+200C/],
    ['x\uFE0F.txt', /U\+FE0F/], // variation selector after a letter
    ['\u3164.txt', /U\+3164/], // Hangul filler: invisible letter
    ['a\u034Fb', /U\+034F/], // combining grapheme joiner
    ['🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}.png', /U\+E0067/], // tag characters
    ['a\u2028b', /line-break.*U\+2028/],
    ['a\u2029b', /U\+2029/],
    ['a\u0085b', /U\+0085/],
    ['a\uD800b', /lone surrogate/],
    ['a\uDC00', /lone surrogate/],
    ['CON', /Windows.*CON/],
    ['con.txt', /Windows.*CON/],
    ['Com1.log', /Windows.*COM1/],
    ['docs/nul.tar.gz', /Windows.*NUL/],
    ['PRN', /Windows/],
    ['aux.c', /Windows/],
    ['lpt9.txt', /Windows/],
    ['COM0', /Windows/],
    ['LPT0.x', /Windows/],
    ['CONIN$', /Windows/],
    ['conout$.txt', /Windows/],
    ['con .txt', /Windows/], // Windows drops the space before the dot
    ['docs/CON/a.txt', /Windows/], // as a folder too
    ['a.', /ending in a dot or a space/],
    ['a ', /ending in a dot or a space/],
    ['docs./a', /ending in a dot/],
    ['docs /a', /ending in a dot or a space/],
    ['...', /ending in a dot/],
  ];
  it.each(disguised)('refuses %j, naming why', (path, why) => {
    expect(pathProblem(path)).toMatch(why);
    const parsed = ManifestFileSchema.safeParse(entry(path));
    expect(parsed.success).toBe(false);
  });

  it('names the refused path with every disguising character escaped', () => {
    const message = describePathProblem('a/\u202Eexe.txt');
    expect(message).toBe("path 'a/\\u202Eexe.txt' has a bidi or invisible format character (U+202E)");
    expect(message).not.toMatch(/[\u202E\u200B\p{Cc}]/u);
    expect(shownText('．．／\u200B\u0000\\\u{E0067}')).toBe('\\uFF0E\\uFF0E\\uFF0F\\u200B\\u0000\\\\\\u{E0067}');
    expect(shownText('x'.repeat(500), 10)).toBe(`${'x'.repeat(10)}…`);
    expect(shownText('résumé 資料 😀.txt')).toBe('résumé 資料 😀.txt');
  });

  it('holds a file’s name to the same rule', () => {
    for (const name of ['CON.txt', '\u202Etxt.exe', 'a.', '．．', 'a\u200Bb']) {
      const result = ManifestFileSchema.safeParse({ ...entry('a.txt'), name, path: name });
      expect(result.success).toBe(false);
    }
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

  it('finds repeats that differ only in case, also across the file/folder clash', () => {
    expect(conflictingPath(['Docs/a', 'docs/a'])).toBe('docs/a');
    expect(conflictingPath(['docs', 'DOCS/a.txt'])).toBe('DOCS/a.txt');
    expect(conflictingPath(['DOCS/a.txt', 'docs'])).toBe('docs');
    expect(conflictingPath(['README', 'readme'])).toBe('readme');
    expect(conflictingPath(['Ä.txt', 'ä.txt'])).toBe('ä.txt');
    expect(conflictingPath(['ΣΟΦΙΑ.txt', 'σοφια.txt'])).toBe('σοφια.txt');
    expect(conflictingPath(['straße', 'STRASSE'])).toBe('STRASSE'); // merged on purpose: some disks fold ß to ss
    expect(conflictingPath(['a/b', 'a/c', 'A/d'])).toBeNull(); // one folder, spelled two ways: no file clashes
    expect(pathKey('Docs/A.txt')).toBe(pathKey('docs/a.TXT'));
  });

  it('refuses a manifest whose paths repeat apart from case, naming the path', () => {
    const manifest = (paths: string[]) => ({
      transferId: 'T'.repeat(22),
      chunkSize: 65536,
      files: paths.map((path, i) => ({ ...entry(path), fileId: String.fromCharCode(65 + i).repeat(22) })),
    });
    expect(ManifestSchema.safeParse(manifest(['Docs/a', 'docs/b'])).success).toBe(true);
    for (const paths of [['Docs/a', 'docs/a'], ['docs', 'DOCS/x']]) {
      const result = ManifestSchema.safeParse(manifest(paths));
      expect(result.success).toBe(false);
      expect(result.error!.issues[0]!.message).toContain(`path '${paths[1]}'`);
    }
  });

  it('takes the base name after the last slash', () => {
    expect(baseName('a.bin')).toBe('a.bin');
    expect(baseName('docs/2024/c.bin')).toBe('c.bin');
  });
});
