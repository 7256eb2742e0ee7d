import { mkdir, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test } from './support/test';
import { cliReceive, cliSend, stopCliPeers } from './support/cli-peer';
import { download, openPeer, randomFile, sha256, shareFile } from './support/peers';
import { sha256OfFile, tempDir, writeRandomFile } from './support/temp-files';

// The command-line peer (bin/p2p-vault.mjs, WebRTC through node-datachannel) against
// the browser and against itself, on the test server: files arrive byte-identical, and
// a tampered chunk leaves nothing behind and names the failure on both sides.

const MB = 1024 * 1024;
const CHUNK_FRAME = 4; // FRAME_TYPES.chunk (lib/protocol/frames.ts)

test.describe.configure({ timeout: 60_000 });
test.afterEach(async () => {
  await stopCliPeers();
});

const dirs: { remove: () => Promise<void> }[] = [];
async function scratch() {
  const dir = await tempDir();
  dirs.push(dir);
  return dir.path;
}
test.afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => dir.remove()));
});

test('CLI → Chromium: a 5 MB file sent from the terminal downloads byte-identical', async ({ browser, baseURL }) => {
  const path = join(await scratch(), 'from-cli.bin');
  const expected = await writeRandomFile(path, 5 * MB);

  const sender = cliSend([path], { server: baseURL! });
  const link = await sender.link;
  expect(link).toMatch(new RegExp(`^${baseURL}/s/[A-Za-z0-9_-]{22}#[A-Za-z0-9_-]{43}$`));

  const receiver = await openPeer(browser, baseURL!);
  await receiver.goto(link);
  await expect(receiver.getByTestId('download')).toBeVisible({ timeout: 30_000 });
  await expect(receiver.getByTestId('status')).toHaveAttribute('data-status', 'done');
  await expect(receiver.getByTestId('file-hash')).toHaveText(expected);
  const saved = await download(receiver);
  expect(saved.name).toBe('from-cli.bin');
  expect(sha256(saved.bytes)).toBe(expected);

  const exit = await sender.exit;
  expect(exit.code, exit.stderr).toBe(0);
  expect(exit.stdout.trim()).toBe(link); // the link is the only thing on stdout
  expect(exit.stderr).toContain('Done: every recipient verified the files.');
});

test('Chromium → CLI: a 5 MB file shared by a page is saved under its name, nothing else', async ({ browser, baseURL }) => {
  const out = await scratch();
  const sender = await openPeer(browser, baseURL!);
  const file = randomFile(5 * MB, 'from-page.bin');
  const link = await shareFile(sender, file);

  const exit = await cliReceive(link, out, { server: baseURL!, args: ['--yes'] });
  expect(exit.code, exit.stderr).toBe(0);
  expect(await readdir(out)).toEqual(['from-page.bin']); // no hidden part file left
  const savedPath = join(out, 'from-page.bin');
  expect(exit.stdout.trim()).toBe(savedPath);
  expect((await stat(savedPath)).size).toBe(file.buffer.length);
  expect(await sha256OfFile(savedPath)).toBe(sha256(file.buffer));
  await expect(sender.getByTestId('status')).toHaveAttribute('data-status', 'done');
});

test('CLI → CLI: files and a folder arrive byte-identical, in their folders, and both sides exit 0', async ({ baseURL }) => {
  const src = await scratch();
  const out = await scratch();
  await mkdir(join(src, 'album', 'raw'), { recursive: true });
  const files = [
    { name: 'first.bin', size: 3 * MB + 12_345 },
    { name: 'second.dat', size: 1 * MB + 1 },
    { name: 'album/raw/c.bin', size: 200_000 },
    { name: 'album/z.txt', size: 10 },
  ];
  const hashes = new Map<string, string>();
  for (const f of files) hashes.set(f.name, await writeRandomFile(join(src, f.name), f.size));

  const sender = cliSend([join(src, 'first.bin'), join(src, 'second.dat'), join(src, 'album')], { server: baseURL! });
  const received = await cliReceive(await sender.link, out, { server: baseURL!, args: ['--yes'] });
  const sent = await sender.exit;
  expect(received.code, received.stderr).toBe(0);
  expect(sent.code, sent.stderr).toBe(0);

  expect((await readdir(out)).sort()).toEqual(['album', 'first.bin', 'second.dat']);
  expect(received.stdout.trim().split('\n')).toEqual(files.map((f) => join(out, f.name)));
  for (const f of files) expect(await sha256OfFile(join(out, f.name)), f.name).toBe(hashes.get(f.name));
  expect(received.stderr).toContain('Done: 4 files verified (SHA-256).');
});

