import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

// Serves the stage ladder's pages on loopback: lib/ code bundled with esbuild as the
// app's build would ship it (minified), and the app's own receive Worker as the engine.
// No CSP here: the ladder measures the transfer path, not the page around it.

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

const HTML = `<!doctype html><meta charset="utf-8"><title>ladder</title>
<input type="file" id="file"><script type="module" src="/ladder.js"></script>`;

async function bundle(entry: string, format: 'esm' | 'iife'): Promise<string> {
  const result = await build({ entryPoints: [entry], bundle: true, format, minify: true, write: false, target: 'es2022', logLevel: 'error' });
  return result.outputFiles[0]!.text;
}

export async function startLadderServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const [page, worker, engine, hasher] = await Promise.all([
    bundle(here('./page.ts'), 'esm'),
    bundle(here('./worker.ts'), 'iife'),
    bundle(here('../../lib/client/receive-worker.ts'), 'iife'),
    bundle(here('../../lib/client/hash-worker.ts'), 'iife'),
  ]);
  const files: Record<string, [string, string]> = {
    '/': ['text/html', HTML],
    '/ladder.js': ['text/javascript', page],
    '/ladder-worker.js': ['text/javascript', worker],
    '/engine-worker.js': ['text/javascript', engine],
    '/hash-worker.js': ['text/javascript', hasher],
  };
  const server = createServer((request, response) => {
    const file = files[request.url ?? ''];
    if (!file) return void response.writeHead(404).end();
    response.writeHead(200, { 'content-type': file[0], 'cache-control': 'no-store' }).end(file[1]);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
