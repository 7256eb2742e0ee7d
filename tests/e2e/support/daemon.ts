import { spawn, type ChildProcess } from 'node:child_process';

// A helper process (redis-server, nginx) that a test starts and stops. "Ready" is a
// line the program itself prints once it serves, so nothing waits on a timer.

export interface Daemon {
  process: ChildProcess;
  /** Everything it printed so far, for failure reports. */
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export async function startDaemon(name: string, command: string, args: string[], ready: RegExp): Promise<Daemon> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (ready.test(output)) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('error', (error) => reject(new Error(`${name}: ${error.message}`)));
    // Settles nothing once ready: a promise resolves only once.
    void exited.then((code) => reject(new Error(`${name} exited with ${String(code)} before it was ready:\n${output}`)));
  });
  return {
    process: child,
    output: () => output,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
