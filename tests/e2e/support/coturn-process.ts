import { join } from 'node:path';
import { freePort } from '../../support/free-port';
import { startDaemon, type Daemon } from './daemon';

// A real coturn (Debian's `turnserver`) on loopback, in the use-auth-secret mode that
// docs/deploy.md describes. Started by the test itself with `-n` (no config file), so
// neither /etc/turnserver.conf nor the package's own service is involved.

const TURNSERVER = process.env.TURNSERVER_PATH ?? '/usr/bin/turnserver';
/** Relay ports: below Linux's ephemeral range, so they cannot clash with the browsers' own sockets. */
const RELAY_PORTS = { min: 20_000, max: 20_099 };

export interface Coturn extends Daemon {
  /** `turn:127.0.0.1:<port>?transport=udp` */
  url: string;
}

export async function startCoturn(options: { secret: string; realm: string; dir: string }): Promise<Coturn> {
  const port = await freePort();
  const args = [
    '-n',
    '--listening-ip=127.0.0.1',
    '--relay-ip=127.0.0.1',
    `--listening-port=${port}`,
    `--min-port=${RELAY_PORTS.min}`,
    `--max-port=${RELAY_PORTS.max}`,
    '--use-auth-secret',
    `--static-auth-secret=${options.secret}`,
    `--realm=${options.realm}`,
    // coturn refuses to relay to 127.x by default (a production safeguard), and both
    // browsers' relayed addresses are on loopback here.
    '--allow-loopback-peers',
    '--no-tls',
    '--no-dtls',
    '--no-cli',
    '--fingerprint',
    // Allocations, permissions and the per-session byte counts the test reads.
    '--verbose',
    '--log-file=stdout',
    '--simple-log',
    // Its SQLite user database and pid file stay in the test's directory.
    `--userdb=${join(options.dir, 'turndb')}`,
    `--pidfile=${join(options.dir, 'turnserver.pid')}`,
  ];
  const ready = new RegExp(`UDP listener opened on: 127\\.0\\.0\\.1:${port}\\b`);
  const daemon = await startDaemon('turnserver', TURNSERVER, args, ready);
  return { ...daemon, url: `turn:127.0.0.1:${port}?transport=udp` };
}
