import { join } from 'node:path';
import { expect, test, type Browser, type Page } from './support/test';
import { incomingFiles, incomingSlice } from './support/opfs';
import { openPeer } from './support/peers';
import { readSlice, sha256OfFile, tempDir, writeRandomFile, writeSparseFile } from './support/temp-files';

const MB = 1_000_000;

async function shareFromDisk(sender: Page, path: string): Promise<string> {
  await sender.goto('/');
  await sender.getByTestId('file-input').setInputFiles(path);
  await sender.getByTestId('share-button').click();
  const link = sender.getByTestId('share-link');
  await expect(link).toHaveValue(/#/);
  return link.inputValue();
}

/** A receiver whose browser offers only what `stub` leaves of its storage APIs. */
async function receiverWith(browser: Browser, baseURL: string, stub: () => void): Promise<Page> {
  const page = await openPeer(browser, baseURL);
  await page.context().addInitScript(stub);
  return page;
}

/**
 * Offers a sparse file of `sizeMiB` (no disk space, never read: it must be refused
 * first) to a receiver whose storage APIs `stub` reshapes, then runs `check`.
 */
async function refusedUpFront(
  browser: Browser,
  baseURL: string,
  name: string,
  sizeMiB: number,
  stub: () => void,
  check: (peers: { sender: Page; receiver: Page }) => Promise<void>,
): Promise<void> {
  const dir = await tempDir();
  try {
    const path = join(dir.path, name);
    await writeSparseFile(path, sizeMiB * 1024 * 1024);
    const sender = await openPeer(browser, baseURL);
    const receiver = await receiverWith(browser, baseURL, stub);
    await receiver.goto(await shareFromDisk(sender, path));
    await check({ sender, receiver });
  } finally {
    await dir.remove();
  }
}

test.describe('big files stream to disk with progress, speed and ETA', () => {
  test('a 200 MB file goes through the disk path and arrives byte-identical', async ({ browser, baseURL }) => {
    test.setTimeout(240_000);
    const dir = await tempDir();
    try {
      const path = join(dir.path, 'video.bin');
      const expected = await writeRandomFile(path, 200 * MB);
      const sender = await openPeer(browser, baseURL!);
      const receiver = await openPeer(browser, baseURL!);
      const link = await shareFromDisk(sender, path);
      await receiver.goto(link);

      await expect(receiver.getByTestId('status')).toHaveAttribute('data-status', 'receiving');
      await expect(receiver.getByTestId('storage')).toHaveAttribute('data-storage', 'opfs');
      // The page's word for it is checked in OPFS itself: one entry, named for the
      // transfer and file (never the sender's name), growing on disk while bytes move.
      const entryName = /^[A-Za-z0-9_-]{22}-[A-Za-z0-9_-]{22}$/;
      await expect.poll(() => incomingFiles(receiver)).toEqual([{ name: expect.stringMatching(entryName), size: expect.anything() }]);
      const usage = () => receiver.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);
      await expect.poll(usage, { timeout: 60_000 }).toBeGreaterThan(20 * MB);
      // While bytes move, both sides show a smoothed speed and the time left.
      for (const page of [sender, receiver]) {
        await expect(page.getByTestId('speed')).toHaveText(/^\d+(\.\d)? MB\/s$/);
        await expect(page.getByTestId('eta')).toHaveText(/left$/);
      }

      await expect(receiver.getByTestId('download')).toBeVisible({ timeout: 180_000 });
      await expect(receiver.getByTestId('file-hash')).toHaveText(expected);
      await expect(sender.getByTestId('status')).toHaveAttribute('data-status', 'done');
      for (const page of [sender, receiver]) await expect(page.getByTestId('progress')).toHaveAttribute('aria-valuenow', '100');

      // Verified, the whole file sits in OPFS, byte for byte where the source has it.
      const [stored] = await incomingFiles(receiver);
      expect(stored).toEqual({ name: expect.stringMatching(entryName), size: 200 * MB });
      for (const start of [0, 100 * MB + 12_345, 200 * MB - 1_048_576]) {
        const slice = await incomingSlice(receiver, stored!.name, start, start + 1_048_576);
        expect(Buffer.compare(slice, await readSlice(path, start, 1_048_576)), `bytes ${start}…`).toBe(0);
      }

      const [download] = await Promise.all([receiver.waitForEvent('download'), receiver.getByTestId('download').click()]);
      const saved = join(dir.path, 'saved.bin');
      await download.saveAs(saved);
      expect(await sha256OfFile(saved)).toBe(expected);
    } finally {
      await dir.remove();
    }
  });

  test('on the in-memory path a file over the limit is refused before any byte moves', async ({ browser, baseURL }) => {
    await refusedUpFront(browser, baseURL!, 'disk-image.iso', 600, () => {
      // A browser without OPFS and without a save picker.
      Object.defineProperty(StorageManager.prototype, 'getDirectory', { value: undefined, configurable: true });
      Object.defineProperty(window, 'showSaveFilePicker', { value: undefined, configurable: true });
    }, async ({ sender, receiver }) => {
      const error = receiver.getByTestId('error');
      await expect(error).toHaveAttribute('data-code', 'too_large_for_memory');
      await expect(error).toContainText('up to 512 MiB');
      await expect(error).toContainText('this transfer is 600 MiB');
      await expect(receiver.getByTestId('download')).toHaveCount(0);
      await expect(receiver.getByTestId('progress')).toHaveCount(0);
      await expect(sender.getByTestId('error')).toHaveAttribute('data-code', 'too_large_for_memory');
    });
  });

  test('a receiver without enough free space is told so before the transfer starts', async ({ browser, baseURL }) => {
    await refusedUpFront(browser, baseURL!, 'backup.tar', 300, () => {
      Object.defineProperty(StorageManager.prototype, 'estimate', {
        value: async () => ({ quota: 200 * 1024 * 1024, usage: 0 }),
        configurable: true,
      });
      Object.defineProperty(window, 'showSaveFilePicker', { value: undefined, configurable: true });
    }, async ({ sender, receiver }) => {
      const error = receiver.getByTestId('error');
      await expect(error).toHaveAttribute('data-code', 'insufficient_space');
      await expect(error).toContainText('It needs 300 MiB; this browser can store 136 MiB.');
      await expect(receiver.getByTestId('progress')).toHaveCount(0);
      await expect(sender.getByTestId('error')).toHaveAttribute('data-code', 'insufficient_space');
    });
  });

  test('when browser storage is full, the file goes into the location the person picks', async ({ browser, baseURL }) => {
    const sender = await openPeer(browser, baseURL!);
    const receiver = await receiverWith(browser, baseURL!, () => {
      Object.defineProperty(StorageManager.prototype, 'estimate', {
        value: async () => ({ quota: 1024 * 1024, usage: 0 }),
        configurable: true,
      });
      // Playwright cannot drive the native picker: this one "picks" a file handle the
      // page can write, so the real picker code path (a writable stream) runs.
      Object.defineProperty(window, 'showSaveFilePicker', {
        value: async (options: { suggestedName?: string }) => {
          (window as unknown as { pickedName?: string }).pickedName = options.suggestedName;
          return (await navigator.storage.getDirectory()).getFileHandle('picked-by-person.bin', { create: true });
        },
        configurable: true,
      });
    });
    const file = { name: 'report.pdf', mimeType: 'application/pdf', buffer: Buffer.alloc(3 * 1024 * 1024 + 7, 42) };
    await sender.goto('/');
    await sender.getByTestId('file-input').setInputFiles(file);
    await sender.getByTestId('share-button').click();
    await receiver.goto(await sender.getByTestId('share-link').inputValue());

    await expect(receiver.getByTestId('status')).toHaveAttribute('data-status', 'needs-location', { timeout: 30_000 });
    await expect(receiver.getByTestId('progress')).toHaveCount(0);
    await receiver.getByTestId('choose-location').click();
    await expect(receiver.getByTestId('download')).toBeVisible({ timeout: 60_000 });
    await expect(receiver.getByTestId('storage')).toHaveAttribute('data-storage', 'picker');
    expect(await receiver.evaluate(() => (window as unknown as { pickedName?: string }).pickedName)).toBe('report.pdf');
    const written = await receiver.evaluate(async () => {
      const handle = await (await navigator.storage.getDirectory()).getFileHandle('picked-by-person.bin');
      const bytes = new Uint8Array(await (await handle.getFile()).arrayBuffer());
      return { size: bytes.length, allFortyTwo: bytes.every((b) => b === 42) };
    });
    expect(written).toEqual({ size: file.buffer.length, allFortyTwo: true });
  });
});
