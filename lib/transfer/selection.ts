import { baseName, conflictingPath, pathKey, pathProblem, shownText } from '../protocol/file-path';
import { MAX_FILES_PER_TRANSFER, MAX_MANIFEST_BYTES } from '../protocol/messages';

// What the sender has chosen to share, before a session exists: files with their
// relative paths, in the order they were added. Everything the receiver would refuse
// (a bad path, a repeat, a file that is also a folder, too many files, a manifest too
// big for one frame) is turned away here, with a reason the person can read. The rule
// is the receiver's own (lib/protocol/file-path.ts), so a file named "CON.txt" or
// holding U+202E on the sender's disk is refused here, before any session exists.

export interface FileLike {
  size: number;
  type: string;
  lastModified: number;
}

export interface SelectedFile<F extends FileLike = File> {
  path: string;
  file: F;
}

export interface Skipped {
  /** The refused path as it may be shown (page or terminal): disguising characters escaped (shownText). */
  path: string;
  reason: string;
}

export interface FileSelection<F extends FileLike = File> {
  files: SelectedFile<F>[];
  skipped: Skipped[];
}

/** The JSON one file adds to the manifest (ids are fixed-length, so this is exact). */
function manifestEntryBytes({ path, file }: SelectedFile<FileLike>): number {
  const entry = {
    fileId: 'x'.repeat(22),
    name: baseName(path),
    path,
    size: file.size,
    type: file.type.slice(0, 255),
    lastModified: Math.max(0, Math.trunc(file.lastModified)),
  };
  return new TextEncoder().encode(JSON.stringify(entry)).length + 1;
}

/** The manifest around its files: `{"transferId":"…","chunkSize":262106,"files":[]}`. */
const MANIFEST_FRAME_BYTES = 64;

/** Adds `incoming` after `current`; what cannot be shared is listed in `skipped`. */
export function addToSelection<F extends FileLike>(current: readonly SelectedFile<F>[], incoming: readonly SelectedFile<F>[]): FileSelection<F> {
  const files = [...current];
  const skipped: Skipped[] = [];
  let bytes = MANIFEST_FRAME_BYTES + files.reduce((sum, f) => sum + manifestEntryBytes(f), 0);
  for (const picked of incoming) {
    // NFKC, the form the rule accepts: composed (macOS hands out names decomposed,
    // "re\u0301sume\u0301.pdf") and without compatibility forms, so a Japanese
    // "資料１.pdf" is shared as "資料1.pdf" rather than refused. Every check below runs on
    // the normalised path, which is what the receiver sees; a character that would turn
    // into a separator ("a／b", "．．／x") is refused rather than made into a folder.
    const path = picked.path.normalize('NFKC');
    const candidate = path === picked.path ? picked : { ...picked, path };
    const shown = shownText(picked.path);
    const problem = path.split('/').length !== picked.path.split('/').length ? "has a character that becomes '/' under Unicode normalisation (NFKC)" : pathProblem(path);
    if (problem) {
      skipped.push({ path: shown, reason: problem });
      continue;
    }
    if (files.some((f) => f.path === path)) {
      skipped.push({ path: shown, reason: 'already in the list' });
      continue;
    }
    if (files.some((f) => pathKey(f.path) === pathKey(path))) {
      skipped.push({ path: shown, reason: 'another file has the same name apart from upper/lower case' });
      continue;
    }
    if (conflictingPath([...files.map((f) => f.path), path]) !== null) {
      skipped.push({ path: shown, reason: 'a file and a folder would have the same name' });
      continue;
    }
    if (files.length >= MAX_FILES_PER_TRANSFER) {
      skipped.push({ path: shown, reason: `at most ${MAX_FILES_PER_TRANSFER} files can be shared at once` });
      continue;
    }
    const entry = manifestEntryBytes(candidate);
    if (bytes + entry > MAX_MANIFEST_BYTES) {
      skipped.push({ path: shown, reason: 'the list of files is too long to send; share the rest separately' });
      continue;
    }
    bytes += entry;
    files.push(candidate);
  }
  return { files, skipped };
}

export function removeFromSelection<F extends FileLike>(current: readonly SelectedFile<F>[], path: string): SelectedFile<F>[] {
  return current.filter((f) => f.path !== path);
}

export function selectionBytes(files: readonly SelectedFile<FileLike>[]): number {
  return files.reduce((sum, f) => sum + f.file.size, 0);
}
