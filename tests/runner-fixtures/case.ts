// Which runner fixture this run is (RUNNER_FIXTURE, set by tests/integration/test-runner.test.ts):
// a folder here with that case's own test files, run beside the passing ones in shared/.
export const CASE = process.env.RUNNER_FIXTURE ?? 'passing';
if (!/^[a-z0-9-]+$/.test(CASE)) throw new Error(`RUNNER_FIXTURE must name a fixture folder, not ${JSON.stringify(CASE)}`);
