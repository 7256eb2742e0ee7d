import { defineConfig, globalIgnores } from 'eslint/config';
import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';

// The layers of lib/ (docs/architecture.md). Each folder may import only the folders its
// entry names, so the lower layers never grow a dependency on the ones above them (and no
// cycle forms), and protocol, crypto and transfer stay runnable in Node and the browser
// alike (tsconfig.pure.json checks they use no DOM types). lib/ imports its own files by
// relative path and the app by `@/lib/…`: the pattern catches both spellings. Type-only
// imports count: they couple the layers just the same.
const FOLDERS = ['protocol', 'crypto', 'codes', 'storage', 'transfer', 'rtc', 'client', 'cli', 'signaling', 'security'];
const SERVER_MODULES = ['config', 'log']; // lib/config.ts (the environment) and lib/log.ts (pino)
const BROWSER_PACKAGES = '^(?:react|react-dom|next|socket\\.io-client|node-datachannel|client-zip|qrcode)(?:/|$)';

const LAYERS = {
  protocol: { may: [], pure: true, why: 'lib/protocol is the bottom layer: it imports only its own files.' },
  crypto: { may: ['protocol'], pure: true, why: 'lib/crypto builds on lib/protocol alone.' },
  codes: { may: ['protocol', 'crypto'], pure: true, why: 'lib/codes builds on lib/protocol and lib/crypto (the code exchange) alone.' },
  security: { may: [], why: 'lib/security stands alone.' },
  storage: { may: ['protocol', 'crypto'], why: 'lib/storage only holds received bytes: no transfer, WebRTC, page, CLI or server code.' },
  transfer: { may: ['protocol', 'crypto', 'storage'], pure: true, why: 'lib/transfer is state machines and sessions over a FramePort: no WebRTC, page, CLI or server code.' },
  rtc: { may: ['protocol', 'crypto', 'transfer'], why: 'lib/rtc is WebRTC and the signaling client: no page, CLI, storage or server code.' },
  client: { may: ['protocol', 'crypto', 'codes', 'storage', 'transfer', 'rtc'], why: 'lib/client runs in the page and the CLI: no CLI or server code.' },
  cli: { may: ['protocol', 'crypto', 'codes', 'storage', 'transfer', 'rtc', 'client'], why: 'lib/cli is a peer like the page: no server code.' },
  signaling: { may: ['protocol', ...SERVER_MODULES], why: 'lib/signaling is the server: no peer code (client, rtc, cli, transfer, storage, codes).' },
};

/** `../<name>…`, `../../lib/<name>…` or `@/lib/<name>…` for any of `names`. */
const ours = (names) => `^(?:(?:\\.\\./)+(?:lib/)?|@/lib/)(?:${names.join('|')})(?:[/.]|$)`;

function layerPatterns(folder) {
  const { may, pure, why } = LAYERS[folder];
  const banned = [...FOLDERS, ...SERVER_MODULES].filter((name) => name !== folder && !may.includes(name));
  // A folder that may import none of ours refuses every way out of itself.
  const patterns = [{ regex: may.length === 0 ? '^(?:\\.\\./|@/)' : ours(banned), caseSensitive: true, message: why }];
  if (pure) patterns.push({ regex: BROWSER_PACKAGES, message: `lib/${folder} runs in Node and the browser alike: no React, Next or WebRTC packages.` });
  return patterns;
}

const restrict = (files, patterns, ignores = []) => ({ files, ignores, rules: { 'no-restricted-imports': ['error', { patterns }] } });

const layerRules = [
  ...Object.keys(LAYERS).map((folder) => restrict([`lib/${folder}/**`], layerPatterns(folder))),
  // zod's CSP setting (jitless in the browser) must run before any schema is built.
  restrict(
    ['lib/protocol/**'],
    [...layerPatterns('protocol'), { regex: '^zod(?:/|$)', allowTypeImports: true, message: "Import z from './zod', which sets zod up for the pages' CSP first." }],
    ['lib/protocol/zod.ts'],
  ),
  // The hostile relay is test-only attack code that only server.ts wires in; the settings
  // validate its attack names without loading it.
  restrict(['lib/config.ts'], [{ group: ['**/hostile-relay'], message: 'Take the attack names from lib/signaling/hostile-attacks.ts.' }]),
];

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  ...layerRules,
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
