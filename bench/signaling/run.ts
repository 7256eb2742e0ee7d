// `npm run bench:signaling`: load benchmark of the signaling server. Real
// socket.io-client connections, ramped to 10,000 concurrent sessions (20,000 sockets),
// against server.ts and against a bare Socket.IO baseline in the same run; then both
// again as two instances + Redis. Start it through scripts/bench-signaling.mjs, which
// enters a private network namespace (loopback only) and raises the open-files limit.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { cpuBusyPercent } from '../procfs';
import { isDefaultRun, loadBenchConfig, type BenchConfig } from './config';
import { runPhase, type PhaseRecord } from './phase';
import { hasRedis, plan } from './plan';
import { openFilesLimit } from './proc';
import { phaseTable, ratios, ratioTable, TARGETS, verdicts } from './report';
import { LOG_DIR } from './servers';

const interfaces = Object.keys(os.networkInterfaces());
if (interfaces.some((name) => name !== 'lo')) {
  console.error(`Refusing to run outside a private network namespace (interfaces: ${interfaces.join(', ')}). Use: npm run bench:signaling`);
  process.exit(2);
}
// The exit handlers in servers.ts and the workers' IPC take the children down with us.
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) process.once(signal, () => process.exit(code));

const version = (pkg: string) => (JSON.parse(readFileSync(`node_modules/${pkg}/package.json`, 'utf8')) as { version: string }).version;

function machine(busyBefore: number) {
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cpus: os.cpus().length,
    totalMemoryGiB: +(os.totalmem() / 1024 ** 3).toFixed(1),
    kernel: os.release(),
    node: process.version,
    socketIo: version('socket.io'),
    socketIoClient: version('socket.io-client'),
    redis: hasRedis() ? execFileSync('redis-server', ['--version'], { encoding: 'utf8' }).trim() : null,
    openFilesLimit: openFilesLimit(),
    cpuBusyPercentBeforeStart: busyBefore,
  };
}

function outputPath(config: BenchConfig): string {
  if (config.out) return config.out;
  if (!isDefaultRun(config)) {
    mkdirSync('bench/results', { recursive: true });
    return `bench/results/signaling-${new Date().toISOString().replace(/:/g, '-')}.json`;
  }
  // Full runs are the published ones: docs/results, one file per run of the day.
  const base = `docs/results/signaling-${new Date().toISOString().slice(0, 10)}`;
  for (let run = 1; ; run++) {
    const path = run === 1 ? `${base}.json` : `${base}-run${run}.json`;
    if (!existsSync(path)) return path;
  }
}

async function main(): Promise<number> {
  const config = loadBenchConfig();
  const info = machine(await cpuBusyPercent(1000));
  const planned = plan(config, info.openFilesLimit);
  console.log(`Machine: ${info.cpu} × ${info.cpus}, ${info.totalMemoryGiB} GiB, Node ${info.node}, socket.io ${info.socketIo}, open files ≤ ${info.openFilesLimit}`);
  if (info.cpuBusyPercentBeforeStart > 20) console.log(`⚠ The CPUs were ${info.cpuBusyPercentBeforeStart}% busy before the start: other work will depress the figures.`);
  if (planned.shortfall) console.log(`⚠ Steps lowered: ${planned.shortfall}.`);
  console.log(
    `Phases ${planned.phases.map((p) => `${p.def.name} (${p.steps.join(', ')})`).join(', ')}; ${config.workers} client processes; ` +
      `window ${config.warmupSeconds}+${config.measureSeconds} s at ${config.relayRate} relays/s and ${config.probeRate} new sessions/s; app LOG_LEVEL=${config.logLevel}`,
  );

  const phases: PhaseRecord[] = [];
  for (const { def, steps } of planned.phases) {
    if (def.redis && !hasRedis()) {
      phases.push({ ...def, instances: 2, status: 'skipped', reason: 'redis-server is not installed (apt-get install redis-server)', idleRssMiB: null, steps: [], logs: [] });
      continue;
    }
    const record = await runPhase(def, steps, config);
    phases.push(record);
    if (record.reason) console.log(`  ${record.status.toUpperCase()}: ${record.reason}`);
  }

  const ratioRows = ratios(phases);
  const lines = verdicts(phases, ratioRows, planned.shortfall);
  console.log('\nLatencies in ms over every counted sample; join→peer-joined = new sessions opened while the others are held;');
  console.log('RSS = server process(es) after the window; MiB/1k sessions = (RSS − idle RSS) per 1,000 sessions; CPU in % of one core.\n');
  for (const phase of phases) {
    console.log(`${phase.name} (${phase.kind === 'app' ? 'server.ts' : 'bare Socket.IO'}, ${phase.instances} instance${phase.instances > 1 ? 's + Redis' : ''}; idle RSS ${phase.idleRssMiB ?? 'n/a'} MiB)${phase.status === 'ok' ? '' : ` — ${phase.status}: ${phase.reason}`}`);
    if (phase.steps.length) console.log(phaseTable(phase));
    console.log('');
  }
  if (ratioRows.length) console.log(`App / baseline (lower is better, except set-ups/s):\n${ratioTable(ratioRows)}\n`);
  console.log(`Targets:\n${lines.map((l) => `  ${l}`).join('\n')}`);

  const path = outputPath(config);
  const record = {
    date: new Date().toISOString(),
    command: 'npm run bench:signaling',
    env: benchEnv(),
    machine: info,
    config,
    maxSessions: planned.maxSessions,
    shortfall: planned.shortfall ?? null,
    targets: TARGETS,
    phases,
    ratios: ratioRows,
    verdicts: lines,
  };
  writeFileSync(path, `${JSON.stringify(record, null, 2)}\n`);
  console.log(`\nWrote ${path} (server logs in ${LOG_DIR}/)`);
  return lines.some((l) => l.startsWith('FAIL')) ? 1 : 0;
}

/** The BENCH_* settings this run was started with, to repeat it. */
const benchEnv = () => Object.fromEntries(Object.entries(process.env).filter(([key]) => key.startsWith('BENCH_')));

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
