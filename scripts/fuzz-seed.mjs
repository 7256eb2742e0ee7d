// One seed for every property test and fuzzer of a run: FUZZ_SEED when set (to replay a
// failure), else derived from the checked-out commit, so a CI run is repeatable and two
// commits still explore different inputs.
import { execFileSync } from 'node:child_process';

const MAX_SEED = 2 ** 31 - 1;

export function fuzzSeed(env = process.env) {
  const given = env.FUZZ_SEED;
  if (given !== undefined && given !== '') {
    if (!/^\d{1,10}$/.test(given) || Number(given) > MAX_SEED) {
      throw new Error(`FUZZ_SEED must be an integer from 0 to ${MAX_SEED}, not ${JSON.stringify(given)}`);
    }
    return { seed: Number(given), source: 'FUZZ_SEED' };
  }
  let commit;
  try {
    commit = execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    // Not a git checkout (an unpacked tarball): still a fixed seed, never the clock.
    return { seed: 1, source: 'no git commit' };
  }
  return { seed: Number.parseInt(commit.slice(0, 8), 16) & MAX_SEED, source: `commit ${commit.slice(0, 12)}` };
}
