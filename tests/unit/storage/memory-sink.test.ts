import { describe, expect, it } from 'vitest';
import { isVaultError } from '../../../lib/protocol/errors';
import type { ManifestFile } from '../../../lib/protocol/messages';
import { createMemorySink } from '../../../lib/storage/memory-sink';

const file = (size: number): ManifestFile => ({ fileId: 'B'.repeat(22), name: 'a.bin', path: 'a.bin', size, type: '', lastModified: 0 });
const bytes = (...values: number[]) => new Uint8Array(values);

describe('memory sink reopened at an offset', () => {
  it('keeps exactly the first `offset` bytes it held and appends after them', async () => {
    const sink = createMemorySink(file(5), undefined, { held: new Blob([bytes(1, 2, 3, 9)]), offset: 3 });
    await sink.write(bytes(4, 5));
    expect(new Uint8Array(await (await sink.close()).arrayBuffer())).toEqual(bytes(1, 2, 3, 4, 5));
  });

  it('refuses to continue past what it held, or past the file', () => {
    for (const [held, offset, size] of [[2, 3, 5], [6, 6, 5]] as const) {
      let error: unknown;
      try {
        createMemorySink(file(size), undefined, { held: new Blob([new Uint8Array(held)]), offset });
      } catch (e) {
        error = e;
      }
      expect(isVaultError(error) && error.code).toBe('write_failed');
    }
  });
});
