import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, openSync, closeSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { freePort } from '../../tests/support/free-port';

// The processes under test: the real server.ts, the bare Socket.IO baseline and
// redis-server, each on a loopback port picked here. Readiness is polled over HTTP
// rather than read from the log, so any LOG_LEVEL works; logs go to files (a pipe that
// is read late would block the server's synchronous log writes and skew the figures).

export const LOG_DIR = join('bench', 'results', 'signaling-logs');
const READY_TIMEOUT_MS = 90_000;
/** A well-formed id no session has: the API answers 404 once it is up. */
const PROBE_PATH = `/api/session/${'A'.repeat(22)}`;

// However the bench ends (done, interrupted, crashed), no server outlives it.
const live = new Set<ChildProcess>();
process.on('exit', () => live.forEach((child) => child.kill('SIGKILL')));

export interface Instance {
  name: string;
  url: string;
  pid: number;
  logFile: string;
  exited(): boolean;
  stop(): Promise<void>;
}

/** The last lines of a log, to explain a failure. */
export function logTail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

function spawnLogged(name: string, command: string, args: string[], env: NodeJS.ProcessEnv): { child: ChildProcess; logFile: string } {
  mkdirSync(LOG_DIR, { recursive: true });
  const logFile = join(LOG_DIR, `${name}.log`);
  const fd = openSync(logFile, 'w');
  const child = spawn(command, args, { env, stdio: ['ignore', fd, fd] });
  closeSync(fd); // the child holds its own copy
  live.add(child);
  child.on('exit', () => live.delete(child));
  return { child, logFile };
}

function asInstance(name: string, url: string, child: ChildProcess, logFile: string): Instance {
  return {
    name,
    url,
    pid: child.pid!,
    logFile,
    exited: () => child.exitCode !== null || child.signalCode !== null,
    stop: () => stopChild(child),
  };
}

async function untilReady(child: ChildProcess, url: string, logFile: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}:\n${logTail(logFile)}`);
    try {
      const response = await fetch(url + PROBE_PATH, { signal: AbortSignal.timeout(5_000) });
      await response.arrayBuffer();
      if (response.status < 500) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`not ready within ${READY_TIMEOUT_MS / 1000} s:\n${logTail(logFile)}`);
}

/** `args` follow `node --import tsx`: node flags, then the entry file. */
async function startNode(name: string, args: string[], env: Record<string, string>): Promise<Instance> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const { child, logFile } = spawnLogged(name, process.execPath, ['--import', 'tsx', ...args], {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    NODE_ENV: 'production',
    NEXT_TELEMETRY_DISABLED: '1',
    ...env,
  });
  const instance = asInstance(name, url, child, logFile);
  try {
    await untilReady(child, url, logFile);
  } catch (error) {
    await instance.stop();
    throw new Error(`${name}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return instance;
}

/**
 * The real server.ts (Next production build + Socket.IO). All clients share 127.0.0.1,
 * so the per-address abuse limits are raised to their maximums, and the session cap
 * above anything the bench reaches.
 */
export function startApp(name: string, nodeArgs: string[], logLevel: string, extra: Record<string, string> = {}): Promise<Instance> {
  return startNode(name, [...nodeArgs, 'server.ts'], {
    ICE_SERVERS: '[]',
    LOG_LEVEL: logLevel,
    MAX_SESSIONS: '1000000',
    RATE_LIMIT_SESSIONS_PER_MINUTE: '10000000',
    RATE_LIMIT_EVENTS_PER_MINUTE: '100000000',
    RATE_LIMIT_JOINS_PER_MINUTE: '10000000',
    ...extra,
  });
}

export function startEcho(name: string, nodeArgs: string[], extra: Record<string, string> = {}): Promise<Instance> {
  return startNode(name, [...nodeArgs, join('bench', 'signaling', 'echo-server.ts')], extra);
}

/** A throw-away Redis: no persistence, loopback only. */
export async function startRedis(name: string): Promise<Instance> {
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  const { child, logFile } = spawnLogged(name, 'redis-server', args, process.env);
  const url = `redis://127.0.0.1:${port}`;
  const instance = asInstance(name, url, child, logFile);
  try {
    for (let tries = 0; !(await pingOnce(url)); tries++) {
      if (child.exitCode !== null || tries > 100) throw new Error(`redis-server did not start:\n${logTail(logFile)}`);
      await sleep(100);
    }
  } catch (error) {
    await instance.stop();
    throw error;
  }
  return instance;
}

async function pingOnce(url: string): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  client.on('error', () => {});
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}
