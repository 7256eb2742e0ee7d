import { resolve } from 'node:path';
import { ReceiverController } from '../client/receiver-controller';
import type { TypedCode } from '../codes/code-session';
import type { ReceiverHost } from '../client/receiver-host';
import { inProcessBackend } from '../client/receive-backend';
import type { StorageDecision } from '../client/receive-worker-protocol';
import type { ReceiverSnapshot } from '../client/transfer-status';
import type { VaultErrorCode } from '../protocol/errors';
import type { Manifest } from '../protocol/messages';
import { acceptManifest } from './accept';
import { diskSinks, type DiskPlace, type DiskSinks } from './disk-sink';
import { EXIT, exitCodeFor } from './exit-codes';
import type { Asker } from './prompt';
import { freeBytes } from './safe-path';
import type { Terminal } from './terminal';

export interface ReceiveOptions {
  server: string;
  sessionId: string;
  /** The link's key, or the code whose PAKE gives it. */
  keyText: string | null;
  code: TypedCode | null;
  /** The output folder as the person named it, and its real path (safe-path's outputFolder). */
  out: string;
  outReal: string;
  /** --yes: accept without asking. */
  yes: boolean;
  /** --allow-hidden: accept names starting with `.`. */
  allowHidden: boolean;
  /** Who is asked "Accept…?"; null only with --yes. */
  asker: Asker | null;
}

/**
 * The receiver controller's host in Node: the engine in-process, files into a folder.
 * `accept` answers the manifest before any chunk is accepted (acceptManifest: paths,
 * free space, the person's yes); a refusal fails the transfer with its named code.
 */
export function diskReceiverHost(
  server: string,
  sinks: DiskSinks,
  accept: (manifest: Manifest) => Promise<StorageDecision<DiskPlace>> = async () => ({ kind: 'disk' }),
): ReceiverHost<DiskPlace> {
  return {
    serverUrl: server,
    backend: inProcessBackend<DiskPlace>((_place, _manifest, file) => sinks.open(file)),
    storage: accept,
    // Each file is in the folder under its name once verified: nothing to link, pack or remove.
    fileUrl: () => '',
    mark: () => {},
    sweep: async () => {},
    release: () => {},
  };
}

/** How long a finished receiver waits for the sender to close the connection before it exits anyway. */
const SENDER_CLOSE_WAIT_MS = 5_000;

/**
 * Receives with the browser's own ReceiverController: same signaling, key
 * confirmation, STREAM decryption and verification; only the engine runs in-process
 * and writes to a folder.
 */
export function receive(options: ReceiveOptions, terminal: Terminal): { done: Promise<number>; stop: () => void } {
  const sinks = diskSinks(options.out, { allowHidden: options.allowHidden });
  const accept = (manifest: Manifest) =>
    acceptManifest(manifest, {
      root: options.outReal,
      shownDir: resolve(options.out),
      allowHidden: options.allowHidden,
      yes: options.yes,
      asker: options.asker,
      freeBytes,
      note: (line) => terminal.note(line),
    });
  const controller = new ReceiverController(options.sessionId, options.keyText, diskReceiverHost(options.server, sinks, accept), options.code);
  let shownStatus: ReceiverSnapshot['status'] | null = null;
  let printed = 0;
  const done = new Promise<number>((resolve) => {
    const finish = (code: number, settled: Promise<unknown>) => {
      unsubscribe();
      sinks.discardAll();
      void settled.then(() => {
        controller.dispose();
        resolve(code);
      });
    };
    const unsubscribe = controller.store.subscribe(() => {
      const s = controller.store.latest();
      if (s.status !== shownStatus) {
        shownStatus = s.status;
        if (s.status === 'waiting') terminal.note('Waiting for the sender…');
        if (s.status === 'connecting') terminal.note('Connecting to the sender…');
        if (s.status === 'receiving' && s.files.length > 0 && printed === 0) {
          terminal.note(`Receiving ${s.files.length === 1 ? s.files[0]!.path : `${s.files.length} files`} into ${options.out}`);
        }
      }
      if (s.status === 'reconnecting' && s.reconnect) terminal.note(`Connection dropped. Reconnecting… attempt ${s.reconnect.attempt} of ${s.reconnect.maxAttempts}`);
      for (const path of sinks.saved.slice(printed)) terminal.result(path);
      printed = sinks.saved.length;
      if (s.status === 'receiving' || s.status === 'reconnecting') terminal.progress('receiving', s.progress, s.speed);
      if (s.status === 'done') {
        terminal.progress('received', s.progress, null, true);
        terminal.clear();
        terminal.note(`Done: ${s.received.length} ${s.received.length === 1 ? 'file' : 'files'} verified (SHA-256).`);
        // The last verified ack is still on its way: leaving now could cut it off and the
        // sender would see us vanish instead of finish. It closes the connection once it
        // has every ack.
        finish(EXIT.ok, controller.settled(SENDER_CLOSE_WAIT_MS));
      } else if (s.status === 'error' && s.error) {
        terminal.error(`error ${s.error.code}: ${s.error.message}`);
        // A failed controller keeps its channel open until the error frame reached the
        // sender; exiting at once would cut it off, and the sender would only see this
        // peer leave (peer_left instead of the named error).
        finish(exitCodeFor(s.error.code as VaultErrorCode), controller.settled(SENDER_CLOSE_WAIT_MS));
      }
    });
  });
  void controller.start();
  return {
    done,
    stop: () => {
      options.asker?.close();
      controller.dispose();
      sinks.discardAll();
    },
  };
}
