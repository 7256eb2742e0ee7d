#!/usr/bin/env node
// The command-line peer (`npx p2p-vault send FILE…`, `npx p2p-vault receive LINK|CODE`):
// it runs lib/'s TypeScript directly, like server.ts, through tsx.
import { register } from 'tsx/esm/api';

register();
await import('../lib/cli/main.ts');
