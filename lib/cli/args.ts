// The command line, parsed without side effects so it can be tested: what to do, with
// which files or link, against which server.

export const DEFAULT_SERVER = 'http://localhost:3000';

export const USAGE = `Usage:
  p2p-vault send [options] FILE|FOLDER... share files and folders; prints a link (and a short code with --code)
  p2p-vault receive [options] LINK|CODE  receive into the current folder (or --out DIR)

Options:
  --server URL      the vault server (default: $P2P_VAULT_SERVER or ${DEFAULT_SERVER});
                    a link names its own server
  --code            send: also make a short code like 7-orbit-lantern-velvet
  --receivers N     send: how many recipients the link admits (1-8, default 1)
  --out DIR         receive: where files are written (default: current folder)
  --quiet, -q       no progress or notes; only the link/code (send) or saved paths (receive), and errors
  --help, -h        this text

Exit status: 0 done, 1 the transfer failed, 2 bad usage, 3 integrity or authenticity check failed.`;

export type Command =
  | { kind: 'help' }
  | { kind: 'send'; files: string[]; server: string; code: boolean; receivers: number; quiet: boolean }
  | { kind: 'receive'; target: string; server: string; out: string; quiet: boolean };

export class UsageError extends Error {}

/** `argv` without node and the script; `env` for the server default. */
export function parseArgs(argv: readonly string[], env: Record<string, string | undefined> = {}): Command {
  const positional: string[] = [];
  let server = env.P2P_VAULT_SERVER || DEFAULT_SERVER;
  let code = false;
  let quiet = false;
  let receivers = 1;
  let out = '.';
  const value = (i: number, flag: string) => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '--help' || arg === '-h') return { kind: 'help' };
    else if (arg === '--quiet' || arg === '-q') quiet = true;
    else if (arg === '--code') code = true;
    else if (arg === '--server') server = value(i++, arg);
    else if (arg === '--out') out = value(i++, arg);
    else if (arg === '--receivers') {
      receivers = Number(value(i++, arg));
      if (!Number.isInteger(receivers) || receivers < 1 || receivers > 8) throw new UsageError('--receivers must be a whole number from 1 to 8');
    } else if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option ${arg}`);
    else positional.push(arg);
  }
  const [verb, ...rest] = positional;
  if (!verb) return { kind: 'help' };
  server = checkServer(server);
  if (verb === 'send') {
    if (rest.length === 0) throw new UsageError('send needs at least one FILE');
    return { kind: 'send', files: rest, server, code, receivers, quiet };
  }
  if (verb === 'receive') {
    if (rest.length !== 1) throw new UsageError('receive needs exactly one LINK or CODE');
    return { kind: 'receive', target: rest[0]!, server, out, quiet };
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
