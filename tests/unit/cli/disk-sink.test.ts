import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diskSinks } from '../../../lib/cli/disk-sink';
import type { ManifestFile } from '../../../lib/protocol/messages';

const file = (path: string, fileId = 'f'.repeat(22)): ManifestFile =>
  ({ fileId, name: path.split('/').pop()!, path, size: 6, type: 'text/plain', lastModified: 0 }) as ManifestFile;

describe('diskSinks', () => {
  it('writes to a hidden part file and shows the file under its name only once closed (verified)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sink-'));
    const sinks = diskSinks(dir);
    const sink = await sinks.open(file('docs/a.txt'));
    await sink.write(new TextEncoder().encode('abc'));
    await sink.write(new TextEncoder().encode('def'));
    expect(await readdir(join(dir, 'docs'))).toEqual([expect.stringMatching(/^\.a\.txt\.ffffffff\.p2pvault-part$/)]);
    const blob = await sink.close();
    expect(await readdir(join(dir, 'docs'))).toEqual(['a.txt']);
    expect(await readFile(join(dir, 'docs', 'a.txt'), 'utf8')).toBe('abcdef');
    expect(await blob.text()).toBe('abcdef');
    expect(sinks.saved).toEqual([join(dir, 'docs', 'a.txt')]);
  });

  it('never replaces an existing file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sink-'));
    await writeFile(join(dir, 'a.txt'), 'mine');
    const sinks = diskSinks(dir);
    const sink = await sinks.open(file('a.txt'));
    await sink.write(new TextEncoder().encode('theirs'));
    await sink.close();
    expect(await readFile(join(dir, 'a.txt'), 'utf8')).toBe('mine');
    expect(await readFile(join(dir, 'a (1).txt'), 'utf8')).toBe('theirs');
  });

  it('leaves nothing after abort, or after discardAll at exit', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sink-'));
    const sinks = diskSinks(dir);
    const aborted = await sinks.open(file('a.txt', 'a'.repeat(22)));
    await aborted.write(new Uint8Array(3));
    await aborted.abort();
    const open = await sinks.open(file('b.txt', 'b'.repeat(22)));
    await open.write(new Uint8Array(3));
    sinks.discardAll();
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses a path that would leave the folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sink-'));
    await expect(diskSinks(dir).open(file('../escape.txt'))).rejects.toMatchObject({ code: 'manifest_invalid' });
  });
});
