// Judges one `npm test` run from what each runner left behind: its exit status and its
// JSON report. A run passes only if both runners exited 0, both executed tests, every
// executed test passed, and nothing was skipped, marked todo or left out by an `.only`.
// The runners' own exit codes are not enough (Playwright writes a report with all-zero
// stats when its web server never came up), and the reports are not enough either
// (vitest reports no unhandled errors, it only exits 1 for them).

// Types: test-verdict.d.mts.

const tests = (n) => `${n} ${n === 1 ? 'test' : 'tests'}`;

function exitProblem(name, exit) {
  if (exit.status === 0) return [];
  if (exit.status === null) return [`${name} was killed by ${exit.signal ?? 'a signal'}`];
  return [`${name} exited with code ${exit.status} (its output above says why)`];
}

/** `report`: vitest's JSON reporter output, or null. */
export function judgeVitest(exit, report) {
  const problems = exitProblem('vitest', exit);
  if (!report) return { passed: 0, failed: 0, skipped: 0, problems: [...problems, 'vitest wrote no report'] };
  const passed = report.numPassedTests ?? 0;
  const failed = Math.max(report.numFailedTests ?? 0, report.numFailedTestSuites ?? 0);
  const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  if (failed > 0) {
    problems.push(`vitest: ${tests(report.numFailedTests ?? 0)} and ${report.numFailedTestSuites ?? 0} of its files failed`);
  }
  if (report.numPendingTests > 0) problems.push(`vitest: ${tests(report.numPendingTests)} skipped (a .skip, or left out by an .only)`);
  if (report.numTodoTests > 0) problems.push(`vitest: ${tests(report.numTodoTests)} marked todo`);
  if (passed === 0) problems.push('vitest executed no tests');
  return { passed, failed, skipped, problems };
}

/** `report`: Playwright's JSON reporter output, or null. */
export function judgePlaywright(exit, report) {
  const problems = exitProblem('playwright', exit);
  if (!report?.stats) return { passed: 0, failed: 0, skipped: 0, problems: [...problems, 'playwright wrote no report'] };
  const { expected = 0, unexpected = 0, flaky = 0, skipped = 0 } = report.stats;
  // Errors outside any test: the web server did not start, a spec threw on import,
  // "No tests found", an `.only` under --forbid-only, a global setup that failed.
  for (const error of report.errors ?? []) {
    const message = String(error.message ?? error.value ?? 'unknown error').split('\n').find((line) => line.trim()) ?? 'unknown error';
    problems.push(`playwright: ${message.trim()}`);
  }
  if (unexpected > 0) problems.push(`playwright: ${tests(unexpected)} failed`);
  if (flaky > 0) problems.push(`playwright: ${tests(flaky)} failed before passing on a retry`);
  if (skipped > 0) problems.push(`playwright: ${tests(skipped)} skipped`);
  if (expected === 0) problems.push('playwright executed no tests');
  return { passed: expected, failed: unexpected + flaky, skipped, problems };
}

export function judgeRun({ vitest, playwright }) {
  const v = judgeVitest(vitest.exit, vitest.report);
  const p = judgePlaywright(playwright.exit, playwright.report);
  const line = (name, r) => `${name}: ${r.passed} passed, ${r.failed} failed${r.skipped ? `, ${r.skipped} skipped` : ''}`;
  const problems = [...v.problems, ...p.problems];
  return {
    ok: problems.length === 0,
    summary: `${line('vitest', v)}; ${line('playwright', p)} — ${v.passed + p.passed} passed in all`,
    problems,
  };
}
