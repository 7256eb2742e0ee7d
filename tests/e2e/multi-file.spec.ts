import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test } from './support/test';
import { unzipSync } from 'fflate';
import { download, openPeer, sha256 } from './support/peers';
import { tempDir, writeRandomFile } from './support/temp-files';

const KiB = 1024;

test.describe('several files and folders in one session', () => {
  test('three files, one in a folder: listed with paths, each and the zip byte-identical; a removed file is not sent', async ({
    browser,
    baseURL,
  }) => {
    test.setTimeout(120_000);
    const dir = await tempDir();
    try {
      await mkdir(join(dir.path, 'docs'));
      const expected = new Map<string, string>([
        ['a.bin', await writeRandomFile(join(dir.path, 'a.bin'), 300 * KiB)],
        ['b.txt', await writeRandomFile(join(dir.path, 'b.txt'), 700 * KiB + 3)],
        ['docs/c.bin', await writeRandomFile(join(dir.path, 'docs', 'c.bin'), 2 * 1024 * KiB + 11)],
      ]);
      await writeRandomFile(join(dir.path, 'extra.bin'), 5 * KiB);

      const sender = await openPeer(browser, baseURL!);
      const receiver = await openPeer(browser, baseURL!);
      await sender.goto('/');
      // Nothing chosen: nothing to share.
      await expect(sender.getByTestId('share-button')).toBeDisabled();

      // Several files from one pick, then a folder, which keeps its name in each path.
      const pick = ['a.bin', 'b.txt', 'extra.bin'].map((name) => join(dir.path, name));
      await sender.getByTestId('file-input').setInputFiles(pick);
      await sender.getByTestId('folder-input').setInputFiles(join(dir.path, 'docs'));
      const chosen = sender.getByTestId('selected-file');
      await expect(chosen).toHaveCount(4);
      expect(await chosen.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-path')))).toEqual([
        'a.bin',
        'b.txt',
        'extra.bin',
        'docs/c.bin',
      ]);
      await expect(sender.getByTestId('selection-total')).toHaveText('4 files · 3.0 MiB');

      // The same file again is not added twice.
      await sender.getByTestId('file-input').setInputFiles(join(dir.path, 'a.bin'));
      await expect(sender.getByTestId('skipped')).toContainText('a.bin: already in the list');
      await expect(chosen).toHaveCount(4);

      await sender.getByRole('button', { name: 'Remove extra.bin', exact: true }).click();
      await expect(chosen).toHaveCount(3);
      await expect(sender.getByTestId('selection-total')).toHaveText('3 files · 3.0 MiB');

      await sender.getByTestId('share-button').click();
      const link = await sender.getByTestId('share-link').inputValue();
      await receiver.goto(link);

      await expect(receiver.getByTestId('status')).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
      await expect(sender.getByTestId('status')).toHaveAttribute('data-status', 'done');
      await expect(receiver.getByTestId('progress')).toHaveAttribute('aria-valuenow', '100');
      const rows = receiver.getByTestId('received-file');
      await expect(rows).toHaveCount(3);
      expect(await rows.evaluateAll((list) => list.map((r) => [r.getAttribute('data-path'), r.getAttribute('data-state')]))).toEqual([
        ['a.bin', 'verified'],
        ['b.txt', 'verified'],
        ['docs/c.bin', 'verified'],
      ]);
      await expect(receiver.getByText('extra.bin')).toHaveCount(0);
      for (const [path, hash] of expected) {
        await expect(receiver.locator(`[data-path="${path}"]`).getByTestId('file-hash')).toHaveText(hash);
        // The sender shows the same hash, so two people can compare them.
        await expect(sender.locator(`[data-testid="sent-file"][data-path="${path}"]`).getByTestId('sent-file-hash')).toHaveText(hash);
      }

      // Each file on its own, under its own name.
      for (const [path, hash] of expected) {
        const saved = await download(receiver, path);
        expect(saved.name).toBe(path.split('/').pop());
        expect(sha256(saved.bytes)).toBe(hash);
      }

      // All of them in one zip, with their folders.
      const [zipDownload] = await Promise.all([receiver.waitForEvent('download'), receiver.getByTestId('download-all').click()]);
      expect(zipDownload.suggestedFilename()).toBe('files.zip');
      const entries = unzipSync(new Uint8Array(await readFile((await zipDownload.path())!)));
      expect(Object.keys(entries).sort()).toEqual([...expected.keys()].sort());
      for (const [path, hash] of expected) expect(sha256(Buffer.from(entries[path]!))).toBe(hash);
      await expect(receiver.getByTestId('zip-error')).toHaveCount(0);
      // The zip was streamed into a disk-backed file, not assembled in memory.
      const zipsOnDisk = await receiver.evaluate(async () => {
        const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('p2pvault-incoming');
        const names: string[] = [];
        for await (const name of (dir as unknown as { keys(): AsyncIterable<string> }).keys()) names.push(name);
        return names.filter((name) => name.endsWith('-all.zip'));
      });
      expect(zipsOnDisk).toHaveLength(1);
    } finally {
      await dir.remove();
    }
  });
});
