import { describe, expect, it } from 'vitest';
import { MAX_FILES_PER_TRANSFER, MAX_MANIFEST_BYTES } from '../../../lib/protocol/messages';
import { addToSelection, removeFromSelection, selectionBytes, type FileLike, type SelectedFile } from '../../../lib/transfer/selection';

const pick = (path: string, size = 10): SelectedFile<FileLike> => ({ path, file: { size, type: '', lastModified: 0 } });

describe('the sender’s selection', () => {
  it('keeps files from several picks in order, with their folders', () => {
    const first = addToSelection([], [pick('a.bin'), pick('b.txt')]);
    const second = addToSelection(first.files, [pick('docs/c.bin', 5)]);
    expect(second.files.map((f) => f.path)).toEqual(['a.bin', 'b.txt', 'docs/c.bin']);
    expect(second.skipped).toEqual([]);
    expect(selectionBytes(second.files)).toBe(25);
  });

  it('skips a path picked twice, in one pick or across picks', () => {
    const once = addToSelection([], [pick('a.bin'), pick('a.bin', 99)]);
    expect(once.files).toHaveLength(1);
    expect(once.files[0]!.file.size).toBe(10);
    expect(once.skipped).toEqual([{ path: 'a.bin', reason: 'already in the list' }]);
    const again = addToSelection(once.files, [pick('a.bin')]);
    expect(again.files).toHaveLength(1);
    expect(again.skipped[0]!.reason).toBe('already in the list');
  });

  it('skips a file that would also be a folder', () => {
    const { files, skipped } = addToSelection([pick('docs')], [pick('docs/c.bin'), pick('docsx/c.bin')]);
    expect(files.map((f) => f.path)).toEqual(['docs', 'docsx/c.bin']);
    expect(skipped.map((s) => s.path)).toEqual(['docs/c.bin']);
  });

  it('skips paths the receiver would refuse, saying why', () => {
    const { files, skipped } = addToSelection([], [pick('../x'), pick('a\\b'), pick('line\nbreak'), pick('ok')]);
    expect(files.map((f) => f.path)).toEqual(['ok']);
    expect(skipped).toHaveLength(3);
    for (const s of skipped) expect(s.reason).toMatch(/\.\.|backslash|control/);
  });

  it('refuses the sender’s own disguised or Windows-reserved names before any session, showing them escaped', () => {
    const { files, skipped } = addToSelection([], [
      pick('CON.txt'),
      pick('report\u202Etxt.exe'),
      pick('a\u200Bb'),
      pick('．．／x'),
      pick('notes.'),
      pick('ok.txt'),
    ]);
    expect(files.map((f) => f.path)).toEqual(['ok.txt']);
    expect(skipped).toEqual([
      { path: 'CON.txt', reason: 'uses a name Windows reserves for a device (CON)' },
      { path: 'report\\u202Etxt.exe', reason: 'has a bidi or invisible format character (U+202E)' },
      { path: 'a\\u200Bb', reason: 'has a bidi or invisible format character (U+200B)' },
      { path: '\\uFF0E\\uFF0E\\uFF0Fx', reason: expect.stringMatching(/NFKC/) },
      { path: 'notes.', reason: 'has a name ending in a dot or a space' },
    ]);
    for (const s of skipped) expect(s.path).not.toMatch(/[\p{Cf}\p{Cc}]/u);
  });

  it('refuses names that differ from one already chosen only in case', () => {
    const { files, skipped } = addToSelection([pick('Docs/a.txt')], [pick('docs/a.txt'), pick('DOCS'), pick('docs/b.txt')]);
    expect(files.map((f) => f.path)).toEqual(['Docs/a.txt', 'docs/b.txt']);
    expect(skipped).toEqual([
      { path: 'docs/a.txt', reason: 'another file has the same name apart from upper/lower case' },
      { path: 'DOCS', reason: 'a file and a folder would have the same name' },
    ]);
  });

  it('composes decomposed names (as macOS gives them) instead of refusing them', () => {
    const { files, skipped } = addToSelection([], [pick('re\u0301sume\u0301.pdf')]);
    expect(skipped).toEqual([]);
    expect(files.map((f) => f.path)).toEqual(['résumé.pdf']);
  });

  it('shares compatibility forms under their NFKC name (fullwidth digits, ligatures), but never lets one become a separator', () => {
    const { files, skipped } = addToSelection([], [pick('資料１.pdf'), pick('ﬁnal/Ⅸ.txt'), pick('a／b.txt')]);
    expect(files.map((f) => f.path)).toEqual(['資料1.pdf', 'final/IX.txt']);
    expect(skipped).toEqual([{ path: 'a\\uFF0Fb.txt', reason: "has a character that becomes '/' under Unicode normalisation (NFKC)" }]);
  });

  it(`stops at ${MAX_FILES_PER_TRANSFER} files`, () => {
    const many = Array.from({ length: MAX_FILES_PER_TRANSFER + 2 }, (_, i) => pick(`f${i}`));
    const { files, skipped } = addToSelection([], many);
    expect(files).toHaveLength(MAX_FILES_PER_TRANSFER);
    expect(skipped).toHaveLength(2);
  });

  it('keeps the manifest within one frame', () => {
    const long = Array.from({ length: 400 }, (_, i) => pick(`${'d'.repeat(200)}/${'n'.repeat(200)}${i}`));
    const { files, skipped } = addToSelection([], long);
    expect(skipped.length).toBeGreaterThan(0);
    const json = JSON.stringify({
      transferId: 'x'.repeat(22),
      chunkSize: 262106,
      files: files.map((f) => ({ fileId: 'x'.repeat(22), name: f.path.split('/').pop(), path: f.path, size: 10, type: '', lastModified: 0 })),
    });
    expect(json.length).toBeLessThanOrEqual(MAX_MANIFEST_BYTES);
  });

  it('removes one file by its path', () => {
    const { files } = addToSelection([], [pick('a'), pick('docs/b'), pick('c')]);
    expect(removeFromSelection(files, 'docs/b').map((f) => f.path)).toEqual(['a', 'c']);
    expect(removeFromSelection(files, 'nope')).toHaveLength(3);
  });
});
