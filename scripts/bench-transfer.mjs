// `npm run bench:transfer` (and `bench:profile`): builds the app if needed, then runs
// bench/transfer.ts (or the script named as the argument) inside a private network
// namespace that holds only loopback, so no traffic leaves the machine (see
// ../shared/design/testing.md). Set BENCH_SIZES_MIB="64,256" for a quick run.
import { existsSync } from 'node:fs';
import { ensureBuild } from './build-if-needed.mjs';
import { runInPrivateNetwork } from './private-network.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/lib/chromium/chromium';
if (!existsSync(CHROMIUM)) {
  console.error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH).`);
  process.exit(1);
}
ensureBuild();

const script = process.argv[2] ?? 'bench/transfer.ts';
const run = runInPrivateNetwork('node', ['--import', 'tsx', script], {
  env: { ...process.env, CHROMIUM_PATH: CHROMIUM, NEXT_TELEMETRY_DISABLED: '1' },
});
if (run.error) console.error(run.error.message);
process.exit(run.status ?? 1);
