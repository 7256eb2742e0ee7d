import { formatBytes } from '../transfer/format';

// What the receiving person is shown and asked before any byte is accepted, and the
// rules that refuse a transfer without asking: pure text and decisions, no I/O
// (lib/cli/accept.ts does the asking, lib/cli/safe-path.ts the filesystem).

export interface OfferedFile {
  path: string;
  size: number;
}

/** Rows of the file list before the rest is summed up as "… and N more". */
export const MAX_LISTED_FILES = 15;

/** Free space left over besides the files: 1% of them, at least 16 MiB. */
export function spaceMargin(total: number): number {
  return Math.max(16 * 1024 * 1024, Math.ceil(total / 100));
}

/**
 * A path as it may be shown on a terminal: the manifest already refuses control
 * characters; invisible format characters (right-to-left overrides that make
 * `exe.txt` read backwards, zero-width joiners) are shown as escapes.
 */
export function shownPath(path: string): string {
  return path.replace(/[\p{Cf}\p{Zl}\p{Zp}]/gu, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);
}

/** `text` cut in the middle to at most `width` characters. */
export function fitWidth(text: string, width: number): string {
  const chars = Array.from(text);
  if (chars.length <= width) return text;
  if (width <= 1) return '…'.slice(0, width);
  const head = Math.ceil((width - 1) / 2);
  const tail = width - 1 - head;
  return `${chars.slice(0, head).join('')}…${tail > 0 ? chars.slice(-tail).join('') : ''}`;
}

export function totalBytes(files: readonly OfferedFile[]): number {
  return files.reduce((sum, f) => sum + f.size, 0);
}

function filesWord(count: number): string {
  return count === 1 ? '1 file' : `${count} files`;
}

/**
 * The list shown before the question, one file a row (`  12.3 MiB  docs/a.pdf`), every
 * line at most `columns` wide; past `maxRows` files the rest is one "… and N more" row.
 */
export function fileList(files: readonly OfferedFile[], columns = 80, maxRows = MAX_LISTED_FILES): string[] {
  const width = Math.max(columns, 40);
  const shown = files.length > maxRows ? files.slice(0, maxRows - 1) : files;
  const rows = shown.map(({ path, size }) => {
    const prefix = `  ${formatBytes(size).padStart(9)}  `;
    return prefix + fitWidth(shownPath(path), width - prefix.length);
  });
  if (shown.length < files.length) {
    const rest = files.slice(shown.length);
    rows.push(`  … and ${rest.length} more (${formatBytes(totalBytes(rest))})`);
  }
  return [`The sender offers ${filesWord(files.length)}, ${formatBytes(totalBytes(files))} in all:`, ...rows];
}

/** `Accept 3 files (12.3 MiB) into /home/me? [y/N] `, the folder cut to fit `columns`. */
export function consentQuestion(files: readonly OfferedFile[], dir: string, columns = 80): string {
  const start = `Accept ${filesWord(files.length)} (${formatBytes(totalBytes(files))}) into `;
  const end = '? [y/N] ';
  return start + fitWidth(dir, Math.max(columns, 40) - start.length - end.length - 1) + end;
}

/** Only an explicit yes accepts; anything else, an empty line included, is No. */
export function isYes(answer: string | null): boolean {
  return answer !== null && /^\s*(y|yes)\s*$/i.test(answer);
}

/**
 * The first path with a segment starting with `.` (`.bashrc`, `.ssh/authorized_keys`,
 * `a/.config/x`): such names change how programs behave (shell start-up files, SSH
 * keys, autostart entries) and are refused unless the person passed --allow-hidden.
 */
export function hiddenPathProblem(paths: readonly string[], allowHidden: boolean): string | null {
  if (allowHidden) return null;
  const hidden = paths.filter((path) => path.split('/').some((segment) => segment.startsWith('.')));
  if (hidden.length === 0) return null;
  const more = hidden.length > 1 ? ` (and ${hidden.length - 1} more such ${hidden.length === 2 ? 'path' : 'paths'})` : '';
  return `Refused "${shownPath(hidden[0]!)}"${more}: names starting with "." (like .bashrc or .ssh) can change how programs on this computer behave. Receive again with --allow-hidden to accept them.`;
}

/** Why `free` bytes cannot hold a transfer of `total` (with its margin), or null. */
export function spaceProblem(total: number, free: number): string | null {
  const margin = spaceMargin(total);
  if (free >= total + margin) return null;
  return `Not enough free space in the output folder: the files need ${formatBytes(total)} (${total} bytes) plus ${formatBytes(margin)} to spare, and only ${formatBytes(free)} (${free} bytes) is free.`;
}
