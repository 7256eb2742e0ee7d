import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { firstLine, runNode, type CliRun } from './cli-peer';

// Starts tests/e2e/support/hostile-sender-process.ts: the project's sender code with a
// forged file list. Tracked and stopped like every CLI peer (stopCliPeers).

const PROCESS = join(import.meta.dirname, 'hostile-sender-process.ts');

export type ForgedFile = { path: string; bytes: Uint8Array } | { path: string; from: string };

/**
 * Shares `files` under their forged paths. `link` resolves with the link (its first
 * stdout line); the process exits once the one recipient finished or failed, 0 or the
 * failure's exit status, with `error CODE: recipient 1: …` on stderr.
 */
export async function hostileSend(files: ForgedFile[], options: { server: string; scratch: string }): Promise<CliRun & { link: Promise<string> }> {
  const specPath = join(options.scratch, `forged-${Date.now()}.json`);
  const spec = files.map((f) => ('from' in f ? f : { path: f.path, base64: Buffer.from(f.bytes).toString('base64') }));
  await writeFile(specPath, JSON.stringify(spec));
  const run = runNode(PROCESS, [options.server, specPath], {});
  return { ...run, link: firstLine(run, 'hostile sender') };
}
