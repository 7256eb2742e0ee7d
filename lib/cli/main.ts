import { lookupCode } from '../client/code-lookup';
import { isVaultError, USER_MESSAGES } from '../protocol/errors';
import { EXIT, exitCodeFor } from './exit-codes';
import { installWebRtc } from './node-rtc';
import { parseArgs, UsageError, USAGE } from './args';
import { receive } from './receive';
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
      const target = parseTarget(command.target, command.server);
      installWebRtc(process.env.P2P_VAULT_BIND_ADDRESS);
      if (target.kind === 'code') {
        const sessionId = await lookupCode(target.server, target.code.nameplate);
        running = receive({ server: target.server, sessionId, keyText: null, code: target.code, out: command.out }, terminal);
      } else {
        running = receive({ server: target.server, sessionId: target.sessionId, keyText: target.keyText, code: null, out: command.out }, terminal);
      }
    }
  } catch (error) {
    if (isVaultError(error)) {
      terminal.error(`error ${error.code}: ${USER_MESSAGES[error.code]}`);
      return exitCodeFor(error.code);
    }
    if (!(error instanceof InputError || error instanceof TargetError)) throw error;
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

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`p2p-vault: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(EXIT.failed);
  },
);
