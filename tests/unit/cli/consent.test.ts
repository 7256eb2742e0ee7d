import { describe, expect, it } from 'vitest';
import { consentQuestion, fileList, fitWidth, hiddenPathProblem, isYes, MAX_LISTED_FILES, shownPath, spaceMargin, spaceProblem } from '../../../lib/cli/consent';

const MiB = 1024 * 1024;

describe('the file list and the question', () => {
  it('lists each file with its size and the total', () => {
    expect(fileList([{ path: 'docs/a.pdf', size: 3 * MiB }, { path: 'b.txt', size: 10 }])).toEqual([
      'The sender offers 2 files, 3.0 MiB in all:',
      '    3.0 MiB  docs/a.pdf',
      '       10 B  b.txt',
    ]);
  });

  it('fits 80 columns: long paths are cut in the middle, keeping the name', () => {
    const long = `${'deep/'.repeat(40)}the-actual-name.txt`;
    const lines = fileList([{ path: long, size: 1 }]);
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(80);
    expect(lines[1]).toMatch(/^ +1 B {2}deep\/deep.*….*the-actual-name\.txt$/);
    expect(lines[1]).toHaveLength(80);
  });

  it('fits a narrower terminal, never under 40 columns', () => {
    const lines = fileList([{ path: 'x'.repeat(200), size: 5 }], 50);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(50);
    expect(fileList([{ path: 'x'.repeat(200), size: 5 }], 10)[1]).toHaveLength(40);
  });

  it('sums up a long list as "… and N more"', () => {
    const files = Array.from({ length: 100 }, (_, i) => ({ path: `f${i}.bin`, size: MiB }));
    const lines = fileList(files);
    expect(lines).toHaveLength(1 + MAX_LISTED_FILES);
    expect(lines[0]).toBe('The sender offers 100 files, 100 MiB in all:');
    expect(lines.at(-2)).toContain(`f${MAX_LISTED_FILES - 2}.bin`);
    expect(lines.at(-1)).toBe(`  … and ${100 - MAX_LISTED_FILES + 1} more (${100 - MAX_LISTED_FILES + 1} MiB)`);
    // Exactly as many files as rows: all listed, no summary.
    expect(fileList(files.slice(0, MAX_LISTED_FILES))).toHaveLength(1 + MAX_LISTED_FILES);
    expect(fileList(files.slice(0, MAX_LISTED_FILES)).join('\n')).not.toContain('more');
  });

  it('asks "Accept N files (size) into DIR? [y/N]" within 80 columns', () => {
    expect(consentQuestion([{ path: 'a', size: 2 * MiB }, { path: 'b', size: 0 }], '/home/me/Downloads')).toBe(
      'Accept 2 files (2.0 MiB) into /home/me/Downloads? [y/N] ',
    );
    expect(consentQuestion([{ path: 'a', size: 1 }], '/x')).toBe('Accept 1 file (1 B) into /x? [y/N] ');
    const long = consentQuestion([{ path: 'a', size: 1 }], `/${'very-long-folder/'.repeat(10)}end`);
    expect(long.length).toBeLessThan(80);
    expect(long).toMatch(/^Accept 1 file \(1 B\) into \/very-long.*….*end\? \[y\/N\] $/);
  });

  it('shows invisible format characters (a right-to-left override) as escapes', () => {
    expect(shownPath('invoice\u202Efdp.exe')).toBe('invoice\\u{202e}fdp.exe');
    expect(fileList([{ path: 'a\u200Bb', size: 1 }])[1]).toContain('a\\u{200b}b');
  });

  it('cuts in the middle by characters, not UTF-16 units', () => {
    expect(fitWidth('abcdefghij', 5)).toBe('ab…ij');
    expect(fitWidth('short', 5)).toBe('short');
    expect(Array.from(fitWidth('😀'.repeat(10), 5))).toHaveLength(5);
  });

  it('accepts only an explicit yes', () => {
    for (const yes of ['y', 'Y', 'yes', ' YES ']) expect(isYes(yes), yes).toBe(true);
    for (const no of ['', 'n', 'no', 'yep', 'y y', null]) expect(isYes(no), String(no)).toBe(false);
  });
});

describe('refusals made without asking', () => {
  it('refuses a name starting with "." in any segment, naming the path and --allow-hidden', () => {
    expect(hiddenPathProblem(['a.txt', 'docs/b.txt'], false)).toBeNull();
    const problem = hiddenPathProblem(['ok.txt', '.bash_profile', '.ssh/authorized_keys', 'a/.config/autostart/x.desktop'], false);
    expect(problem).toContain('".bash_profile"');
    expect(problem).toContain('and 2 more such paths');
    expect(problem).toContain('--allow-hidden');
    expect(hiddenPathProblem(['photos/.thumbs/a.jpg'], false)).toContain('"photos/.thumbs/a.jpg"');
    expect(hiddenPathProblem(['.bash_profile', 'a/.b'], true)).toBeNull();
  });

  it('refuses when free space is short of the files plus a margin (1%, at least 16 MiB), naming both figures', () => {
    expect(spaceMargin(0)).toBe(16 * MiB);
    expect(spaceMargin(10_000 * MiB)).toBe(100 * MiB);
    expect(spaceProblem(10 * MiB, 26 * MiB)).toBeNull();
    const problem = spaceProblem(10 * MiB, 26 * MiB - 1)!;
    expect(problem).toContain('the files need 10 MiB (10485760 bytes) plus 16 MiB to spare');
    expect(problem).toContain(`(${26 * MiB - 1} bytes) is free`);
  });
});
