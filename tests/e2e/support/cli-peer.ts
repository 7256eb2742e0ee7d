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
}

const live = new Set<CliRun>();

function runCli(args: string[], options: CliOptions): CliRun {
  const argv = [options.script ?? BIN, ...args];
  const child = spawn(process.execPath, argv, {
    cwd: REPO,
    env: { ...process.env, P2P_VAULT_BIND_ADDRESS: '127.0.0.1', NO_COLOR: '1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
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

/**
 * `p2p-vault send --server URL FILE…`. `link` resolves with the first stdout line (the
 * share link) and rejects if the process ends before printing one.
 */
export function cliSend(files: string[], options: CliOptions = {}): CliRun & { link: Promise<string> } {
  const serverArgs = options.server ? ['--server', options.server] : [];
  const run = runCli(['send', ...serverArgs, ...(options.args ?? []), '--', ...files], options);
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
      (exit) => reject(new Error(`p2p-vault send ended (${exit.code ?? exit.signal}) before printing a link:\n${exit.stderr}`)),
      reject,
    );
  });
  link.catch(() => {}); // a test that only awaits `exit` must not see an unhandled rejection
  return { ...run, link };
}

/** `p2p-vault receive --out DIR LINK`; resolves when the process has ended. */
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
