import { lstat, mkdir, realpath, statfs } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { VaultError } from '../protocol/errors';

// Where a received path may be written inside the output folder, checked on the
// filesystem itself, not by comparing strings: every folder on the way is made one
// segment at a time and must be a real folder, never a symbolic link (which `mkdir -p`
// and `open` would follow out of the folder), and must still resolve inside it.

export class OutputFolderError extends Error {}

/**
 * The output folder's real path, made if missing. The folder is the person's own
 * choice, so a link they name as --out is theirs to follow; links *inside* it are not.
 */
export async function outputFolder(out: string): Promise<string> {
  const path = resolve(out);
  try {
    await mkdir(path, { recursive: true });
    const real = await realpath(path);
    if (!(await lstat(real)).isDirectory()) throw new OutputFolderError(`--out ${out} is not a folder`);
    return real;
  } catch (error) {
    if (error instanceof OutputFolderError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new OutputFolderError(code === 'EEXIST' || code === 'ENOTDIR' ? `--out ${out} is not a folder` : `--out ${out}: ${code ?? String(error)}`);
  }
}

/** Bytes an unprivileged writer may still use on the filesystem holding `dir`. */
export async function freeBytes(dir: string): Promise<number> {
  const { bavail, bsize } = await statfs(dir);
  return bavail * bsize;
}

export function isInside(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

// Refusals travel to the sender as the error's message: they name the sender's own
// paths, never where this computer keeps its output folder.
const linkRefusal = (path: string, folder: string) =>
  `Refused "${path}": ${folder} is a symbolic link in the output folder, and links are never followed.`;
const notFolderRefusal = (path: string, folder: string) => `Refused "${path}": ${folder} is not a folder in the output folder.`;

/** The manifest's checks again (no empty, `.` or `..` segment, no separator): here it matters most. */
export function checkedSegments(path: string): string[] {
  const segments = path.split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..' || s.includes('\\') || s.includes('\0'))) {
    throw new VaultError('manifest_invalid', `${path} would be written outside the output folder`);
  }
  return segments;
}

/**
 * Read-only: why `path` cannot be written under `root` as things stand (a folder on its
 * way is a symbolic link or not a folder), or null. Segments that do not exist yet
 * are fine: they will be made. The last segment may exist (the file gets `name (1)`).
 */
export async function pathObstacle(root: string, path: string): Promise<string | null> {
  const segments = checkedSegments(path);
  let dir = root;
  for (const [i, segment] of segments.slice(0, -1).entries()) {
    dir = join(dir, segment);
    const info = await lstat(dir).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return null;
      throw error;
    });
    if (!info) return null;
    const shown = segments.slice(0, i + 1).join('/');
    if (info.isSymbolicLink()) return linkRefusal(path, shown);
    if (!info.isDirectory()) return notFolderRefusal(path, shown);
  }
  return null;
}

/**
 * Makes the folders of `path` under `root` (a real path) one segment at a time, without
 * following any link, and returns the folder the file goes in. Throws `path_refused`
 * naming the path when a segment is a link or not a folder, or when the folder made
 * does not resolve inside `root` (something swapped it meanwhile).
 */
export async function makeFolders(root: string, path: string): Promise<string> {
  const segments = checkedSegments(path);
  let dir = root;
  for (const [i, segment] of segments.slice(0, -1).entries()) {
    dir = join(dir, segment);
    // Non-recursive: mkdir never follows a link here, it fails with EEXIST on one.
    await mkdir(dir).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw new VaultError('write_failed', `cannot make the folder for ${path}: ${error.code ?? error.message}`);
    });
    const info = await lstat(dir);
    const shown = segments.slice(0, i + 1).join('/');
    if (info.isSymbolicLink()) throw new VaultError('path_refused', linkRefusal(path, shown));
    if (!info.isDirectory()) throw new VaultError('path_refused', notFolderRefusal(path, shown));
  }
  const real = await realpath(dir);
  if (!isInside(root, real)) throw new VaultError('path_refused', `Refused "${path}": its folder resolves outside the output folder.`);
  return dir;
}
