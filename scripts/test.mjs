// `npm test`: every suite. Type check and lint, then unit, integration and
// end-to-end tests, each runner inside a private network namespace that holds only
// loopback, so no test traffic can leave the machine (see ../shared/design/testing.md).
// The run passes only as test-verdict.mjs judges it: both runners exited 0, executed
// tests, and nothing failed, was skipped, todo or left out by an `.only`.
//
// `npm test -- --suites DIR` runs DIR's vitest.config.ts and playwright.config.ts in
// place of the project's, without type check, lint or build: the runner fixtures of
// tests/integration/test-runner.test.ts use it to show that a broken run fails.
//
// `npm test -- --vitest-only` runs only the unit and integration suites (building first
// if needed), judged the same way: .ci/run repeats them under a second Node version, the
// one first in PATH, since runtime differences show there and not in lint or the browsers.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureBuild } from './build-if-needed.mjs';
import { fuzzSeed } from './fuzz-seed.mjs';
import { runInPrivateNetwork } from './private-network.mjs';
import { judgeRun, judgeVitest } from './test-verdict.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/lib/chromium/chromium';
// tests/e2e/firefox.spec.ts drives it with puppeteer-core (tests/e2e/support/firefox.ts).
const FIREFOX = process.env.FIREFOX_PATH ?? '/usr/lib/firefox-esr/firefox-esr';
const isRoot = process.getuid?.() === 0;

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  return result.status ?? 1;
}

function step(name, command, args) {
  console.log(`\n▶ ${name}`);
  if (run(command, args) !== 0) {
    console.error(`✗ ${name} failed`);
    process.exit(1);
  }
}

function ensureDebianPackages() {
  const missing = [];
  if (!existsSync(CHROMIUM)) missing.push('chromium');
  if (!existsSync(FIREFOX)) missing.push('firefox-esr');
  if (run('sh', ['-c', 'command -v unshare >/dev/null'], { stdio: 'ignore' }) !== 0) missing.push('util-linux');
  if (run('sh', ['-c', 'command -v ip >/dev/null'], { stdio: 'ignore' }) !== 0) missing.push('iproute2');
  if (run('sh', ['-c', 'command -v redis-server >/dev/null'], { stdio: 'ignore' }) !== 0) missing.push('redis-server');
  if (!existsSync('/usr/sbin/nginx')) missing.push('nginx-light');
  // coturn's turnserver, started by tests/e2e/turn.spec.ts itself (not the package's service).
  if (run('sh', ['-c', 'command -v turnserver >/dev/null'], { stdio: 'ignore' }) !== 0) missing.push('coturn');
  if (missing.length === 0) return;
  if (!isRoot) {
    console.error(`Missing Debian packages: ${missing.join(' ')}. Install them (sudo apt-get install -y ${missing.join(' ')}) and rerun.`);
    process.exit(1);
  }
  console.log(`Installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (run('apt-get', ['update', '-qq'], { env }) !== 0 || run('apt-get', ['install', '-y', '-qq', ...missing], { env }) !== 0) {
    process.exit(1);
  }
}

function parseOptions() {
  try {
    return parseArgs({ options: { suites: { type: 'string' }, 'vitest-only': { type: 'boolean' } }, strict: true }).values;
  } catch (error) {
    console.error(`${error.message}\nUsage: npm test [-- --suites DIR] [-- --vitest-only]`);
    process.exit(2);
  }
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
}

const { suites, 'vitest-only': vitestOnly = false } = parseOptions();
if (suites && !existsSync(join(suites, 'vitest.config.ts'))) {
  console.error(`--suites ${suites}: no vitest.config.ts there`);
  process.exit(2);
}
ensureDebianPackages();
if (vitestOnly) {
  console.log(`Node ${process.version}: the unit and integration suites only`);
  if (!suites) ensureBuild();
} else if (!suites) {
  // Also tsconfig.pure.json: protocol, crypto and transfer without the DOM lib.
  step('Type check', 'npm', ['run', '--silent', 'typecheck']);
  step('Lint', 'npx', ['eslint', '.', '--max-warnings', '0']);
  ensureBuild();
}

// A fixture run must not touch the reports of a run it is part of, nor a second Node's
// run those of the first.
const scratchReports = Boolean(suites) || vitestOnly;
const reports = scratchReports ? mkdtempSync(join(tmpdir(), 'p2pvault-test-')) : '.test-reports';
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });
const config = (name) => (suites ? ['--config', join(suites, name)] : []);
const { seed, source } = fuzzSeed();
console.log(`\nFuzz seed ${seed} (${source}); FUZZ_SEED=${seed} npm test replays it`);
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', CHROMIUM_PATH: CHROMIUM, FIREFOX_PATH: FIREFOX, FUZZ_SEED: String(seed) };

function runner(title, command, args, extraEnv = {}) {
  console.log(`\n▶ ${title} (private network namespace)`);
  const result = runInPrivateNetwork(command, args, { env: { ...env, ...extraEnv } });
  if (result.error) console.error(result.error.message);
  return { status: result.status, signal: result.signal };
}

const vitestExit = runner('Unit and integration tests', 'node_modules/.bin/vitest', [
  'run', ...config('vitest.config.ts'), '--allowOnly=false', '--reporter=default', '--reporter=json', `--outputFile.json=${reports}/vitest.json`,
]);
if (vitestOnly) {
  const verdict = judgeVitest(vitestExit, readJson(`${reports}/vitest.json`));
  rmSync(reports, { recursive: true, force: true });
  console.log(`\nNode ${process.version}, vitest: ${verdict.passed} passed, ${verdict.failed} failed${verdict.skipped ? `, ${verdict.skipped} skipped` : ''}`);
  for (const problem of verdict.problems) console.error(`✗ ${problem}`);
  const ok = verdict.problems.length === 0;
  console.log(ok ? `✓ the unit and integration suites passed on Node ${process.version}` : `✗ the run failed (FUZZ_SEED=${seed} replays its fuzz inputs)`);
  process.exit(ok ? 0 : 1);
}
const playwrightExit = runner('End-to-end tests', 'node_modules/.bin/playwright', [
  'test', ...config('playwright.config.ts'), '--forbid-only', '--reporter=list,json',
], { PLAYWRIGHT_JSON_OUTPUT_NAME: `${reports}/playwright.json` });

const verdict = judgeRun({
  vitest: { exit: vitestExit, report: readJson(`${reports}/vitest.json`) },
  playwright: { exit: playwrightExit, report: readJson(`${reports}/playwright.json`) },
});
if (scratchReports) rmSync(reports, { recursive: true, force: true });
console.log(`\n${verdict.summary}`);
for (const problem of verdict.problems) console.error(`✗ ${problem}`);
console.log(verdict.ok ? '✓ every suite passed' : `✗ the run failed (${verdict.problems.length} problems above; FUZZ_SEED=${seed} replays its fuzz inputs)`);
process.exit(verdict.ok ? 0 : 1);
