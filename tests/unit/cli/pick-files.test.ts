import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError, pickFiles } from '../../../lib/cli/send';

describe('pickFiles', () => {
  it('takes files by name and folders with their contents under the folder name', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pick-'));
    await mkdir(join(dir, 'photos', '2026'), { recursive: true });
    await writeFile(join(dir, 'photos', 'b.jpg'), 'bb');
    await writeFile(join(dir, 'photos', '2026', 'a.jpg'), 'a');
    await writeFile(join(dir, 'notes.txt'), 'notes');
    await symlink(join(dir, 'notes.txt'), join(dir, 'photos', 'link.txt'));
    const picked = await pickFiles([join(dir, 'notes.txt'), join(dir, 'photos')]);
    expect(picked.map((f) => [f.path, f.file.size])).toEqual([
      ['notes.txt', 5],
      ['photos/2026/a.jpg', 1],
      ['photos/b.jpg', 2],
    ]);
    expect(await picked[2]!.file.text()).toBe('bb');
  });

  it('refuses what is missing, empty or repeated, before any session is made', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pick-'));
    await mkdir(join(dir, 'empty'));
    await writeFile(join(dir, 'x.bin'), 'x');
    await expect(pickFiles([join(dir, 'nope.bin')])).rejects.toThrow(InputError);
    await expect(pickFiles([join(dir, 'empty')])).rejects.toThrow('the folders are empty');
    await expect(pickFiles([join(dir, 'x.bin'), join(dir, 'x.bin')])).rejects.toThrow('x.bin');
  });
});
