import { defineConfig } from '@playwright/test';
import { CHROMIUM_PATH, E2E_PORT } from './tests/e2e/support/env';

// Runs inside a private network namespace (scripts/test.mjs): the server, the
// browsers and all their traffic stay on its loopback.
export default defineConfig({
  testDir: 'tests/e2e',
  timeout: 90_000,
  workers: 1,
  // npm test passes --forbid-only as well; this covers `npx playwright test` in CI.
  forbidOnly: !!process.env.CI,
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    baseURL: `http://127.0.0.1:${E2E_PORT}`,
    launchOptions: {
      executablePath: CHROMIUM_PATH,
      args: [
        '--allow-loopback-in-peer-connection',
        '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost',
      ],
    },
  },
  webServer: {
    // The README's own command, on the production build: the e2e suite is its smoke test.
    command: 'npm start',
    url: `http://127.0.0.1:${E2E_PORT}/`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      PORT: String(E2E_PORT),
      HOST: '127.0.0.1',
      ICE_SERVERS: '[]',
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      LOG_LEVEL: 'warn',
      // Every test browser shares one address; the limits have their own tests.
      RATE_LIMIT_SESSIONS_PER_MINUTE: '100000',
      RATE_LIMIT_EVENTS_PER_MINUTE: '10000000',
      RATE_LIMIT_JOINS_PER_MINUTE: '100000',
      RATE_LIMIT_CODE_LOOKUPS_PER_MINUTE: '100000',
      MAX_SESSIONS_PER_ADDRESS: '100000',
      MAX_SOCKETS_PER_ADDRESS: '100000',
      // codes.spec waits this out for a squatter; an honest exchange takes well under a second.
      CODE_EXCHANGE_TIMEOUT_SECONDS: '8',
    },
  },
});
