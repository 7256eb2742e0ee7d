import { openAsBlob } from 'node:fs';
import { access, link, mkdir, open, rename, unlink } from 'node:fs/promises';
import { unlinkSync } from 'node:fs';
import { basename, dirname, extname, join, relative, resolve, sep } from 'node:path';
import { VaultError } from '../protocol/errors';
import type { ManifestFile } from '../protocol/messages';
import type { FileSink } from '../storage/file-sink';

// Writes received files into a folder, streaming. Bytes go to a hidden `.part` file
// next to the target; only a file whose SHA-256 verified is linked under its final
// name, and never over an existing file (`name (1).ext` instead). A failed or
// interrupted transfer leaves no file behind.

export interface DiskSinks {
  open(file: ManifestFile): Promise<FileSink>;
  /** Final paths of the verified files, in order. */
  readonly saved: string[];
  /** Removes every part file still open; synchronous, for process exit. */
  discardAll(): void;
}

export function diskSinks(outDir: string): DiskSinks {
  const root = resolve(outDir);
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
      const target = resolve(root, ...file.path.split('/'));
      // The manifest's paths were validated (no `..`, no absolute paths); check again, here it matters most.
      const inside = relative(root, target);
      if (inside === '' || inside.startsWith('..') || inside.split(sep).includes('..')) {
        throw new VaultError('manifest_invalid', `${file.path} would be written outside ${root}`);
      }
      await mkdir(dirname(target), { recursive: true });
      const part = join(dirname(target), `.${basename(target)}.${file.fileId.slice(0, 8)}.p2pvault-part`);
      const handle = await open(part, 'wx').catch((error: NodeJS.ErrnoException) => {
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
          saved.push(final);
          return openAsBlob(final, { type: file.type || 'application/octet-stream' });
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

/** Hard-links `part` as `target`, or `target (1)`, `(2)`…: `link` fails rather than replace a file. */
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
      if ((code === 'EPERM' || code === 'ENOTSUP') && !(await access(candidate).then(() => true, () => false))) {
        await rename(part, candidate);
        return candidate;
      }
      if (code !== 'EEXIST') throw new VaultError('write_failed', `cannot save ${candidate}: ${String(error)}`);
    }
  }
  throw new VaultError('write_failed', `too many files named like ${target}`);
}
