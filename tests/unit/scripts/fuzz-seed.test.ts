import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzzSeed } from '../../../scripts/fuzz-seed.mjs';

describe('fuzzSeed', () => {
  it('is derived from the commit when FUZZ_SEED is unset, the same on every call', () => {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    const derived = fuzzSeed({});
    expect(derived).toEqual({ seed: Number.parseInt(commit.slice(0, 8), 16) & 0x7fffffff, source: `commit ${commit.slice(0, 12)}` });
    expect(fuzzSeed({})).toEqual(derived);
  });

  it('replays FUZZ_SEED, and refuses one that is not a 31-bit integer', () => {
    expect(fuzzSeed({ FUZZ_SEED: '12345' })).toEqual({ seed: 12345, source: 'FUZZ_SEED' });
    for (const bad of ['-1', '1.5', 'abc', '2147483648', ' 7']) {
      expect(() => fuzzSeed({ FUZZ_SEED: bad }), bad).toThrow(/FUZZ_SEED must be an integer from 0 to 2147483647/);
    }
  });

  it("is every fast-check property's seed in this run (tests/support/fast-check-seed.ts)", () => {
    expect(fc.readConfigureGlobal().seed).toBe(fuzzSeed().seed);
  });
});
