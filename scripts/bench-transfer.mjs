// `npm run bench:transfer`: builds the app if needed, then runs bench/transfer.ts inside
// a private network namespace that holds only loopback, so no traffic leaves the machine
// (see ../shared/design/testing.md). Set BENCH_SIZES_MIB="64,256" for a quick run.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { ensureBuild } from './build-if-needed.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/lib/chromium/chromium';
if (!existsSync(CHROMIUM)) {
  console.error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH).`);
  process.exit(1);
}
ensureBuild();

// Unprivileged users get a user namespace too (-r); root needs only the network one.
const unshare = process.getuid?.() === 0 ? ['-n'] : ['-r', '-n'];
const run = spawnSync('unshare', [...unshare, 'sh', '-c', 'ip link set lo up && exec node --import tsx bench/transfer.ts'], {
  stdio: 'inherit',
  env: { ...process.env, CHROMIUM_PATH: CHROMIUM, NEXT_TELEMETRY_DISABLED: '1' },
});
if (run.error) console.error(run.error.message);
process.exit(run.status ?? 1);
