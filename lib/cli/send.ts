import { openAsBlob } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import QRCode from 'qrcode';
import { SenderController } from '../client/sender-controller';
import type { SenderSnapshot } from '../client/transfer-status';
import type { VaultErrorCode } from '../protocol/errors';
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

/** The named files as disk-backed Files (read slice by slice, never whole), checked as the page checks a selection. */
export async function pickFiles(paths: readonly string[]): Promise<SelectedFile[]> {
  const picked: SelectedFile[] = [];
  for (const path of paths) {
    const info = await stat(path).catch(() => null);
    if (!info) throw new InputError(`${path}: no such file`);
    if (!info.isFile()) throw new InputError(`${path}: not a regular file (folders are not supported yet)`);
    const blob = await openAsBlob(path);
    picked.push({ path: basename(path), file: new File([blob], basename(path), { lastModified: info.mtimeMs }) });
  }
  const { files, skipped } = addToSelection([], picked);
  if (skipped.length > 0) throw new InputError(skipped.map((s) => `${s.path}: ${s.reason}`).join('\n'));
  return files;
}

/**
 * Sends with the browser's own SenderController: it creates the session, makes K and
 * the link, and runs one SendSession per receiver.
 */
export function send(options: SendOptions, files: SelectedFile[], terminal: Terminal): { done: Promise<number>; stop: () => void } {
  const controller = new SenderController(files, options.server, { serverUrl: options.server, maxReceivers: options.receivers, code: options.code });
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
  terminal.note(`Share this link; it works once and expires ${s.expiresAt ? new Date(s.expiresAt).toLocaleTimeString() : 'soon'}. ${s.files.length} file(s), ${total} bytes.`);
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
