import { parseArgs as parseCommandLine } from 'node:util';

// The command line, parsed without side effects so it can be tested: what to do, with
// which files or link, against which server. Node's own util.parseArgs reads it
// (strict: an unknown option or a missing value is an error, never a file name).

export const DEFAULT_SERVER = 'http://localhost:3000';

/** Every line fits 80 columns. */
export const USAGE = `Usage:
  p2p-vault send [options] FILE|FOLDER...
      share files and folders: prints a link (and a short code with --code)
  p2p-vault receive [options] LINK|CODE|-
      receive into the current folder (or --out DIR); with -, the link or code
      is read from stdin, which keeps its key out of the process list and the
      shell history

Options:
  --server URL      the vault server (default: $P2P_VAULT_SERVER or
                    ${DEFAULT_SERVER}); a link names its own server
  --code            send: also make a short code like 7-orbit-lantern-velvet
  --receivers N     send: how many recipients the link admits (1-8, default 1)
  --out DIR         receive: where files are written (default: current folder)
  --yes, -y         receive: accept the files without asking; without it the
                    file list is shown and a terminal must answer y
  --allow-hidden    receive: accept names starting with "." in any part of a
                    path (.bashrc, .ssh/..., a/.config/...); refused otherwise
  --quiet, -q       no progress or notes; only the link/code (send) or the
                    saved paths (receive), and errors
  --help, -h        this text

Receiving never follows a symbolic link inside DIR, never replaces a file
(name (1).ext instead) and checks the free space before any byte arrives.

Exit status: 0 done, 1 the transfer failed or was declined, 2 bad usage (also:
no terminal to ask and no --yes), 3 integrity or authenticity check failed.`;

export type Command =
  | { kind: 'help' }
  | { kind: 'send'; files: string[]; server: string; code: boolean; receivers: number; quiet: boolean }
  | {
      kind: 'receive';
      /** A link, a code, or `-`: one line read from stdin. */
      target: string;
      server: string;
      out: string;
      quiet: boolean;
      /** Accept without asking. */
      yes: boolean;
      /** Accept path segments starting with `.`. */
      allowHidden: boolean;
    };

export class UsageError extends Error {}

const OPTIONS = {
  server: { type: 'string' },
  code: { type: 'boolean' },
  receivers: { type: 'string' },
  out: { type: 'string' },
  yes: { type: 'boolean', short: 'y' },
  'allow-hidden': { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** util.parseArgs's errors, in this tool's words. */
function usageError(error: unknown): UsageError {
  const { code, message } = error as { code?: string; message?: string };
  const text = message ?? String(error);
  // The option as typed: `'--bogus'`, `'--server <value>'`, `'-q, --quiet'`.
  const option = /'(?:-\w, )?(--?[^'\s<]+)/.exec(text)?.[1] ?? '';
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return new UsageError(`unknown option ${option} (a file named like an option goes after --)`);
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    if (/does not take an argument/.test(text)) return new UsageError(`${option} does not take a value`);
    return new UsageError(`${option} needs a value`);
  }
  return new UsageError(text);
}

/** `argv` without node and the script; `env` for the server default. */
export function parseArgs(argv: readonly string[], env: Record<string, string | undefined> = {}): Command {
  // --help wins wherever it stands before `--`, even next to a mistake.
  const end = argv.indexOf('--');
  if ((end === -1 ? argv : argv.slice(0, end)).some((arg) => arg === '--help' || arg === '-h')) return { kind: 'help' };
  let parsed;
  try {
    parsed = parseCommandLine({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: true });
  } catch (error) {
    throw usageError(error);
  }
  const { values, positionals } = parsed;
  const [verb, ...rest] = positionals;
  if (!verb) return { kind: 'help' };
  const server = checkServer(values.server ?? (env.P2P_VAULT_SERVER || DEFAULT_SERVER));
  const quiet = values.quiet ?? false;
  if (verb === 'send') {
    let receivers = 1;
    if (values.receivers !== undefined) {
      receivers = Number(values.receivers);
      if (!/^\d+$/.test(values.receivers) || receivers < 1 || receivers > 8) throw new UsageError('--receivers must be a whole number from 1 to 8');
    }
    if (rest.length === 0) throw new UsageError('send needs at least one FILE');
    return { kind: 'send', files: rest, server, code: values.code ?? false, receivers, quiet };
  }
  if (verb === 'receive') {
    if (rest.length !== 1) throw new UsageError('receive needs exactly one LINK or CODE (or - to read it from stdin)');
    return {
      kind: 'receive',
      target: rest[0]!,
      server,
      out: values.out ?? '.',
      quiet,
      yes: values.yes ?? false,
      allowHidden: values['allow-hidden'] ?? false,
    };
  }
  throw new UsageError(`unknown command ${verb} (use send or receive)`);
}

/** The server's origin: http(s) only, no path, so links and API calls are built from it. */
export function checkServer(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--server ${text} is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--server must be http or https, not ${url.protocol}`);
  return url.origin;
}
