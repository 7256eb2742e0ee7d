import type { Command, Reply, WorkerSettings } from './ipc';
import { ClientLoad } from './load';

// A client worker process (forked by pool.ts): holds its share of the socket.io-client
// connections and does what the coordinator's commands say, one at a time.

if (!process.send) throw new Error('worker.ts runs as a forked child of bench/signaling/run.ts');
const settings = JSON.parse(process.env.BENCH_WORKER_SETTINGS ?? '') as WorkerSettings;
const load = new ClientLoad(settings);
const send = (reply: Reply) => process.send!(reply);

async function handle(command: Command) {
  switch (command.cmd) {
    case 'warmup':
      return load.warmup(command.sessions);
    case 'ramp':
      return load.ramp(command.target, command.concurrency);
    case 'measure':
      return load.measure(command.relayRate, command.probeRate, command.durationMs, command.warmupMs);
    case 'close':
      load.close();
      return null;
  }
}

process.on('message', (command: Command) => {
  handle(command).then(
    (result) => {
      send({ id: command.id, ok: true, result, health: load.health() });
      if (command.cmd === 'close') process.disconnect();
    },
    (error: unknown) => send({ id: command.id, ok: false, error: error instanceof Error ? error.message : String(error), health: load.health() }),
  );
});
// The coordinator went away (finished, interrupted or crashed): so do we, with our sockets.
process.on('disconnect', () => process.exit(0));
