import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

// The layer rules of eslint.config.mjs, shown on imports each layer must refuse. A rule
// whose pattern silently stopped matching would pass `npm run lint` on a clean tree.

let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: process.cwd() });
}, 60_000);

async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\nexport const used = x;\n`, { filePath });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const wrong: [string, string, RegExp][] = [
  ['lib/protocol/x.ts', "import { x } from '../crypto/keys';", /lib\/protocol is the bottom layer/],
  ['lib/protocol/x.ts', "import { x } from '@/lib/crypto/keys';", /lib\/protocol is the bottom layer/],
  ['lib/protocol/x.ts', "import { x } from '../config';", /lib\/protocol is the bottom layer/],
  ['lib/protocol/x.ts', "import { z as x } from 'zod';", /from '\.\/zod'/],
  ['lib/crypto/x.ts', "import { x } from '../transfer/port';", /lib\/crypto builds on lib\/protocol alone/],
  ['lib/crypto/x.ts', "import { x } from '../codes/short-code';", /lib\/crypto builds on lib\/protocol alone/],
  ['lib/crypto/x.ts', "import { x } from 'react';", /no React, Next or WebRTC/],
  ['lib/transfer/x.ts', "import { x } from '../rtc/rtc-peer';", /lib\/transfer is state machines/],
  ['lib/transfer/x.ts', "import type { x } from '../client/receiver-controller';", /lib\/transfer is state machines/],
  ['lib/transfer/x.ts', "import { x } from '../cli/main';", /lib\/transfer is state machines/],
  ['lib/transfer/x.ts', "import { x } from '../signaling/socket-server';", /lib\/transfer is state machines/],
  ['lib/transfer/x.ts', "import { x } from 'react-dom/client';", /no React, Next or WebRTC/],
  ['lib/transfer/x.ts', "import { x } from 'node-datachannel/polyfill';", /no React, Next or WebRTC/],
  ['lib/signaling/x.ts', "import { x } from '../client/share-link';", /lib\/signaling is the server/],
  ['lib/signaling/x.ts', "import { x } from '../rtc/signaling-client';", /lib\/signaling is the server/],
  ['lib/signaling/x.ts', "import { x } from '../cli/target';", /lib\/signaling is the server/],
  ['lib/storage/x.ts', "import { x } from '../client/errors';", /lib\/storage only holds received bytes/],
  ['lib/storage/x.ts', "import { x } from '../rtc/channel-port';", /lib\/storage only holds received bytes/],
  ['lib/storage/x.ts', "import { x } from '../signaling/validate';", /lib\/storage only holds received bytes/],
  ['lib/codes/x.ts', "import { x } from '../client/code-lookup';", /lib\/codes builds on lib\/protocol and lib\/crypto/],
  ['lib/rtc/x.ts', "import { x } from '../client/errors';", /lib\/rtc is WebRTC/],
  ['lib/client/x.ts', "import { x } from '../cli/terminal';", /lib\/client runs in the page/],
  ['lib/client/x.ts', "import { x } from '../config';", /lib\/client runs in the page/],
  ['lib/cli/x.ts', "import { x } from '../signaling/secrets';", /lib\/cli is a peer/],
  ['lib/config.ts', "import { x } from './signaling/hostile-relay';", /hostile-attacks\.ts/],
];

const right: [string, string][] = [
  ['lib/protocol/x.ts', "import { x } from './ids';"],
  ['lib/protocol/x.ts', "import type { ZodType as x } from 'zod';"],
  ['lib/protocol/zod.ts', "import { z as x } from 'zod';"],
  ['lib/crypto/x.ts', "import { x } from '../protocol/base64url';"],
  ['lib/transfer/x.ts', "import { x } from '../crypto/stream';"],
  ['lib/transfer/x.ts', "import { x } from '../storage/file-sink';"],
  ['lib/signaling/x.ts', "import { x } from '../protocol/signaling';"],
  ['lib/signaling/x.ts', "import { x } from '../log';"],
  ['lib/cli/x.ts', "import { x } from '../client/share-link';"],
  ['lib/client/x.ts', "import { x } from 'socket.io-client';"],
  ['lib/config.ts', "import { x } from './signaling/hostile-attacks';"],
];

describe('the layers of lib/ (eslint.config.mjs)', () => {
  it.each(wrong)('%s: %s is refused', async (filePath, code, message) => {
    const messages = await restrictedImports(filePath, code);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(message);
  });
  it.each(right)('%s: %s is allowed', async (filePath, code) => {
    expect(await restrictedImports(filePath, code)).toEqual([]);
  });
});
