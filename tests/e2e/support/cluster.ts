import type { BrowserContext } from '@playwright/test';
import { freePort } from '../../support/free-port';
import { startRedis } from '../../support/redis-process';
import { startServer, type RunningServer } from '../../support/server-process';
import { startNginx } from './nginx-process';
import { tempDir } from './temp-files';

// The production shape on loopback: redis-server, two server.ts instances in Redis
// mode (INSTANCE_ID A and B), and nginx running deploy/nginx.conf in front of them.

export type InstanceId = 'A' | 'B';
const INSTANCES: InstanceId[] = ['A', 'B'];
/** deploy/nginx.conf hashes on this cookie when a client sends it. */
const ROUTE_COOKIE = 'p2pvault_route';

export interface Cluster {
  /** nginx: what browsers open. */
  url: string;
  instances: Record<InstanceId, RunningServer>;
  /** Pins a browser context to an instance through nginx's sticky hash. */
  pin(context: BrowserContext, instance: InstanceId): Promise<void>;
  /** The roles whose Socket.IO join an instance handled, from its own log. */
  joinedRoles(instance: InstanceId): unknown[];
  /** What every process printed, for a failed test's report. */
  logs(): string;
  stop(): Promise<void>;
}

/** Which instance nginx sends a request with this route cookie to, as /api/health says. */
async function instanceFor(url: string, route: string): Promise<InstanceId> {
  const response = await fetch(`${url}/api/health`, { headers: { cookie: `${ROUTE_COOKIE}=${route}` } });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`GET /api/health through nginx answered ${response.status}: ${text}`);
  const { instance } = JSON.parse(text) as { instance?: unknown };
  if (!INSTANCES.includes(instance as InstanceId)) throw new Error(`/api/health names an unknown instance: ${text}`);
  return instance as InstanceId;
}

/**
 * A cookie value per instance. Where a value lands depends on the consistent hash of
 * this run's upstream ports, so try distinct values until both instances answered
 * (each value is a fair coin: 64 of them all landing on one side is ~1e-19).
 */
async function findRoutes(url: string): Promise<Record<InstanceId, string>> {
  const routes: Partial<Record<InstanceId, string>> = {};
  for (let i = 0; i < 64 && !(routes.A && routes.B); i++) {
    const route = `route-${i}`;
    routes[await instanceFor(url, route)] ??= route;
  }
  if (!routes.A || !routes.B) throw new Error(`no route cookie reached both instances: ${JSON.stringify(routes)}`);
  return routes as Record<InstanceId, string>;
}

export async function startCluster(): Promise<Cluster> {
  const dir = await tempDir();
  const stops: (() => Promise<void>)[] = [dir.remove];
  const printed: (() => string)[] = [];
  const stop = async () => {
    // Reverse start order: nginx, the instances, Redis, the directory.
    for (const fn of [...stops].reverse()) await fn();
  };
  try {
    const redis = await startRedis();
    stops.push(() => redis.stop());

    const started = await Promise.allSettled(
      INSTANCES.map((id) => startServer({ REDIS_URL: redis.url, INSTANCE_ID: id, TRUST_PROXY: '1' })),
    );
    for (const result of started) if (result.status === 'fulfilled') stops.push(() => result.value.stop().then(() => {}));
    const servers = started.map((result) => {
      if (result.status === 'rejected') throw result.reason;
      return result.value;
    });
    const instances = { A: servers[0]!, B: servers[1]! };
    for (const id of INSTANCES) {
      printed.push(() => `--- instance ${id}\n${instances[id].stdout()}${instances[id].stderr()}`);
    }

    const nginx = await startNginx({
      upstreams: servers.map((server) => new URL(server.url).host),
      port: await freePort(),
      redirectPort: await freePort(),
      dir: dir.path,
    });
    stops.push(() => nginx.stop());
    printed.push(() => `--- nginx\n${nginx.output()}`);

    const routes = await findRoutes(nginx.url);
    return {
      url: nginx.url,
      instances,
      async pin(context, instance) {
        await context.addCookies([{ name: ROUTE_COOKIE, value: routes[instance], url: nginx.url }]);
      },
      joinedRoles: (id) =>
        instances[id]
          .stdout()
          .split('\n')
          .filter((line) => line.startsWith('{'))
          .map((line) => JSON.parse(line) as { msg?: string; role?: unknown })
          .filter((entry) => entry.msg === 'peer joined')
          .map((entry) => entry.role),
      logs: () => printed.map((print) => print()).join('\n'),
      stop,
    };
  } catch (error) {
    const logs = printed.map((print) => print()).join('\n');
    await stop();
    throw new Error(`cluster did not start: ${String(error)}\n${logs}`, { cause: error });
  }
}
