#!/usr/bin/env node
// TEST ONLY: `p2p-vault send` with its flow window switched off, so it sends chunks
// as fast as the link takes them whatever the receiver has acknowledged. The hostile
// peer of tests/e2e/flow-window.spec.ts; everything else is the real command-line sender.
import { register } from 'tsx/esm/api';

register();
const { FlowWindow } = await import('../../../lib/transfer/flow-window.ts');
FlowWindow.prototype.canSend = () => true;
await import('../../../lib/cli/main.ts');
