import { lstat, mkdir, mkdtemp, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
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

describe('diskSinks against a hostile manifest (a real folder)', () => {
  async function setup() {
    const base = await mkdtemp(join(tmpdir(), 'sink-hostile-'));
    const out = join(base, 'out');
    const outside = join(base, 'outside');
    await mkdir(out);
    await mkdir(outside);
    return { base, out, outside };
  }

  it('does not follow a folder link inside the output folder, and writes nothing outside it', async () => {
    const { out, outside } = await setup();
    await symlink(outside, join(out, 'link'));
    const sinks = diskSinks(out);
    await expect(sinks.open(file('link/pwned.txt'))).rejects.toMatchObject({ code: 'path_refused', message: expect.stringContaining('"link/pwned.txt": link is a symbolic link') });
    // Deeper, and with the link further down the path.
    await mkdir(join(out, 'a'));
    await symlink(outside, join(out, 'a', 'b'));
    await expect(sinks.open(file('a/b/c/pwned.txt'))).rejects.toMatchObject({ code: 'path_refused', message: expect.stringContaining('a/b is a symbolic link') });
    expect(await readdir(outside)).toEqual([]);
    expect((await readdir(out)).sort()).toEqual(['a', 'link']);
    expect(await readdir(join(out, 'a'))).toEqual(['b']);
  });

  it('refuses a folder segment that is a file', async () => {
    const { out } = await setup();
    await writeFile(join(out, 'notes'), 'mine');
    await expect(diskSinks(out).open(file('notes/x.txt'))).rejects.toMatchObject({ code: 'path_refused', message: expect.stringContaining('notes is not a folder') });
    expect(await readFile(join(out, 'notes'), 'utf8')).toBe('mine');
  });

  it('refuses hidden names in any segment unless allowed, before making anything', async () => {
    const { out } = await setup();
    for (const path of ['.bash_profile', '.ssh/authorized_keys', '.config/autostart/x.desktop', 'a/.hidden/b.txt']) {
      await expect(diskSinks(out).open(file(path)), path).rejects.toMatchObject({ code: 'path_refused', message: expect.stringContaining('--allow-hidden') });
    }
    expect(await readdir(out)).toEqual([]);
    const allowed = diskSinks(out, { allowHidden: true });
    const sink = await allowed.open(file('.ssh/authorized_keys'));
    await sink.write(new TextEncoder().encode('abcdef'));
    await sink.close();
    expect(await readFile(join(out, '.ssh', 'authorized_keys'), 'utf8')).toBe('abcdef');
  });

  it('never creates the part file through a link planted at its name', async () => {
    const { out, outside } = await setup();
    const id = 'f'.repeat(22);
    await symlink(join(outside, 'planted'), join(out, `.a.txt.${id.slice(0, 8)}.p2pvault-part`));
    await expect(diskSinks(out).open(file('a.txt', id))).rejects.toMatchObject({ code: 'write_failed', message: expect.stringContaining('EEXIST') });
    expect(await readdir(outside)).toEqual([]);
  });

  it('saves beside a link (dangling or not) at the final name, never through it', async () => {
    const { out, outside } = await setup();
    await symlink(join(outside, 'dangling'), join(out, 'a.txt'));
    await writeFile(join(outside, 'victim'), 'mine');
    await symlink(join(outside, 'victim'), join(out, 'b.txt'));
    const sinks = diskSinks(out);
    for (const name of ['a.txt', 'b.txt']) {
      const sink = await sinks.open(file(name, name[0]!.repeat(22)));
      await sink.write(new TextEncoder().encode('theirs'));
      await sink.close();
    }
    expect(sinks.saved).toEqual([join(out, 'a (1).txt'), join(out, 'b (1).txt')]);
    expect(await readdir(outside)).toEqual(['victim']);
    expect(await readFile(join(outside, 'victim'), 'utf8')).toBe('mine');
    expect((await lstat(join(out, 'a.txt'))).isSymbolicLink()).toBe(true);
  });

  it('writes through a link the person named as the output folder, and reports paths under that name', async () => {
    const { base, out } = await setup();
    await symlink(out, join(base, 'named'));
    const sinks = diskSinks(join(base, 'named'));
    const sink = await sinks.open(file('docs/a.txt'));
    await sink.write(new TextEncoder().encode('abcdef'));
    await sink.close();
    expect(sinks.saved).toEqual([join(base, 'named', 'docs', 'a.txt')]);
    expect(await readFile(join(out, 'docs', 'a.txt'), 'utf8')).toBe('abcdef');
  });
});
