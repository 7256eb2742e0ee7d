import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

// `npm test` itself, run on the fixture projects of tests/runner-fixtures/: a green
// run must mean tests ran and passed, so each way a run can go wrong without a failing
// assertion must make `npm test` exit non-zero and name the reason.

function npmTest(fixture: string, ...options: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, RUNNER_FIXTURE: fixture };
  // The run under test is a fresh one, not a worker of this vitest.
  for (const name of Object.keys(env)) if (name.startsWith('VITEST') || name === 'NODE_ENV') delete env[name];
  const run = spawnSync('npm', ['test', '--', '--suites', 'tests/runner-fixtures', ...options], { env, encoding: 'utf8', timeout: 90_000 });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

const FAILURES: [fixture: string, what: string, reason: RegExp][] = [
  ['web-server-fails', "Playwright's web server does not start", /✗ playwright: Error: Process from config\.webServer was not able to start/],
  ['spec-throws', 'a spec throws on import', /✗ playwright: Error: this spec cannot even be loaded/],
  ['only-e2e', 'a Playwright test is marked .only', /✗ playwright: Error: item focused with '\.only' is not allowed/],
  ['only-unit', 'a vitest test is marked .only', /Unexpected \.only modifier[\s\S]*✗ vitest: 1 test and 1 of its files failed/],
  ['no-e2e-tests', 'Playwright finds no tests', /✗ playwright executed no tests/],
  ['no-unit-tests', 'vitest finds no tests', /✗ vitest executed no tests/],
  ['skipped-e2e', 'a Playwright test is skipped', /✗ playwright: 1 test skipped/],
  ['todo-unit', 'a vitest test is todo', /✗ vitest: 1 test marked todo/],
  ['unhandled-rejection', 'vitest sees an unhandled rejection (every test passed)', /Unhandled Rejection[\s\S]*✗ vitest exited with code 1/],
];

describe('npm test judges the whole run', () => {
  it('passes a fixture where both runners execute passing tests (the control)', () => {
    const { status, output } = npmTest('passing');
    expect(output).toContain('vitest: 1 passed, 0 failed; playwright: 1 passed, 0 failed');
    expect(output).toContain('✓ every suite passed');
    expect(status).toBe(0);
  }, 90_000);

  for (const [fixture, what, reason] of FAILURES) {
    it(`fails when ${what}`, () => {
      const { status, output } = npmTest(fixture);
      expect(output).toMatch(reason);
      expect(output).toContain('✗ the run failed');
      expect(status).toBe(1);
    }, 90_000);
  }
});

// What .ci/run repeats under Node 24: vitest alone, judged by the same rules.
describe('npm test -- --vitest-only', () => {
  it('passes passing unit tests without starting Playwright', () => {
    const { status, output } = npmTest('passing', '--vitest-only');
    expect(output).toContain('vitest: 1 passed, 0 failed');
    expect(output).toMatch(/✓ the unit and integration suites passed on Node v\d+/);
    expect(output).not.toContain('End-to-end tests');
    expect(status).toBe(0);
  }, 90_000);

  it('fails when a vitest test is todo', () => {
    const { status, output } = npmTest('todo-unit', '--vitest-only');
    expect(output).toMatch(/✗ vitest: 1 test marked todo/);
    expect(output).toContain('✗ the run failed');
    expect(status).toBe(1);
  }, 90_000);
});
