import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

// Starts the real server.ts (Next production build + Socket.IO) on a free loopback
// port and resolves once it logs that it listens.

export interface RunningServer {
  url: string;
  process: ChildProcess;
  stderr: () => string;
  /** the JSON log lines printed so far */
  stdout: () => string;
  /** Resolves with the first log entry (already printed or still to come) that matches. */
  logged(match: (entry: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function startServer(env: Record<string, string> = {}): Promise<RunningServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server.ts'], {
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      ICE_SERVERS: '[]',
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      LOG_LEVEL: 'info',
      // Every test client shares one address; tests of the limits lower them again.
      RATE_LIMIT_SESSIONS_PER_MINUTE: '100000',
      RATE_LIMIT_EVENTS_PER_MINUTE: '10000000',
      RATE_LIMIT_JOINS_PER_MINUTE: '100000',
      RATE_LIMIT_CODE_LOOKUPS_PER_MINUTE: '100000',
      MAX_SESSIONS_PER_ADDRESS: '100000',
      MAX_SOCKETS_PER_ADDRESS: '100000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  let stdout = '';
  const lines = createInterface({ input: child.stdout! });
  lines.on('line', (line) => (stdout += line + '\n'));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL'); // never leave a half-started server behind
      reject(new Error(`server did not start: ${stderr}`));
    }, 60_000);
    child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${stderr}`)));
    lines.on('line', (line) => {
      try {
        const entry = JSON.parse(line) as { msg?: string; port?: number };
        if (entry.msg === 'listening') {
          clearTimeout(timer);
          resolve(`http://127.0.0.1:${entry.port}`);
        }
      } catch {
        // Next prints plain lines too
      }
    });
  });
  return {
    url,
    process: child,
    stderr: () => stderr,
    stdout: () => stdout,
    logged(match, timeoutMs = 5_000) {
      const parse = (line: string) => {
        try {
          return JSON.parse(line) as Record<string, unknown>;
        } catch {
          return null;
        }
      };
      const seen = stdout.split('\n').map(parse).find((entry) => entry && match(entry));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('expected log line never came')), timeoutMs);
        const listener = (line: string) => {
          const entry = parse(line);
          if (!entry || !match(entry)) return;
          clearTimeout(timer);
          lines.off('line', listener);
          resolve(entry);
        };
        lines.on('line', listener);
      });
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null) return child.exitCode;
      const exited = once(child, 'exit');
      child.kill(signal);
      const [code] = await exited;
      return code as number | null;
    },
  };
}
