import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createIncrementalSha256, MAX_HASH_STATE_BYTES } from '../../../lib/crypto/hash';
import { isVaultError } from '../../../lib/protocol/errors';

const sha = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

describe('createIncrementalSha256', () => {
  it('hashes in one pass what node:crypto hashes', async () => {
    const data = randomBytes(1000);
    const hash = await createIncrementalSha256();
    hash.update(data);
    expect(hash.digestHex()).toBe(sha(data));
  });

  it('continues from a saved state in a fresh hasher: same digest at every split point', async () => {
    const data = new Uint8Array(randomBytes(3 * 64 + 17));
    for (const split of [0, 1, 63, 64, 65, 100, 128, data.length - 1, data.length]) {
      const first = await createIncrementalSha256();
      first.update(data.subarray(0, split));
      const state = first.saveState();
      expect(state.length, `state at ${split}`).toBeLessThanOrEqual(MAX_HASH_STATE_BYTES);
      const second = await createIncrementalSha256(state.slice());
      second.update(data.subarray(split));
      expect(second.digestHex(), `split at ${split}`).toBe(sha(data));
    }
  });

  it('saves again after a restore, so a file survives several restarts', async () => {
    const data = new Uint8Array(randomBytes(500));
    let state = (await createIncrementalSha256()).saveState();
    for (const [start, end] of [[0, 70], [70, 300], [300, 500]] as const) {
      const hash = await createIncrementalSha256(state);
      hash.update(data.subarray(start, end));
      state = hash.saveState();
    }
    expect((await createIncrementalSha256(state)).digestHex()).toBe(sha(data));
  });

  it('refuses a state it cannot load, or one over the cap, with hash_mismatch', async () => {
    const good = (await createIncrementalSha256()).saveState();
    for (const state of [new Uint8Array(10), good.subarray(1), new Uint8Array(MAX_HASH_STATE_BYTES + 1)]) {
      const error = await createIncrementalSha256(state).catch((e: unknown) => e);
      expect(isVaultError(error) && error.code).toBe('hash_mismatch');
    }
  });
});
