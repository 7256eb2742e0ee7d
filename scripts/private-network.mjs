// Runs a command inside a network namespace of its own that holds only loopback, so
// nothing it starts can send traffic off this machine (../shared/design/testing.md).
import { spawnSync } from 'node:child_process';

// Unprivileged users get a user namespace too (-r); root needs only the network one.
const UNSHARE = process.getuid?.() === 0 ? ['-n'] : ['-r', '-n'];

/** spawnSync of `command args` in a fresh private network namespace with `lo` up. */
export function runInPrivateNetwork(command, args, options = {}) {
  return spawnSync('unshare', [...UNSHARE, 'sh', '-c', 'ip link set lo up && exec "$@"', 'sh', command, ...args], { stdio: 'inherit', ...options });
}
