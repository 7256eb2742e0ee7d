import { openAsBlob } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import QRCode from 'qrcode';
import { SenderController } from '../client/sender-controller';
import { nodeFileHasher } from './node-file-hasher';
import type { SenderSnapshot } from '../client/transfer-status';
import type { VaultErrorCode } from '../protocol/errors';
import { formatBytes } from '../transfer/format';
import { addToSelection, type SelectedFile } from '../transfer/selection';
import { EXIT, exitCodeFor } from './exit-codes';
import type { Terminal } from './terminal';

export interface SendOptions {
  server: string;
  files: string[];
  receivers: number;
  code: boolean;
}

export class InputError extends Error {}

/**
 * The named files and folders as disk-backed Files (read slice by slice, never whole),
 * checked as the page checks a selection. A folder goes with its contents, under its
 * own name (`photos/2026/a.jpg`), as a folder dropped on the page does.
 */
export async function pickFiles(paths: readonly string[]): Promise<SelectedFile[]> {
  const picked: SelectedFile[] = [];
  for (const path of paths) {
    const info = await stat(path).catch(() => null);
    if (!info) throw new InputError(`${path}: no such file or folder`);
    if (info.isDirectory()) picked.push(...(await folderFiles(path, basename(resolve(path)))));
    else if (info.isFile()) picked.push(await diskFile(path, basename(path)));
    else throw new InputError(`${path}: not a regular file or folder`);
  }
  if (picked.length === 0) throw new InputError('nothing to send: the folders are empty');
  const { files, skipped } = addToSelection([], picked);
  if (skipped.length > 0) throw new InputError(skipped.map((s) => `${s.path}: ${s.reason}`).join('\n'));
  return files;
}

async function diskFile(path: string, shared: string): Promise<SelectedFile> {
  const info = await stat(path);
  const blob = await openAsBlob(path);
  return { path: shared, file: new File([blob], basename(path), { lastModified: info.mtimeMs }) };
}

/** Regular files under `dir`, in name order; links and devices are left out, as a browser leaves them out. */
async function folderFiles(dir: string, shared: string): Promise<SelectedFile[]> {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const files: SelectedFile[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await folderFiles(path, `${shared}/${entry.name}`)));
    else if (entry.isFile()) files.push(await diskFile(path, `${shared}/${entry.name}`));
  }
  return files;
}

/**
 * Sends with the browser's own SenderController: it creates the session, makes K and
 * the link, and runs one SendSession per receiver.
 */
export function send(options: SendOptions, files: SelectedFile[], terminal: Terminal): { done: Promise<number>; stop: () => void } {
  const controller = new SenderController(files, options.server, { serverUrl: options.server, maxReceivers: options.receivers, code: options.code, hasher: nodeFileHasher() });
  let linkShown = false;
  const reported = new Set<string>();
  const done = new Promise<number>((resolve) => {
    const finish = (code: number) => {
      unsubscribe();
      // Let the receiver's last frames and the session end reach the other side.
      setTimeout(() => {
        controller.dispose();
        resolve(code);
      }, 300);
    };
    const unsubscribe = controller.store.subscribe(() => {
      const s = controller.store.latest();
      if (s.link && !linkShown) {
        linkShown = true;
        void showLink(s, terminal);
      }
      if (s.notice) terminal.note(`note: ${s.notice.message}`);
      const failed = reportReceivers(s, reported, terminal);
      if (s.status === 'sending' || s.status === 'reconnecting') terminal.progress('sending', s.progress, s.speed);
      if (s.status === 'done') {
        terminal.progress('sent', s.progress, null, true);
        terminal.clear();
        terminal.note('Done: every recipient verified the files.');
        finish(EXIT.ok);
      } else if (s.status === 'error' && s.error) {
        terminal.error(`error ${s.error.code}: ${s.error.message}`);
        finish(exitCodeFor(s.error.code as VaultErrorCode));
      } else if (failed && options.receivers === 1) {
        // A script waits for one recipient: its failure is the outcome.
        finish(exitCodeFor(failed));
      }
    });
  });
  void controller.start();
  return { done, stop: () => controller.dispose() };
}

async function showLink(s: SenderSnapshot, terminal: Terminal): Promise<void> {
  terminal.result(s.link!);
  if (s.code) terminal.result(s.code);
  if (process.stderr.isTTY) terminal.note(await QRCode.toString(s.link!, { type: 'terminal', small: true }));
  if (s.code) {
    const origin = new URL(s.link!).origin;
    terminal.note(`Or read out the code ${s.code}: they type it at ${origin}/c or run \`p2p-vault receive ${s.code}\`. It allows one try.`);
  }
  const total = s.files.reduce((sum, f) => sum + f.size, 0);
  const who = s.maxReceivers === 1 ? 'one recipient' : `up to ${s.maxReceivers} recipients`;
  const until = s.expiresAt ? new Date(s.expiresAt).toLocaleTimeString() : 'soon';
  terminal.note(`Share this link: it works for ${who} until ${until}. ${s.files.length} ${s.files.length === 1 ? 'file' : 'files'}, ${formatBytes(total)}.`);
  terminal.note('Waiting for the recipient…');
}

/** Prints each receiver's change once; returns the code of a receiver that just failed. */
function reportReceivers(s: SenderSnapshot, reported: Set<string>, terminal: Terminal): VaultErrorCode | null {
  let failed: VaultErrorCode | null = null;
  for (const r of s.receivers) {
    const key = `${r.number}:${r.status}`;
    if (reported.has(key)) continue;
    reported.add(key);
    if (r.status === 'connecting') terminal.note(`Recipient ${r.number} is connecting…`);
    if (r.status === 'sending') terminal.note(`Sending to recipient ${r.number}…`);
    if (r.status === 'reconnecting') terminal.note(`Connection to recipient ${r.number} dropped. Reconnecting…`);
    if (r.status === 'done') terminal.note(`Recipient ${r.number} received and verified everything.`);
    if (r.status === 'failed' && r.error) {
      terminal.error(`error ${r.error.code}: recipient ${r.number}: ${r.error.message}`);
      failed = r.error.code as VaultErrorCode;
    }
  }
  return failed;
}
