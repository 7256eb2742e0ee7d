import { describe, expect, it } from 'vitest';
import { judgeRun } from '../../../scripts/test-verdict.mjs';

// The verdict reads both the exit status and the report, so neither alone can turn a
// broken run green. The reports here have the shapes vitest's and Playwright's JSON
// reporters write.

const vitestReport = (over: Record<string, unknown> = {}) => ({
  numTotalTests: 3, numPassedTests: 3, numFailedTests: 0, numPendingTests: 0, numTodoTests: 0, numFailedTestSuites: 0, success: true, ...over,
});
const playwrightReport = (stats: Record<string, number> = {}, errors: unknown[] = []) => ({
  stats: { expected: 2, unexpected: 0, flaky: 0, skipped: 0, ...stats }, errors,
});
const ok = { status: 0 };

function judge(parts: { vitest?: [{ status: number | null; signal?: string }, unknown]; playwright?: [{ status: number | null }, unknown] }) {
  const [vExit, vReport] = parts.vitest ?? [ok, vitestReport()];
  const [pExit, pReport] = parts.playwright ?? [ok, playwrightReport()];
  return judgeRun({ vitest: { exit: vExit, report: vReport }, playwright: { exit: pExit, report: pReport } });
}

describe('judgeRun', () => {
  it('passes when both runners exited 0 and every executed test passed', () => {
    const verdict = judge({});
    expect(verdict).toMatchObject({ ok: true, problems: [] });
    expect(verdict.summary).toBe('vitest: 3 passed, 0 failed; playwright: 2 passed, 0 failed — 5 passed in all');
  });

  it('fails on a Playwright error outside any test even when it exited 0', () => {
    const verdict = judge({ playwright: [ok, playwrightReport({ expected: 0 }, [{ message: 'Error: Process from config.webServer was not able to start. Exit code: 1\n  at …' }])] });
    expect(verdict.ok).toBe(false);
    expect(verdict.problems).toEqual([
      'playwright: Error: Process from config.webServer was not able to start. Exit code: 1',
      'playwright executed no tests',
    ]);
  });

  it('fails when one runner executed nothing, though the other passed plenty', () => {
    expect(judge({ playwright: [ok, playwrightReport({ expected: 0 })] }).problems).toEqual(['playwright executed no tests']);
    expect(judge({ vitest: [ok, vitestReport({ numTotalTests: 0, numPassedTests: 0 })] }).problems).toEqual(['vitest executed no tests']);
  });

  it('fails on skipped and todo tests', () => {
    expect(judge({ vitest: [ok, vitestReport({ numPendingTests: 2, numTodoTests: 1 })] }).problems).toEqual([
      'vitest: 2 tests skipped (a .skip, or left out by an .only)',
      'vitest: 1 test marked todo',
    ]);
    expect(judge({ playwright: [ok, playwrightReport({ skipped: 1 })] }).problems).toEqual(['playwright: 1 test skipped']);
  });

  it('fails on a non-zero exit even when the report looks clean (vitest: unhandled errors)', () => {
    expect(judge({ vitest: [{ status: 1 }, vitestReport()] }).problems).toEqual(['vitest exited with code 1 (its output above says why)']);
    expect(judge({ playwright: [{ status: null }, playwrightReport()] }).problems).toEqual(['playwright was killed by a signal']);
  });

  it('fails on failed, flaky and missing reports', () => {
    expect(judge({ vitest: [ok, vitestReport({ numFailedTests: 1, numFailedTestSuites: 1 })] }).problems).toEqual(['vitest: 1 test and 1 of its files failed']);
    expect(judge({ playwright: [ok, playwrightReport({ unexpected: 2, flaky: 1 })] }).problems).toEqual([
      'playwright: 2 tests failed',
      'playwright: 1 test failed before passing on a retry',
    ]);
    expect(judge({ vitest: [ok, null], playwright: [ok, null] }).problems).toEqual(['vitest wrote no report', 'playwright wrote no report']);
  });
});
