import { startDaemon, type Daemon } from './daemon';

/** A throwaway redis-server on 127.0.0.1:`port` that keeps nothing on disk. */
export async function startRedis(port: number, dir: string): Promise<Daemon & { url: string }> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
  const redis = await startDaemon('redis-server', 'redis-server', args, /Ready to accept connections/);
  return { ...redis, url: `redis://127.0.0.1:${port}` };
}
