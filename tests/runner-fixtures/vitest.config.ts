import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { CASE } from './case';

// vitest side of a runner fixture: the shared passing test plus the case's own files.
export default defineConfig({
  cacheDir: join(tmpdir(), 'p2pvault-runner-fixture-cache'),
  test: {
    root: fileURLToPath(new URL('.', import.meta.url)),
    include: CASE === 'no-unit-tests' ? [] : ['shared/*.test.ts', `${CASE}/*.test.ts`],
    environment: 'node',
  },
});
