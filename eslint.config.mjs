import { defineConfig, globalIgnores } from 'eslint/config';
import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  {
    // tests/vectors/reference is a second implementation of the protocol, written from
    // docs/protocol.md on node:crypto, and the vector files are its output alone: they only
    // check lib/ while nothing there shares code with it.
    files: ['tests/vectors/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/lib/**', '@/lib/**'], message: 'The vectors come from the reference implementation, written from docs/protocol.md alone: no code from lib/.' },
            { group: ['@noble/*', 'hash-wasm'], message: 'The reference implementation uses node:crypto, not the crypto libraries lib/ uses.' },
          ],
        },
      ],
    },
  },
  globalIgnores(['.next/**', 'out/**', 'build/**', 'next-env.d.ts', 'test-results/**', 'playwright-report/**']),
]);
