import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { Command, Health, Reply, WorkerSettings } from './ipc';

// The coordinator's side of the client workers: fork them, send each a command, wait
// for all the replies. Several processes, because one Node process holding 20,000
// sockets would saturate its own event loop before the server's.

/** A command without its id (the pool numbers them); distributes over the union. */
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;
type Body = WithoutId<Command>;

interface Waiter {
  resolve(reply: Reply): void;
  reject(error: Error): void;
}

class Worker {
  private readonly waiting = new Map<number, Waiter>();
  private nextId = 1;
  exited = false;

  constructor(readonly child: ChildProcess) {
    child.on('message', (reply: Reply) => {
      this.waiting.get(reply.id)?.resolve(reply);
      this.waiting.delete(reply.id);
    });
    child.on('exit', (code, signal) => {
      this.exited = true;
      for (const waiter of this.waiting.values()) waiter.reject(new Error(`client worker ${child.pid} exited (${signal ?? code})`));
      this.waiting.clear();
    });
  }

  request(body: Body, timeoutMs: number): Promise<Reply> {
    const id = this.nextId++;
    return new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`client worker ${this.child.pid}: ${body.cmd} timed out after ${Math.round(timeoutMs / 1000)} s`));
      }, timeoutMs);
      const settle = <T>(fn: (value: T) => void) => (value: T) => {
        clearTimeout(timer);
        fn(value);
      };
      this.waiting.set(id, { resolve: settle(resolve), reject: settle(reject) });
      this.child.send({ ...body, id } as Command);
    });
  }
}

export interface WorkerAnswer<T> {
  result: T;
  health: Health;
}

export class WorkerPool {
  private constructor(private readonly workers: Worker[]) {}

  static start(count: number, settings: WorkerSettings): WorkerPool {
    const entry = fileURLToPath(new URL('./worker.ts', import.meta.url));
    const workers = Array.from({ length: count }, () => {
      const child = fork(entry, [], {
        execArgv: ['--import', 'tsx'],
        env: { ...process.env, BENCH_WORKER_SETTINGS: JSON.stringify(settings) },
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      return new Worker(child);
    });
    return new WorkerPool(workers);
  }

  get size(): number {
    return this.workers.length;
  }

  pids(): number[] {
    return this.workers.flatMap((w) => (w.child.pid ? [w.child.pid] : []));
  }

  /** Sends every worker its own command (`body(i)`) and resolves with all answers, in order. */
  async all<T>(body: (index: number) => Body, timeoutMs: number): Promise<WorkerAnswer<T>[]> {
    const replies = await Promise.all(this.workers.map((w, i) => w.request(body(i), timeoutMs)));
    return replies.map((reply) => {
      if (!reply.ok) throw new Error(reply.error);
      return { result: reply.result as T, health: reply.health };
    });
  }

  /** Asks the workers to let go of their sockets and exit; kills the ones that do not. */
  async close(): Promise<void> {
    await Promise.allSettled(this.workers.filter((w) => !w.exited).map((w) => w.request({ cmd: 'close' }, 30_000)));
    await Promise.all(
      this.workers.map(async (w) => {
        if (w.exited) return;
        const exited = once(w.child, 'exit');
        const timer = setTimeout(() => w.child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }),
    );
  }

  kill(): void {
    for (const w of this.workers) if (!w.exited) w.child.kill('SIGKILL');
  }
}
