import { describe, expect, it } from 'vitest';
import { DISK_MARGIN_BYTES } from '../../../lib/storage/choose-storage';
import { chooseZipStorage, zipName } from '../../../lib/storage/zip-plan';

const MiB = 1024 * 1024;
const caps = { opfs: true, picker: false, freeBytes: 1000 * MiB, memoryLimit: 512 * MiB };

describe('where the zip is built', () => {
  it('streams to disk when OPFS has room, however large', () => {
    expect(chooseZipStorage(900 * MiB, caps)).toEqual({ kind: 'opfs' });
    expect(chooseZipStorage(900 * MiB, { ...caps, freeBytes: null })).toEqual({ kind: 'opfs' });
  });

  it('falls back to memory within its limit when the disk is too full', () => {
    expect(chooseZipStorage(1000 * MiB - DISK_MARGIN_BYTES + 1, { ...caps, memoryLimit: 2000 * MiB })).toEqual({ kind: 'memory' });
    expect(chooseZipStorage(10 * MiB, { ...caps, opfs: false })).toEqual({ kind: 'memory' });
  });

  it('refuses, pointing at single downloads, when neither fits', () => {
    const plan = chooseZipStorage(600 * MiB, { ...caps, opfs: false });
    expect(plan.kind).toBe('refuse');
    expect(plan.kind === 'refuse' && plan.message).toMatch(/600 MiB.*one by one/);
  });
});

describe('the zip’s name', () => {
  it('is the shared folder’s name when there is one', () => {
    expect(zipName(['photos/a.jpg', 'photos/2024/b.jpg'])).toBe('photos.zip');
  });
  it('is files.zip otherwise', () => {
    expect(zipName(['a.bin', 'docs/c.bin'])).toBe('files.zip');
    expect(zipName(['a/x', 'b/y'])).toBe('files.zip');
    expect(zipName(['a.bin'])).toBe('files.zip');
  });
});
