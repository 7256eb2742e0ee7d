// Runs `next build` when there is no production build or a source file is newer
// than it, so `npm start` and `npm test` always serve the current code.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const SOURCES = ['app', 'components', 'hooks', 'lib', 'next.config.mjs', 'tailwind.config.ts', 'postcss.config.mjs', 'tsconfig.json', 'package.json', 'package-lock.json'];

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((max, name) => Math.max(max, newestMtime(join(path, name))), stat.mtimeMs);
}

export function ensureBuild(root = process.cwd()) {
  const marker = join(root, '.next', 'BUILD_ID');
  const built = existsSync(marker) ? statSync(marker).mtimeMs : 0;
  const changed = Math.max(...SOURCES.map((s) => newestMtime(join(root, s))));
  if (built > changed) return;
  console.log(built ? 'Sources changed since the last build: building…' : 'No production build yet: building…');
  const run = spawnSync('npx', ['next', 'build'], { cwd: root, stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
  if (run.status !== 0) process.exit(run.status ?? 1);
}

if (import.meta.url === `file://${process.argv[1]}`) ensureBuild();
