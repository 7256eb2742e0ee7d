// `npm run bench:signaling`: the signaling load benchmark (bench/signaling/run.ts).
// Builds the app if needed (BENCH_NO_BUILD=1 uses .next as it is), then runs the bench
// inside a private network namespace that holds only loopback, so no traffic leaves
// the machine, with the open-files limit raised for 20,000+ sockets per process.
// Quick run: BENCH_STEPS=500,1000 BENCH_REDIS_STEPS=500 npm run bench:signaling
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { ensureBuild } from './build-if-needed.mjs';
import { runInPrivateNetwork } from './private-network.mjs';

if (process.env.BENCH_NO_BUILD) {
  if (!existsSync('.next/BUILD_ID')) {
    console.error('No production build in .next: run npm run build (or drop BENCH_NO_BUILD).');
    process.exit(1);
  }
} else {
  ensureBuild();
}
if (spawnSync('sh', ['-c', 'command -v redis-server'], { stdio: 'ignore' }).status !== 0) {
  console.warn('redis-server not found: the two-instance + Redis phases will be skipped (apt-get install -y redis-server).');
}

const shell = [
  // 1048576 is Linux's default ceiling (fs.nr_open); unprivileged, the hard limit is all we get.
  '{ ulimit -n 1048576 2>/dev/null || ulimit -n "$(ulimit -Hn)"; }',
  // The namespace has its own port range: widen it so 20,000 client sockets plus the
  // set-ups' short-lived connections never run out of ephemeral ports.
  '{ sysctl -q -w net.ipv4.ip_local_port_range="10000 65000" >/dev/null 2>&1 || true; }',
  'exec node --import tsx bench/signaling/run.ts',
].join(' && ');
const run = runInPrivateNetwork('sh', ['-c', shell], {
  env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
});
if (run.error) console.error(run.error.message);
process.exit(run.status ?? 1);
