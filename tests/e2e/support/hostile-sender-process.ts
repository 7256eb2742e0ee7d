import { openAsBlob } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { installWebRtc } from '../../../lib/cli/node-rtc';
import { send } from '../../../lib/cli/send';
import { Terminal } from '../../../lib/cli/terminal';
import type { SelectedFile } from '../../../lib/transfer/selection';

// A hostile sender, as its own process: the command-line peer's own `send` (the real
// SenderController, signaling, crypto and SendSession), but with a file list it made
// up instead of one read from disk by pickFiles, so its manifest names whatever paths
// it likes (`.bash_profile`, `.ssh/authorized_keys`, `link/pwned.txt`). The sender's
// own checks (lib/transfer/selection.ts) are skipped; the receiver's are what is tested.
//
// argv: SERVER SPEC.json, where the spec is `[{ path, base64 } | { path, from }]`:
// the file's bytes inline, or a file on disk to send under the forged path.

type Forged = { path: string; base64: string } | { path: string; from: string };

async function main(): Promise<number> {
  const [server, specPath] = process.argv.slice(2);
  const spec = JSON.parse(await readFile(specPath!, 'utf8')) as Forged[];
  const files: SelectedFile[] = [];
  for (const forged of spec) {
    const name = forged.path.slice(forged.path.lastIndexOf('/') + 1);
    const bytes = 'from' in forged ? await openAsBlob(forged.from) : new Blob([Buffer.from(forged.base64, 'base64')]);
    files.push({ path: forged.path, file: new File([bytes], name, { lastModified: Date.now() }) });
  }
  installWebRtc(process.env.P2P_VAULT_BIND_ADDRESS);
  const terminal = new Terminal(false);
  const running = send({ server: server!, files: [], receivers: 1, code: false }, files, terminal);
  process.once('SIGTERM', () => {
    running.stop();
    process.exit(130);
  });
  return running.done;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`hostile sender: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
