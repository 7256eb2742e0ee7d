import fc from 'fast-check';
import { fuzzSeed } from '../../scripts/fuzz-seed.mjs';

// vitest setup file: every fast-check property draws from the run's seed (FUZZ_SEED, or
// the commit's), so a failure in CI replays with the seed `npm test` printed.
fc.configureGlobal({ seed: fuzzSeed().seed });
