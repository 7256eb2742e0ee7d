import { fileURLToPath } from 'node:url';
import { defineConfig } from '@playwright/test';
import { CASE } from './case';

// Playwright side of a runner fixture: the shared passing spec (it needs the web server
// up) plus the case's own specs, behind a web server started the way the real config
// starts `npm start`. No browser is launched.
const PORT = 3999;

export default defineConfig({
  testDir: fileURLToPath(new URL('.', import.meta.url)),
  testMatch: CASE === 'no-e2e-tests' ? /^$/ : new RegExp(`/(shared|${CASE})/[^/]+\\.spec\\.ts$`),
  outputDir: `/tmp/p2pvault-runner-fixture-${CASE}`,
  timeout: 20_000,
  workers: 1,
  use: { baseURL: `http://127.0.0.1:${PORT}` },
  webServer: {
    command: `node ${fileURLToPath(new URL('shared/web-server.mjs', import.meta.url))}`,
    url: `http://127.0.0.1:${PORT}/`,
    reuseExistingServer: false,
    timeout: 15_000,
    env: { PORT: String(PORT), FAIL_TO_START: CASE === 'web-server-fails' ? '1' : '' },
  },
});
