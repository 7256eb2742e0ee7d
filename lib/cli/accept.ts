import type { StorageDecision } from '../client/receive-worker-protocol';
import type { DiskPlace } from './disk-sink';
import type { Manifest } from '../protocol/messages';
import { consentQuestion, fileList, hiddenPathProblem, isYes, spaceProblem, totalBytes } from './consent';
import type { Asker } from './prompt';
import { pathObstacle } from './safe-path';

// The command-line receiver's answer to a manifest, before any chunk is accepted: the
// paths must be allowed (no hidden names without --allow-hidden, no link or file on the
// way inside the folder), the disk must hold the files, and the person must say yes
// (or have passed --yes). A refusal fails the transfer with a named code the sender
// sees too; nothing is written.

export interface AcceptPolicy {
  /** The output folder's real path. */
  root: string;
  /** The folder as shown to the person (as they named it). */
  shownDir: string;
  allowHidden: boolean;
  /** --yes: accept without asking. */
  yes: boolean;
  /** Who answers the question; null only with --yes (main refuses to start otherwise). */
  asker: Asker | null;
  freeBytes(dir: string): Promise<number>;
  /** Notes for the person (the file list under --yes); silent with --quiet. */
  note(line: string): void;
}

const refuse = (code: 'declined' | 'path_refused' | 'insufficient_space', message: string): StorageDecision<DiskPlace> => ({ kind: 'refuse', code, message });

export async function acceptManifest(manifest: Manifest, policy: AcceptPolicy): Promise<StorageDecision<DiskPlace>> {
  const paths = manifest.files.map((f) => f.path);
  const hidden = hiddenPathProblem(paths, policy.allowHidden);
  if (hidden) return refuse('path_refused', hidden);
  for (const path of paths) {
    const obstacle = await pathObstacle(policy.root, path);
    if (obstacle) return refuse('path_refused', obstacle);
  }
  const total = totalBytes(manifest.files);
  const space = spaceProblem(total, await policy.freeBytes(policy.root));
  if (space) return refuse('insufficient_space', space);
  if (policy.yes) {
    for (const line of fileList(manifest.files)) policy.note(line);
    return { kind: 'disk' };
  }
  const asker = policy.asker;
  if (!asker) return refuse('declined', 'Nobody could be asked: pass --yes to accept without asking.');
  for (const line of fileList(manifest.files, asker.columns)) asker.say(line);
  const answer = await asker.ask(consentQuestion(manifest.files, policy.shownDir, asker.columns));
  asker.close();
  if (!isYes(answer)) return refuse('declined', 'You declined the files. Nothing was written.');
  return { kind: 'disk' };
}