test('a chunk altered in transit: the CLI exits 3 naming chunk_auth_failed and keeps no file; the page names it too', async ({ browser, baseURL }) => {
  const out = await scratch();
  const sender = await openPeer(browser, baseURL!);
  // Flips one bit in the middle of the third chunk frame the page sends (a copy: the
  // page's own buffer stays intact), and records which frame it was.
  await sender.context().addInitScript((chunkType: number) => {
    const send = RTCDataChannel.prototype.send as (this: RTCDataChannel, data: unknown) => void;
    let chunks = 0;
    RTCDataChannel.prototype.send = function (this: RTCDataChannel, data: unknown) {
      if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) {
        const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
        if (bytes.length > 1000 && bytes[0] === chunkType && ++chunks === 3) {
          const altered = bytes.slice();
          const at = altered.length >> 1;
          altered[at] = altered[at]! ^ 0x01;
          const index = new DataView(altered.buffer).getUint32(17, false);
          (window as unknown as { tampered: unknown }).tampered = { index, length: altered.length, at };
          return send.call(this, altered);
        }
      }
      return send.call(this, data);
    } as typeof RTCDataChannel.prototype.send;
  }, CHUNK_FRAME);
  const link = await shareFile(sender, randomFile(2 * MB, 'tampered.bin'));

  const exit = await cliReceive(link, out, { server: baseURL!, args: ['--yes'] });
  expect(exit.code, exit.stderr).toBe(3);
  expect(exit.stderr).toMatch(/^error chunk_auth_failed: .*altered in transit/m);
  expect(exit.stdout).toBe('');
  expect(await readdir(out)).toEqual([]); // not the file, not a hidden part file

  const tampered = await sender.evaluate(() => (window as unknown as { tampered?: { index: number; length: number } }).tampered);
  expect(tampered?.index).toBe(2);
  // The sender's row for this recipient names the same error; its slot is freed, so the
  // page waits again for a recipient (a failed receiver does not end the session).
  const row = sender.getByTestId('receiver-row');
  await expect(row).toHaveAttribute('data-status', 'failed');
  await expect(row.getByTestId('receiver-status')).toContainText('Stopped with an error.');
  await expect(row.getByTestId('error')).toHaveAttribute('data-code', 'chunk_auth_failed');
  await expect(row.getByTestId('error')).toContainText('A piece of the file failed its integrity check: the data was altered in transit.');
  await expect(sender.getByTestId('status')).toHaveAttribute('data-status', 'waiting');
});

test('a link whose key was cut: the CLI exits 2 saying the link is incomplete, without connecting', async ({ browser, baseURL }) => {
  const out = await scratch();
  const sender = await openPeer(browser, baseURL!);
  const link = await shareFile(sender, randomFile(64 * 1024));

  const exit = await cliReceive(link.slice(0, -5), out, { server: baseURL!, args: ['--yes'] });
  expect(exit.code, exit.stderr).toBe(2);
  expect(exit.stderr).toContain('the link is incomplete: its secret key (after #) is missing or damaged');
  expect(exit.stdout).toBe('');
  expect(await readdir(out)).toEqual([]);
  await expect(sender.getByTestId('status')).toHaveAttribute('data-status', 'waiting');
});

test('a link with a wrong key: the CLI exits 3 naming envelope_invalid, no files, the sender keeps waiting', async ({ browser, baseURL }) => {
  const out = await scratch();
  const sender = await openPeer(browser, baseURL!);
  const link = await shareFile(sender, randomFile(64 * 1024));
  const wrongKey = Buffer.alloc(32, 7).toString('base64url');

  const exit = await cliReceive(link.replace(/#.*$/, `#${wrongKey}`), out, { server: baseURL!, args: ['--yes'] });
  expect(exit.code, exit.stderr).toBe(3);
  expect(exit.stderr).toMatch(/^error envelope_invalid: /m);
  expect(exit.stdout).toBe('');
  expect(await readdir(out)).toEqual([]);
  await expect(sender.getByTestId('status')).toHaveAttribute('data-status', 'waiting');
});

/** The code `send --code` prints on its second stdout line, once it has. */
async function codeOf(sender: ReturnType<typeof cliSend>): Promise<string> {
  await sender.link;
  await expect.poll(() => sender.output().stdout.split('\n')[1] ?? '', { timeout: 10_000 }).toMatch(/^\d+-[a-z]+-[a-z]+-[a-z]+$/);
  return sender.output().stdout.split('\n')[1]!;
}

test('CLI → CLI with a short code: send --code, receive CODE, byte-identical', async ({ baseURL }) => {
  const path = join(await scratch(), 'spoken.bin');
  const expected = await writeRandomFile(path, 2 * MB);
  const sender = cliSend([path], { server: baseURL!, args: ['--code'] });
  const code = await codeOf(sender);

  const out = await scratch();
  const received = await cliReceive(code, out, { server: baseURL!, args: ['--yes'] });
  expect(received.code, `receiver:\n${received.stderr}\nsender:\n${sender.output().stderr}`).toBe(0);
  expect(await readdir(out)).toEqual(['spoken.bin']);
  expect(await sha256OfFile(join(out, 'spoken.bin'))).toBe(expected);
  expect((await sender.exit).code).toBe(0);
});

test('a wrong code: the CLI receiver exits 3 naming wrong_code, and the CLI sender closes its session and says so', async ({ baseURL }) => {
  const path = join(await scratch(), 'guarded.bin');
  await writeRandomFile(path, 64 * 1024);
  const sender = cliSend([path], { server: baseURL!, args: ['--code'] });
  const [nameplate, a, b, c] = (await codeOf(sender)).split('-');
  const guess = `${nameplate}-${a}-${b}-${c === 'zebra' ? 'zoo' : 'zebra'}`;

  const out = await scratch();
  const guessed = await cliReceive(guess, out, { server: baseURL!, args: ['--yes'] });
  expect(guessed.code, guessed.stderr).toBe(3);
  expect(guessed.stderr).toMatch(/error wrong_code: The code was wrong/);
  expect(await readdir(out)).toEqual([]);

  const closed = await sender.exit;
  expect(closed.code).toBe(3);
  expect(closed.stderr).toMatch(/error wrong_code: Someone tried a wrong code/);
});
