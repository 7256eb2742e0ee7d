import { lookupCode } from '../client/api-client';
import { isVaultError, USER_MESSAGES } from '../protocol/errors';
import { EXIT, exitCodeFor } from './exit-codes';
import { installWebRtc } from './node-rtc';
import { parseArgs, UsageError, USAGE, type Command } from './args';
import { findAsker, LineReader } from './prompt';
import { receive } from './receive';
import { outputFolder, OutputFolderError } from './safe-path';
import { InputError, pickFiles, send } from './send';
import { parseTarget, TargetError } from './target';
import { Terminal } from './terminal';

// `p2p-vault send FILE…` / `p2p-vault receive LINK|CODE`: the browser's transfer, in a terminal.

async function main(argv: string[]): Promise<number> {
  let command;
  try {
    command = parseArgs(argv, process.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`p2p-vault: ${error.message}\n\n${USAGE}\n`);
    return EXIT.usage;
  }
  if (command.kind === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return EXIT.ok;
  }
  const terminal = new Terminal(command.quiet);
  let running: { done: Promise<number>; stop: () => void };
  try {
    if (command.kind === 'send') {
      const files = await pickFiles(command.files);
      installWebRtc(process.env.P2P_VAULT_BIND_ADDRESS);
      running = send({ server: command.server, files: command.files, receivers: command.receivers, code: command.code }, files, terminal);
    } else {
      running = await startReceive(command, terminal);
    }
  } catch (error) {
    if (isVaultError(error)) {
      terminal.error(`error ${error.code}: ${USER_MESSAGES[error.code]}`);
      return exitCodeFor(error.code);
    }
    if (!(error instanceof InputError || error instanceof TargetError || error instanceof OutputFolderError)) throw error;
    terminal.error(`p2p-vault: ${error.message}`);
    return EXIT.usage;
  }
  const interrupt = () => {
    running.stop();
    terminal.error('interrupted: nothing incomplete was kept');
    process.exit(EXIT.interrupted);
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  return running.done;
}

/**
 * Everything a receive needs before it connects: the link (from stdin with `-`), the
 * output folder, and someone to answer "Accept…?" unless --yes. Without a terminal to
 * ask it stops here, exit 2, before contacting anyone.
 */
async function startReceive(command: Extract<Command, { kind: 'receive' }>, terminal: Terminal): Promise<{ done: Promise<number>; stop: () => void }> {
  const fromStdin = command.target === '-';
  let stdinLines: LineReader | undefined;
  let text = command.target;
  if (fromStdin) {
    stdinLines = new LineReader(process.stdin);
    if (process.stdin.isTTY) process.stderr.write('Paste the link or code, then press Enter: ');
    text = (await stdinLines.next())?.trim() ?? '';
    if (!text) throw new InputError('receive -: no link or code on stdin');
  } else if (/^https?:\/\//i.test(text.trim())) {
    terminal.note('hint: `p2p-vault receive -` reads the link from stdin, out of ps and shell history');
  }
  const target = parseTarget(text, command.server);
  const asker = command.yes ? null : findAsker({ stdin: process.stdin, stderr: process.stderr, stdinLines }, fromStdin);
  if (!command.yes && !asker) {
    throw new InputError(
      fromStdin
        ? 'stdin carried the link and there is no terminal to ask: pass --yes to accept without asking'
        : 'stdin is not a terminal: pass --yes to accept without asking',
    );
  }
  const outReal = await outputFolder(command.out);
  const options = { out: command.out, outReal, yes: command.yes, allowHidden: command.allowHidden, asker };
  installWebRtc(process.env.P2P_VAULT_BIND_ADDRESS);
  if (target.kind === 'code') {
    const sessionId = await lookupCode(target.server, target.code.nameplate);
    return receive({ server: target.server, sessionId, keyText: null, code: target.code, ...options }, terminal);
  }
  return receive({ server: target.server, sessionId: target.sessionId, keyText: target.keyText, code: null, ...options }, terminal);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`p2p-vault: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(EXIT.failed);
  },
);
