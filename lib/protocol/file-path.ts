// Relative paths of shared files ("photos/2024/a.jpg"). A path comes from the peer, so
// it is checked segment by segment before anything uses it: it names a zip entry and a
// download, and must never climb out of, or jump past, the folder it is extracted to,
// collide with another file on a case-insensitive disk (macOS, Windows), name a Windows
// device, or look like something else on the page or in a terminal.
// The receiver stores bytes under random file ids, never under these paths.
// One rule for everyone: the receiver's manifest (browser and CLI), the sender's
// selection (browser and CLI) and the zip all use pathProblem and conflictingPath.

export const MAX_PATH_LENGTH = 1024;
export const MAX_PATH_DEPTH = 32;
export const MAX_SEGMENT_LENGTH = 255;

// C0 and C1 controls and DEL (\p{Cc}), line and paragraph separators: newlines or NUL
// confuse tools that list or extract.
const CONTROL = /[\p{Cc}\p{Zl}\p{Zp}]/u;
// Lone surrogates (what `!str.isWellFormed()` finds; the ES2023 lib has no typing for
// it): not text at all, and UTF-8 encoders turn them into U+FFFD, so two different
// paths could become one name.
const LONE_SURROGATE = /\p{Cs}/u;
// Characters that render as nothing or reorder what is around them: every format
// character (\p{Cf}: bidi overrides and isolates such as U+202E, zero-width space,
// joiners, BOM, soft hyphen, tag characters) and the rest of the default-ignorable ones
// (Hangul fillers, the combining grapheme joiner, variation selectors on their own).
// "‮txt.exe" shows as "exe.txt"; "a\u200Bb" looks like "ab" and is not it.
const INVISIBLE = /[\p{Cf}\p{Default_Ignorable_Code_Point}]/u;
// Two exceptions, because people name files with emoji: ZWJ (U+200D, itself \p{Cf})
// between two pictographs makes one emoji (👨‍👩‍👧, 👩🏽‍💻), and a variation selector right
// after an emoji character picks its colour form (❤️). Neither can hide or reorder
// letters: a ZWJ anywhere else, and U+FE0E/U+FE0F after a letter, are still refused.
// Flag sequences made of tag characters (🏴 of Scotland) stay refused.
const EMOJI_JOINS = /(?<=\p{Extended_Pictographic}[\uFE0F\p{Emoji_Modifier}]?)\u200D(?=\p{Extended_Pictographic})|(?<=\p{Emoji})[\uFE0E\uFE0F]/gu;
// Backslash is a separator on Windows, colon a drive or stream marker there.
const SEPARATOR_LIKE = /[\\:]/;
// Device names Windows resolves in any folder, with any extension ("con.txt",
// "Com1.log"), whatever the case. Superscript forms ("COM¹") never get here: they are
// not NFKC-stable. CONIN$ and CONOUT$ are the console's.
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[0-9]|lpt[0-9]|conin\$|conout\$)$/i;

const hex = (cp: number) => cp.toString(16).toUpperCase().padStart(4, '0');
const codePointName = (ch: string) => `U+${hex(ch.codePointAt(0)!)}`;

/**
 * `text` for a message or a page: anything that could hide, reorder or disguise what is
 * around it (controls, format and invisible characters, separators other than a space,
 * unassigned and private-use code points, lone surrogates, characters NFKC changes) is
 * written as `\uXXXX`, a backslash as `\\`, and a long text is cut. A refused path is
 * only ever shown through this, so the message about it cannot disguise itself.
 */
export function shownText(text: string, max = 120): string {
  let out = '';
  let count = 0;
  for (const ch of text) {
    if (count++ === max) return `${out}…`;
    const cp = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (/[\p{C}\p{Z}\p{Default_Ignorable_Code_Point}]/u.test(ch) && ch !== ' ') out += cp > 0xffff ? `\\u{${hex(cp)}}` : `\\u${hex(cp)}`;
    else if (ch.normalize('NFKC') !== ch) out += cp > 0xffff ? `\\u{${hex(cp)}}` : `\\u${hex(cp)}`;
    else out += ch;
  }
  return out;
}

/** Why one path segment (or a file's own name) is not safe, or null. `segment` is NFKC-stable and has no separators. */
export function segmentProblem(segment: string): string | null {
  if (segment.length === 0) return 'has an empty segment (// or a trailing /)';
  if (segment === '.' || segment === '..') return 'has a . or .. segment';
  if (segment.length > MAX_SEGMENT_LENGTH) return `has a segment longer than ${MAX_SEGMENT_LENGTH} characters`;
  // Windows drops trailing dots and spaces: "a." and "a " become "a", another file's name.
  if (/[. ]$/.test(segment)) return 'has a name ending in a dot or a space';
  const stem = segment.slice(0, segment.indexOf('.') === -1 ? undefined : segment.indexOf('.')).trimEnd();
  if (WINDOWS_DEVICE.test(stem)) return `uses a name Windows reserves for a device (${stem.toUpperCase()})`;
  return null;
}

