import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { freePort } from './free-port';

// A real redis-server on loopback for tests, with persistence off. It can be stopped
// and started again on the same port to simulate an outage.

export interface RunningRedis {
  url: string;
  port: number;
  stop(): Promise<void>;
  start(): Promise<void>;
}

export async function startRedis(): Promise<RunningRedis> {
  const port = await freePort();
  let child: ChildProcess | null = null;
  const redis: RunningRedis = {
    url: `redis://127.0.0.1:${port}`,
    port,
    async start() {
      const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = proc;
      await new Promise<void>((resolve, reject) => {
        let out = '';
        proc.stdout!.on('data', (d: Buffer) => {
          out += d;
          if (out.includes('Ready to accept connections')) resolve();
        });
        proc.on('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${out}`)));
      });
    },
    async stop() {
      if (!child || child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
  await redis.start();
  return redis;
}
