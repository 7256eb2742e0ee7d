// `npm test`: every suite. Type check and lint, then unit, integration and
// end-to-end tests inside a private network namespace that holds only loopback,
// so no test traffic can leave the machine (see ../shared/design/testing.md).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { ensureBuild } from './build-if-needed.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/lib/chromium/chromium';
// tests/e2e/firefox.spec.ts drives it with puppeteer-core (tests/e2e/support/firefox.ts).
const FIREFOX = process.env.FIREFOX_PATH ?? '/usr/lib/firefox-esr/firefox-esr';
const REPORTS = '.test-reports';
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

ensureDebianPackages();
step('Type check', 'npx', ['tsc', '--noEmit']);
step('Lint', 'npx', ['eslint', '.', '--max-warnings', '0']);
ensureBuild();

rmSync(REPORTS, { recursive: true, force: true });
mkdirSync(REPORTS, { recursive: true });
const suites = [
  `node_modules/.bin/vitest run --reporter=default --reporter=json --outputFile.json=${REPORTS}/vitest.json`,
  `PLAYWRIGHT_JSON_OUTPUT_NAME=${REPORTS}/playwright.json node_modules/.bin/playwright test --reporter=list,json`,
];
// Unprivileged users get a user namespace too (-r); root needs only the network one.
const unshare = isRoot ? ['-n'] : ['-r', '-n'];
console.log('\n▶ Unit, integration and end-to-end tests (private network namespace)');
const status = run('unshare', [...unshare, 'sh', '-c', `ip link set lo up && ${suites.map((s) => `(${s}); `).join('')}true`], {
  env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', CHROMIUM_PATH: CHROMIUM, FIREFOX_PATH: FIREFOX },
});
if (status !== 0) process.exit(status);

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
}
const vitest = readJson(`${REPORTS}/vitest.json`);
const playwright = readJson(`${REPORTS}/playwright.json`);
if (!vitest || !playwright) {
  console.error('A test suite did not report its results.');
  process.exit(1);
}
const passed = vitest.numPassedTests + playwright.stats.expected;
const failed = vitest.numFailedTests + playwright.stats.unexpected + playwright.stats.flaky + (vitest.success ? 0 : Math.max(1, vitest.numFailedTestSuites));
const skipped = vitest.numPendingTests + vitest.numTodoTests + playwright.stats.skipped;
console.log(`\nvitest: ${vitest.numPassedTests} passed, ${vitest.numFailedTests} failed; playwright: ${playwright.stats.expected} passed, ${playwright.stats.unexpected + playwright.stats.flaky} failed`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
