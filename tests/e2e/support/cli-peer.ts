import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

// The command-line peer (bin/p2p-vault.mjs) as a test's other side: spawned from the
// repo root with its output collected. Inside the test's network namespace only `lo`
// exists, so libdatachannel is pinned to 127.0.0.1 (P2P_VAULT_BIND_ADDRESS). Every
// process started here is tracked until it exits; `stopCliPeers()` (after each test)
// ends whatever is still running, so no test leaves a peer behind.

const REPO = join(import.meta.dirname, '../../..');
const BIN = join(REPO, 'bin/p2p-vault.mjs');

export interface CliExit {
  /** The exit status; null when a signal ended it (see `signal`). */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliRun {
  process: ChildProcess;
  exit: Promise<CliExit>;
  /** What it printed so far (for failure messages). */
  output(): { stdout: string; stderr: string };
  /** SIGTERM (the CLI discards partial files and exits 130), SIGKILL if it is still there 5 s later. */
  kill(): Promise<CliExit>;
}

export interface CliOptions {
  /** The vault server: the test's baseURL. */
  server?: string;
  /** More arguments, placed before the files or link (e.g. `--quiet`). */
  args?: string[];
  env?: Record<string, string>;
  /** Another entry script in place of bin/p2p-vault.mjs (a test's hostile variant). */
  script?: string;
  /** Written to the process's stdin, which then ends; without it stdin is /dev/null. */
  stdin?: string;
  /**
   * Runs it on a pseudo-terminal (util-linux `script`): stdin, stdout and stderr are
   * the terminal, /dev/tty too; `run.process.stdin` types into it, and stdout holds
   * everything shown (stdout and stderr, with \r\n line ends).
   */
  terminal?: boolean;
  /**
   * In a session of its own, without a controlling terminal (no /dev/tty), whatever
   * terminal the test runner has.
   */
  noTerminal?: boolean;
}

const live = new Set<CliRun>();

const shellQuote = (arg: string) => `'${arg.replaceAll("'", `'\\''`)}'`;

/** Runs `script` (a file of this repository, .mjs or .ts) with `args` in Node. */
export function runNode(script: string, args: string[], options: CliOptions): CliRun {
  const node = [process.execPath, ...(script.endsWith('.ts') ? ['--import', 'tsx'] : []), script, ...args];
  if (options.terminal) return runOnTerminal(node.map(shellQuote).join(' '), options);
  return spawnTracked(node[0]!, node.slice(1), options);
}

/** Runs a shell command line on a pseudo-terminal (see CliOptions.terminal), from the repo root. */
export function runOnTerminal(commandLine: string, options: CliOptions): CliRun {
  return spawnTracked('script', ['--quiet', '--return', '--command', commandLine, '/dev/null'], { ...options, terminal: true });
}

function spawnTracked(command: string, argv: string[], options: CliOptions): CliRun {
  const child = spawn(command, argv, {
    cwd: REPO,
    env: { ...process.env, P2P_VAULT_BIND_ADDRESS: '127.0.0.1', NO_COLOR: '1', ...options.env },
    stdio: [options.stdin !== undefined || options.terminal ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    detached: options.noTerminal ?? false,
  });
  if (options.stdin !== undefined) child.stdin!.end(options.stdin);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  // 'close' (not 'exit'): the output pipes are drained by then.
  const exit = new Promise<CliExit>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  const run: CliRun = {
    process: child,
    exit,
    output: () => ({ stdout, stderr }),
    async kill() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        try {
          return await exit;
        } finally {
          clearTimeout(timer);
        }
      }
      return exit;
    },
  };
  live.add(run);
  void exit.finally(() => live.delete(run)).catch(() => {});
  return run;
}

function runCli(args: string[], options: CliOptions): CliRun {
  return runNode(options.script ?? BIN, args, options);
}

/** Resolves once `run` has printed `text` on stdout (or rejects when it ends first). */
export function printed(run: CliRun, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (!run.output().stdout.includes(text)) return false;
      run.process.stdout!.off('data', check);
      resolve();
      return true;
    };
    if (check()) return;
    run.process.stdout!.on('data', check);
    void run.exit.then(() => check() || reject(new Error(`ended without printing ${JSON.stringify(text)}:\n${run.output().stdout}${run.output().stderr}`)));
  });
}

/**
 * `p2p-vault send --server URL FILE…`. `link` resolves with the first stdout line (the
 * share link) and rejects if the process ends before printing one.
 */
export function cliSend(files: string[], options: CliOptions = {}): CliRun & { link: Promise<string> } {
  const serverArgs = options.server ? ['--server', options.server] : [];
  const run = runCli(['send', ...serverArgs, ...(options.args ?? []), '--', ...files], options);
  return { ...run, link: firstLine(run, 'p2p-vault send') };
}

/** The first line `run` prints on stdout (a sender's link); rejects if it ends before printing one. */
export function firstLine(run: CliRun, what: string): Promise<string> {
  const link = new Promise<string>((resolve, reject) => {
    let seen = '';
    const onData = (text: string) => {
      seen += text;
      const newline = seen.indexOf('\n');
      if (newline >= 0) {
        run.process.stdout!.off('data', onData);
        resolve(seen.slice(0, newline).trim());
      }
    };
    run.process.stdout!.on('data', onData);
    void run.exit.then(
      (exit) => reject(new Error(`${what} ended (${exit.code ?? exit.signal}) before printing a link:\n${exit.stderr}`)),
      reject,
    );
  });
  link.catch(() => {}); // a test that only awaits `exit` must not see an unhandled rejection
  return link;
}

/**
 * `p2p-vault receive --out DIR LINK`; resolves when the process has ended. Without a
 * terminal it needs `--yes` in `args` to accept anything; `link` `-` reads it from stdin.
 */
export function cliReceive(link: string, outDir: string, options: CliOptions = {}): Promise<CliExit> & { run: CliRun } {
  const serverArgs = options.server ? ['--server', options.server] : [];
  const run = runCli(['receive', ...serverArgs, '--out', outDir, ...(options.args ?? []), '--', link], options);
  return Object.assign(run.exit.then((exit) => exit), { run });
}

/** Ends every CLI peer still running (after each test). */
export async function stopCliPeers(): Promise<void> {
  await Promise.all([...live].map((run) => run.kill().catch(() => {})));
}

// Last resort if the test runner itself goes away: never leave a peer running.
process.once('exit', () => {
  for (const run of live) run.process.kill('SIGKILL');
});
