import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

// docs/architecture.md must match the tree: every file under lib/ has its entry, every
// lib/ path it names exists, and its layers table says what eslint.config.mjs enforces.

const root = process.cwd();
const doc = readFileSync(join(root, 'docs/architecture.md'), 'utf8');
const eslintConfig = readFileSync(join(root, 'eslint.config.mjs'), 'utf8');

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(path);
    return entry.name.endsWith('.ts') ? [relative(root, path).split(sep).join('/')] : [];
  });
}

/** Every `lib/….ts` path the doc names (not part of a longer path, not .tsx). */
const namedPaths = new Set([...doc.matchAll(/(?<![\w./-])lib\/[\w./-]+?\.ts(?![\w])/g)].map((match) => match[0]));

describe('docs/architecture.md', () => {
  it('names every TypeScript file under lib/ by its repo-relative path', () => {
    const files = tsFiles(join(root, 'lib'));
    expect(files.length).toBeGreaterThan(0);
    expect(files.filter((file) => !namedPaths.has(file))).toEqual([]);
  });

  it('names no lib/ file that does not exist', () => {
    expect([...namedPaths].filter((path) => !existsSync(join(root, path)))).toEqual([]);
  });

  it('has exactly one "Modules" entry per lib/ file', () => {
    const modules = doc.split(/^## Modules: what each one owns$/m)[1]?.split(/^## (?!#)/m)[0];
    expect(modules, 'the "## Modules: what each one owns" section').toBeDefined();
    const entries = [...modules!.matchAll(/^- `(lib\/[^`]+\.ts)` — /gm)].map((match) => match[1]);
    expect(entries.length).toBe(new Set(entries).size);
    expect([...entries].sort()).toEqual(tsFiles(join(root, 'lib')).sort());
  });

  it('has the layers of eslint.config.mjs in its layers table', () => {
    const folders = [...(eslintConfig.match(/const FOLDERS = \[([^\]]*)\]/)?.[1] ?? '').matchAll(/'(\w+)'/g)].map((match) => match[1]);
    expect(folders.length).toBeGreaterThan(0);
    const serverModules = [...(eslintConfig.match(/const SERVER_MODULES = \[([^\]]*)\]/)?.[1] ?? '').matchAll(/'(\w+)'/g)].map((match) => match[1]!);

    // `  rtc: { may: ['protocol', 'crypto'], pure: true, why: … }`
    const layers = new Map<string, { may: string[]; pure: boolean }>();
    for (const match of eslintConfig.matchAll(/^\s*(\w+): \{ may: \[([^\]]*)\](.*)$/gm)) {
      const may = match[2]!.split(',').flatMap((item) => {
        const name = item.trim();
        if (name === '...SERVER_MODULES') return serverModules;
        return name ? [name.replace(/'/g, '')] : [];
      });
      layers.set(match[1]!, { may: may.sort(), pure: /pure: true/.test(match[3]!) });
    }
    expect([...layers.keys()].sort()).toEqual([...folders].sort());

    // `| rtc | protocol, crypto, transfer | |`: what comes before a ";" lists the folders.
    const table = new Map<string, { may: string[]; pure: boolean }>();
    for (const match of doc.matchAll(/^\| (\w+) \| ([^|]*)\|([^|]*)\|$/gm)) {
      if (!folders.includes(match[1]!)) continue;
      const listed = match[2]!.split(';')[0]!.trim();
      const may =
        listed === 'nothing of ours'
          ? []
          : listed.split(',').map((item) => item.trim().replace(/^`lib\/(\w+)\.ts`$/, '$1'));
      table.set(match[1]!, { may: may.sort(), pure: match[3]!.trim() === 'yes' });
    }
    expect(Object.fromEntries(table)).toEqual(Object.fromEntries(layers));
  });
});
