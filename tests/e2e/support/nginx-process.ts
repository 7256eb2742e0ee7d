import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startDaemon, type Daemon } from './daemon';

// Real nginx running the shipped deploy/nginx.conf, so the tests exercise its sticky
// hash and WebSocket settings rather than a copy that could drift.
// Only what a loopback test cannot have is rewritten: the upstream servers, the
// listen addresses, TLS (plain HTTP here) and the log directory.

const DEPLOY_CONF = join(import.meta.dirname, '../../../deploy/nginx.conf');
const NGINX = process.env.NGINX_PATH ?? '/usr/sbin/nginx';

export interface NginxOptions {
  /** `host:port` of each instance. */
  upstreams: string[];
  /** Loopback port for the TLS server's routes (served without TLS). */
  port: number;
  /** Loopback port for the HTTP→HTTPS redirect server. */
  redirectPort: number;
  /** Writable directory for the config, logs, temp files and pid. */
  dir: string;
}

/** deploy/nginx.conf adapted to loopback; throws when the file no longer has the expected shape. */
export function loopbackSite(conf: string, options: NginxOptions): string {
  const fail = (what: string): never => {
    throw new Error(`deploy/nginx.conf: ${what}; update tests/e2e/support/nginx-process.ts to match`);
  };
  let upstreams = 0;
  let site = conf.replace(/(upstream\s+p2p_vault\s*\{)([^}]*)\}/, (_, open: string, body: string) => {
    upstreams++;
    let servers = 0;
    // The first server line becomes the test's instances (its parameters kept as shipped); the others go.
    const rewritten = body.replace(/^([ \t]*)server\s+[^\s;]+([^;]*);.*$/gm, (_line, indent: string, params: string) =>
      servers++ > 0 ? '' : options.upstreams.map((u) => `${indent}server ${u}${params};`).join('\n'),
    );
    if (servers === 0) fail('the upstream block has no server line');
    return `${open}${rewritten}}`;
  });
  if (upstreams !== 1) fail('no `upstream p2p_vault { … }` block');

  site = site.replace(/^[ \t]*listen\s+([^\s;]+)[^;]*;.*$/gm, (_, address: string) => {
    if (address.startsWith('[')) return ''; // the IPv6 twin of a listen line
    if (address === '443') return `    listen 127.0.0.1:${options.port};`;
    if (address === '80') return `    listen 127.0.0.1:${options.redirectPort};`;
    return fail(`unexpected listen address ${address}`);
  });
  if (!site.includes(`listen 127.0.0.1:${options.port};`)) fail('no `listen 443` server');
  site = site.replace(/^[ \t]*ssl_\w+\s[^;]*;.*$/gm, '');
  return site.replaceAll('/var/log/nginx/', `${options.dir}/`);
}

/** The main config a site file expects around it, with every path inside `dir`. */
function mainConfig(dir: string): string {
  // As (namespace) root the workers would switch to `nobody`, who cannot enter the
  // private temp dir and does not exist in an `unshare -r` user namespace.
  const user = process.getuid?.() === 0 ? 'user root root;' : '';
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((kind) => `${kind}_temp_path ${dir}/${kind}_temp;`);
  return `${user}
worker_processes 1;
pid ${dir}/nginx.pid;
# notice level: the "start worker processes" line is how the test knows nginx serves.
error_log stderr notice;
events { worker_connections 256; }
http {
  ${temp.join('\n  ')}
  include ${dir}/p2p-vault.conf;
}
`;
}

export async function startNginx(options: NginxOptions): Promise<Daemon & { url: string }> {
  const site = loopbackSite(await readFile(DEPLOY_CONF, 'utf8'), options);
  await writeFile(join(options.dir, 'p2p-vault.conf'), site);
  await writeFile(join(options.dir, 'nginx.conf'), mainConfig(options.dir));
  // Listening sockets are open before the master starts its workers.
  const args = ['-e', 'stderr', '-p', options.dir, '-c', join(options.dir, 'nginx.conf'), '-g', 'daemon off;'];
  const nginx = await startDaemon('nginx', NGINX, args, /start worker processes/);
  return { ...nginx, url: `http://127.0.0.1:${options.port}` };
}