/** Why the characters of `path` (anywhere in it) are not safe, or null. */
function characterProblem(path: string): string | null {
  if (LONE_SURROGATE.test(path)) return 'is not well-formed Unicode (a lone surrogate)';
  const control = CONTROL.exec(path);
  if (control) return `has a control or line-break character (${codePointName(control[0])})`;
  const invisible = INVISIBLE.exec(path.replace(EMOJI_JOINS, ''));
  if (invisible) return `has a bidi or invisible format character (${codePointName(invisible[0])})`;
  // Only NFKC-stable text is accepted, rather than normalising a peer's path and checking
  // the result: the path a peer sends is then exactly the name every check saw, and
  // nothing later (a file system that normalises, the zip tool, a person copying the
  // name) can turn an accepted name into another one. NFKC is the strongest of the four
  // forms (it implies NFC), so fullwidth "．．／" (→ "../"), "ﬁ", "Ⅸ", "℃" or "COM¹" are
  // refused, and so is text in decomposed form (NFD, as macOS file systems hand it out;
  // the sender composes its own paths to NFC first, see lib/transfer/selection.ts).
  const normal = path.normalize('NFKC');
  if (normal !== path) {
    const changed = [...path].find((ch) => ch.normalize('NFKC') !== ch);
    if (!changed) return 'is not in composed Unicode form (NFC/NFKC): it has combining marks that compose with the letter before them';
    return `changes under Unicode normalisation (NFKC): ${codePointName(changed)} becomes '${shownText(changed.normalize('NFKC'))}'`;
  }
  if (SEPARATOR_LIKE.test(path)) return 'has a backslash or a colon';
  return null;
}

/** Why `path` is not a safe relative path, or null when it is. The reason names no path (callers show it with shownText). */
export function pathProblem(path: string): string | null {
  if (path.length === 0) return 'is empty';
  if (path.length > MAX_PATH_LENGTH) return `is longer than ${MAX_PATH_LENGTH} characters`;
  const characters = characterProblem(path);
  if (characters) return characters;
  if (path.startsWith('/')) return 'must be relative (no leading /)';
  const segments = path.split('/');
  if (segments.length > MAX_PATH_DEPTH) return `is deeper than ${MAX_PATH_DEPTH} folders`;
  for (const segment of segments) {
    const problem = segmentProblem(segment);
    if (problem) return problem;
  }
  return null;
}

/** Why a file's own name (one segment: no `/`) is not safe, or null. */
export function nameProblem(name: string): string | null {
  if (name.includes('/')) return 'has a /';
  return pathProblem(name);
}

/** "path 'a/\u202Eexe.txt' has a bidi or invisible format character (U+202E)", or null when the path is safe. */
export function describePathProblem(path: string, what: 'path' | 'name' = 'path'): string | null {
  const problem = what === 'name' ? nameProblem(path) : pathProblem(path);
  return problem && `${what} '${shownText(path)}' ${problem}`;
}

/** The last segment: the file's own name. */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * What two paths must not share to sit side by side on a case-insensitive disk: NFKC,
 * then lower- and upper-casing. That is not Unicode's full case folding, and no two
 * file systems fold alike (NTFS's table maps one character at a time, APFS folds more);
 * going through both cases merges more than either ("ß" with "ss", "ς" with "σ", "ı"
 * with "i"), so it refuses a few pairs a disk would keep apart, never the reverse for
 * the common scripts.
 */
export function pathKey(path: string): string {
  return path.normalize('NFKC').toLowerCase().toUpperCase().normalize('NFKC');
}

/**
 * The first path that cannot sit in one folder tree with the others: a repeat, or a
 * file whose path is also another file's folder ("docs" and "docs/a.txt"), comparing
 * as a case-insensitive disk would (`pathKey`: "Docs/a" repeats "docs/a", a file
 * "docs" clashes with "DOCS/a.txt").
 */
export function conflictingPath(paths: readonly string[]): string | null {
  const files = new Set<string>();
  const folders = new Set<string>();
  for (const path of paths) {
    const key = pathKey(path);
    if (files.has(key) || folders.has(key)) return path;
    files.add(key);
    for (let slash = key.indexOf('/'); slash !== -1; slash = key.indexOf('/', slash + 1)) {
      const folder = key.slice(0, slash);
      if (files.has(folder)) return path;
      folders.add(folder);
    }
  }
  return null;
}
