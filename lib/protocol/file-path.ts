// Relative paths of shared files ("photos/2024/a.jpg"). A path comes from the peer, so
// it is checked segment by segment before anything uses it: it names a zip entry and a
// download, and must never climb out of, or jump past, the folder it is extracted to.
// The receiver stores bytes under random file ids, never under these paths.

export const MAX_PATH_LENGTH = 1024;
export const MAX_PATH_DEPTH = 32;
export const MAX_SEGMENT_LENGTH = 255;

// C0 and C1 controls and DEL: invisible, and newlines or NUL confuse tools that list
// or extract. Backslash is a separator on Windows, colon a drive or stream marker there.
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\\:]/;

/** Why `path` is not a safe relative path, or null when it is. */
export function pathProblem(path: string): string | null {
  if (path.length === 0) return 'path is empty';
  if (path.length > MAX_PATH_LENGTH) return `path is longer than ${MAX_PATH_LENGTH} characters`;
  if (path.startsWith('/')) return 'path must be relative (no leading /)';
  if (FORBIDDEN.test(path)) return 'path has control characters, a backslash or a colon';
  const segments = path.split('/');
  if (segments.length > MAX_PATH_DEPTH) return `path is deeper than ${MAX_PATH_DEPTH} folders`;
  for (const segment of segments) {
    if (segment.length === 0) return 'path has an empty segment (// or a trailing /)';
    if (segment === '.' || segment === '..') return 'path has a . or .. segment';
    if (segment.length > MAX_SEGMENT_LENGTH) return `a path segment is longer than ${MAX_SEGMENT_LENGTH} characters`;
  }
  return null;
}

/** The last segment: the file's own name. */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * The first path that cannot sit in one folder tree with the others: a repeat, or a
 * file whose path is also another file's folder ("docs" and "docs/a.txt").
 */
export function conflictingPath(paths: readonly string[]): string | null {
  const files = new Set<string>();
  const folders = new Set<string>();
  for (const path of paths) {
    if (files.has(path) || folders.has(path)) return path;
    files.add(path);
    for (let slash = path.indexOf('/'); slash !== -1; slash = path.indexOf('/', slash + 1)) {
      const folder = path.slice(0, slash);
      if (files.has(folder)) return path;
      folders.add(folder);
    }
  }
  return null;
}
