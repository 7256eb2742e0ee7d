import { describe, expect, it } from 'vitest';
import { fileProgress } from '../../../lib/transfer/progress';

const at = (bytesDone: number, filesDone: number) => ({ bytesDone, bytesTotal: 160, filesDone, filesTotal: 4 });
const sizes = [100, 0, 50, 10];

describe('per-file progress', () => {
  it('starts with the first file receiving and the rest waiting', () => {
    expect(fileProgress(sizes, at(0, 0))).toEqual([
      { bytesDone: 0, bytesTotal: 100, state: 'receiving' },
      { bytesDone: 0, bytesTotal: 0, state: 'waiting' },
      { bytesDone: 0, bytesTotal: 50, state: 'waiting' },
      { bytesDone: 0, bytesTotal: 10, state: 'waiting' },
    ]);
  });

  it('gives the bytes to the file being received', () => {
    expect(fileProgress(sizes, at(40, 0)).map((f) => f.bytesDone)).toEqual([40, 0, 0, 0]);
  });

  it('keeps a fully written file receiving until it verified', () => {
    expect(fileProgress(sizes, at(100, 0))[0]).toEqual({ bytesDone: 100, bytesTotal: 100, state: 'receiving' });
  });

  it('passes an empty file once it verified', () => {
    const files = fileProgress(sizes, at(100, 2));
    expect(files.map((f) => f.state)).toEqual(['verified', 'verified', 'receiving', 'waiting']);
    expect(files[2]!.bytesDone).toBe(0);
  });

  it('counts bytes past earlier files toward the later one', () => {
    const files = fileProgress(sizes, at(125, 2));
    expect(files.map((f) => f.bytesDone)).toEqual([100, 0, 25, 0]);
  });

  it('ends with every file verified and full', () => {
    expect(fileProgress(sizes, at(160, 4)).every((f) => f.state === 'verified' && f.bytesDone === f.bytesTotal)).toBe(true);
  });

  it('never reports more than a file’s size or less than nothing', () => {
    for (const done of [0, 1, 99, 100, 101, 150, 159, 160, 500]) {
      for (const f of fileProgress(sizes, at(done, 0))) {
        expect(f.bytesDone).toBeGreaterThanOrEqual(0);
        expect(f.bytesDone).toBeLessThanOrEqual(f.bytesTotal);
      }
    }
  });
});
