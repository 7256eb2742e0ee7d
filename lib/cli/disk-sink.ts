import { constants, openAsBlob, unlinkSync } from 'node:fs';
import { link, lstat, open, realpath, rename, unlink } from 'node:fs/promises';
import { extname, join, relative, resolve } from 'node:path';
import { VaultError } from '../protocol/errors';
import type { ManifestFile } from '../protocol/messages';
import { RECEIVED_TYPE, type FileSink } from '../storage/file-sink';
import { hiddenPathProblem } from './consent';
import { checkedSegments, makeFolders } from './safe-path';

// Writes received files into a folder, streaming. Bytes go to a hidden `.part` file
// next to the target; only a file whose SHA-256 verified is linked under its final
// name, and never over an existing file (`name (1).ext` instead). A failed or
// interrupted transfer leaves no file behind. Paths go through safe-path: no link
// inside the folder is ever followed, and hidden names need `allowHidden`.

/** The command-line receiver's one place: the output folder these sinks write into. */
export interface DiskPlace {
  kind: 'disk';
}

export interface DiskSinks {
  open(file: ManifestFile): Promise<FileSink>;
  /** Final paths of the verified files, in order (under the folder as it was named). */
  readonly saved: string[];
  /** Removes every part file still open; synchronous, for process exit. */
  discardAll(): void;
}

export interface DiskSinkOptions {
  /** Accept path segments starting with `.`; the receiver asked for it (--allow-hidden). */
  allowHidden?: boolean;
}

/** Create only, never through a link: O_EXCL fails on any existing name, a dangling link included. */
const PART_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

export function diskSinks(outDir: string, options: DiskSinkOptions = {}): DiskSinks {
  const named = resolve(outDir);
  // The folder's real path, resolved once: every folder made inside must stay under it.
  let rootReal: Promise<string> | null = null;
  const parts = new Set<string>();
  const saved: string[] = [];

  return {
    saved,
    discardAll() {
      for (const part of parts) {
        try {
          unlinkSync(part);
        } catch {
          // already gone
        }
      }
      parts.clear();
    },
    async open(file) {
      checkedSegments(file.path);
      const hidden = hiddenPathProblem([file.path], options.allowHidden ?? false);
      if (hidden) throw new VaultError('path_refused', hidden);
      rootReal ??= realpath(named);
      const root = await rootReal;
      const dir = await makeFolders(root, file.path);
      const name = file.path.slice(file.path.lastIndexOf('/') + 1);
      const target = join(dir, name);
      const part = join(dir, `.${name}.${file.fileId.slice(0, 8)}.p2pvault-part`);
      const handle = await open(part, PART_FLAGS, 0o666).catch((error: NodeJS.ErrnoException) => {
        throw new VaultError('write_failed', `cannot create ${part}: ${error.code ?? error.message}`);
      });
      parts.add(part);
      let offset = 0;
      let closed = false;
      const release = async () => {
        if (!closed) await handle.close().catch(() => {});
        closed = true;
      };
      return {
        async write(bytes) {
          const { bytesWritten } = await handle.write(bytes, 0, bytes.length, offset).catch((error: NodeJS.ErrnoException) => {
            throw new VaultError(error.code === 'ENOSPC' ? 'insufficient_space' : 'write_failed', `${file.name}: ${error.code ?? error.message}`);
          });
          if (bytesWritten !== bytes.length) throw new VaultError('write_failed', `short write to ${file.name}`);
          offset += bytesWritten;
        },
        async close() {
          await handle.sync();
          await release();
          const final = await linkUnique(part, target);
          await unlink(part).catch(() => {});
          parts.delete(part);
          saved.push(join(named, relative(root, final)));
          return openAsBlob(final, { type: RECEIVED_TYPE });
        },
        async abort() {
          await release();
          await unlink(part).catch(() => {});
          parts.delete(part);
        },
      };
    },
  };
}

/**
 * Hard-links `part` as `target`, or `target (1)`, `(2)`…: `link` fails with EEXIST on any
 * existing name, a symbolic link (even a dangling one) included, so it neither replaces
 * a file nor writes through a link.
 */
async function linkUnique(part: string, target: string): Promise<string> {
  const ext = extname(target);
  const stem = target.slice(0, target.length - ext.length);
  for (let n = 0; n < 1000; n++) {
    const candidate = n === 0 ? target : `${stem} (${n})${ext}`;
    try {
      await link(part, candidate);
      return candidate;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // Filesystems without hard links (FAT, some network shares): check, then rename.
      // lstat, not access: a dangling link counts as taken.
      if ((code === 'EPERM' || code === 'ENOTSUP') && !(await lstat(candidate).then(() => true, () => false))) {
        await rename(part, candidate);
        return candidate;
      }
      if (code !== 'EEXIST') throw new VaultError('write_failed', `cannot save ${candidate}: ${String(error)}`);
    }
  }
  throw new VaultError('write_failed', `too many files named like ${target}`);
}
