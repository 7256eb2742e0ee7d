import { describe, expect, it } from 'vitest';
import { chooseStorage, DISK_MARGIN_BYTES } from '../../../lib/storage/choose-storage';

const MiB = 1024 * 1024;
const caps = { opfs: true, picker: true, freeBytes: 10_000 * MiB, memoryLimit: 512 * MiB };

describe('choosing where received files go', () => {
  it('writes to OPFS when it has room, without asking', () => {
    expect(chooseStorage([100 * MiB], caps)).toEqual({ kind: 'opfs' });
    expect(chooseStorage([100 * MiB], { ...caps, freeBytes: null })).toEqual({ kind: 'opfs' });
  });
  it('asks for a save location when OPFS lacks room and a picker exists', () => {
    expect(chooseStorage([100 * MiB], { ...caps, freeBytes: 100 * MiB })).toEqual({ kind: 'picker' });
  });
  it('refuses up front, with figures, when nothing can hold the transfer', () => {
    const plan = chooseStorage([100 * MiB, 1], { ...caps, picker: true, freeBytes: 50 * MiB + DISK_MARGIN_BYTES });
    expect(plan).toMatchObject({ kind: 'refuse', code: 'insufficient_space' });
    expect(plan.kind === 'refuse' && plan.message).toContain('needs 101 MiB');
    expect(plan.kind === 'refuse' && plan.message).toContain('can store 50 MiB');
  });
  it('falls back to memory within its stated limit, and refuses beyond it', () => {
    const noDisk = { ...caps, opfs: false, picker: false };
    expect(chooseStorage([512 * MiB], noDisk)).toEqual({ kind: 'memory' });
    const plan = chooseStorage([512 * MiB + 1], noDisk);
    expect(plan).toMatchObject({ kind: 'refuse', code: 'too_large_for_memory' });
    expect(plan.kind === 'refuse' && plan.message).toContain('up to 512 MiB');
  });
});
