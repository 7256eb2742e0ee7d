import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Browser, type Page, type TestInfo } from './support/test';
import jsQR from 'jsqr';
import { join } from 'node:path';
import { download, randomFile, sha256, shareFile } from './support/peers';
import { tempDir, writeSparseFile } from './support/temp-files';

// What a person sees: the QR code really carries the link, every main view passes
// axe (no serious or critical violation) in light and dark, and screenshots of each
// view at phone and desktop widths are kept as test artifacts for review.

const WIDTHS = { phone: { width: 375, height: 812 }, desktop: { width: 1280, height: 900 } } as const;
type Scheme = 'light' | 'dark';

async function person(browser: Browser, baseURL: string, viewport: { width: number; height: number }, colorScheme: Scheme): Promise<Page> {
  const context = await browser.newContext({ baseURL, viewport, colorScheme, permissions: ['camera', 'microphone'], acceptDownloads: true });
  return context.newPage();
}

async function expectAccessible(page: Page, view: string) {
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  const serious = violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(serious, `axe on ${view}`).toEqual([]);
}

async function snap(page: Page, testInfo: TestInfo, name: string) {
  // Fonts and the QR canvas are drawn before the picture is taken.
  await page.evaluate(() => document.fonts.ready);
  // Kept as files in the test's output folder (test-results/ by default) for review.
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: true });
}

test('the QR code decodes to the share link', async ({ browser, baseURL }) => {
  const sender = await person(browser, baseURL!, WIDTHS.desktop, 'dark');
  const link = await shareFile(sender, randomFile(1024));
  const qr = sender.getByTestId('share-qr');
  await expect(qr).toBeVisible();
  // The pixels as drawn on the page, decoded here in Node by an independent reader.
  const image = await qr.evaluate((canvas: HTMLCanvasElement) => {
    const { data, width, height } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    return { data: Array.from(data), width, height };
  });
  const decoded = jsQR(Uint8ClampedArray.from(image.data), image.width, image.height);
  expect(decoded?.data).toBe(link);
  await expect(sender.getByTestId('expiry')).toHaveText(/^Expires in \d+ minutes/);
});

test('the sender can end the session: the page says so and the link stops working', async ({ browser, baseURL }) => {
  const sender = await person(browser, baseURL!, WIDTHS.desktop, 'light');
  const link = await shareFile(sender, randomFile(1024));
  await sender.getByTestId('end-session').click();
  await expect(sender.getByTestId('status')).toHaveAttribute('data-status', 'ended');
  await expect(sender.getByTestId('share-link')).toHaveCount(0);
  await expect(sender.getByTestId('retry')).toBeVisible();
  const receiver = await person(browser, baseURL!, WIDTHS.desktop, 'light');
  await receiver.goto(link);
  await expect(receiver.getByTestId('error')).toHaveAttribute('data-code', 'not_found');
});

test('the homepage works from the keyboard, and focus is always visible', async ({ browser, baseURL }) => {
  const page = await person(browser, baseURL!, WIDTHS.desktop, 'light');
  await page.goto('/');
  // The file inputs appear once the page is hydrated: before that a key press does nothing.
  await expect(page.getByTestId('file-input')).toBeAttached();
  const stops: { name: string; outline: string }[] = [];
  for (let i = 0; i < 6; i++) {
    await page.keyboard.press('Tab');
    stops.push(
      await page.evaluate(() => {
        const el = document.activeElement as HTMLElement;
        if (el === document.body) return { name: 'BODY', outline: '' };
        const style = getComputedStyle(el);
        const name = el.getAttribute('aria-label') ?? (el.id ? document.querySelector(`label[for="${el.id}"]`)?.textContent : null) ?? el.textContent?.trim() ?? el.tagName;
        return { name, outline: `${style.outlineStyle} ${style.outlineWidth}` };
      }),
    );
  }
  // Every stop is something a person can see and use, and shows where focus is.
  expect(stops.map((s) => s.name)).toEqual(expect.arrayContaining(['Choose files', 'Choose a folder']));
  for (const stop of stops.filter((s) => s.name !== 'BODY')) expect(stop.outline, stop.name).not.toMatch(/^none/);
  // Enter on "Choose files" reaches the (multiple) file input. The dialog itself is
  // prevented: a native chooser opened by a script is not something a test can rely on.
  await page.getByTestId('file-input').evaluate((input: HTMLInputElement) => {
    input.addEventListener('click', (event) => {
      event.preventDefault();
      input.dataset.opened = String(input.multiple);
    });
  });
  await page.getByRole('button', { name: 'Choose files' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('file-input')).toHaveAttribute('data-opened', 'true');
});

for (const [size, viewport] of Object.entries(WIDTHS)) {
  for (const scheme of ['light', 'dark'] as const) {
    test(`every main view at ${size} width (${viewport.width} px), ${scheme}: accessible, screenshots kept`, async ({ browser, baseURL }, testInfo) => {
      const tag = `${size}-${scheme}`;
      const sender = await person(browser, baseURL!, viewport, scheme);
      await sender.goto('/');
      await expectAccessible(sender, `home ${tag}`);
      await snap(sender, testInfo, `home-${tag}`);

      const file = randomFile(3 * 1024 * 1024, 'holiday-photos.zip');
      const link = await shareFile(sender, file);
      await expect(sender.getByTestId('status')).toHaveAttribute('data-status', 'waiting');
      await expect(sender.getByTestId('steps')).toHaveAttribute('data-step', 'waiting');
      await expectAccessible(sender, `sender sharing ${tag}`);
      await snap(sender, testInfo, `sender-sharing-${tag}`);
      // Nothing may stick out sideways on a phone.
      expect(await sender.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);

      const receiver = await person(browser, baseURL!, viewport, scheme);
      await receiver.goto(link);
      await expect(receiver.getByTestId('status')).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
      await expect(receiver.getByTestId('steps')).toHaveAttribute('data-step', 'done');
      await expectAccessible(receiver, `receiver done ${tag}`);
      await snap(receiver, testInfo, `receiver-done-${tag}`);
      const saved = await download(receiver);
      expect(sha256(saved.bytes)).toBe(sha256(file.buffer));

      await expect(sender.getByTestId('status')).toHaveAttribute('data-status', 'done');
      await expectAccessible(sender, `sender done ${tag}`);
      await snap(sender, testInfo, `sender-done-${tag}`);

      // A link whose key was cut off: the error view and its next step.
      const broken = await person(browser, baseURL!, viewport, scheme);
      await broken.goto(link.slice(0, -5));
      await expect(broken.getByTestId('error')).toBeVisible();
      await expectAccessible(broken, `receiver error ${tag}`);
      await snap(broken, testInfo, `receiver-error-${tag}`);

      for (const page of [sender, receiver, broken]) await page.context().close();
    });
  }
}

for (const scheme of ['light', 'dark'] as const) {
  test(`the short-code views at phone width, ${scheme}: accessible, screenshots kept`, async ({ browser, baseURL }, testInfo) => {
    const sender = await person(browser, baseURL!, WIDTHS.phone, scheme);
    await sender.goto('/');
    await sender.getByTestId('file-input').setInputFiles(randomFile(64 * 1024, 'notes.txt'));
    await sender.getByTestId('make-code').check();
    await expectAccessible(sender, `home with code option ${scheme}`);
    await sender.getByTestId('share-button').click();
    await expect(sender.getByTestId('share-code')).toHaveText(/^\d+-[a-z]+-[a-z]+-[a-z]+$/);
    await expectAccessible(sender, `sender code ${scheme}`);
    await snap(sender, testInfo, `sender-code-phone-${scheme}`);
    expect(await sender.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(WIDTHS.phone.width);

    const receiver = await person(browser, baseURL!, WIDTHS.phone, scheme);
    await receiver.goto('/c');
    await receiver.getByTestId('code-input').fill('7-orbit-velvet-lantern');
    await receiver.getByTestId('code-submit').click();
    await expect(receiver.getByTestId('code-problem')).toBeVisible();
    await expectAccessible(receiver, `code entry refused ${scheme}`);
    await snap(receiver, testInfo, `code-entry-phone-${scheme}`);
  });
}

test('a receiver whose sender closed the page mid-transfer is told so within 5 s, and offered nothing', async ({ browser, baseURL }) => {
  const dir = await tempDir();
  try {
    // Big enough that the close lands mid-transfer; sparse, so it costs no disk.
    const path = join(dir.path, 'big.bin');
    await writeSparseFile(path, 1024 * 1024 * 1024);
    const sender = await person(browser, baseURL!, WIDTHS.desktop, 'light');
    await sender.goto('/');
    await sender.getByTestId('file-input').setInputFiles(path);
    await sender.getByTestId('share-button').click();
    await expect(sender.getByTestId('share-link')).toHaveValue(/#/);
    const link = await sender.getByTestId('share-link').inputValue();
    const receiver = await person(browser, baseURL!, WIDTHS.desktop, 'light');
    await receiver.goto(link);
    await expect(receiver.getByTestId('progress')).not.toHaveAttribute('aria-valuenow', '0', { timeout: 60_000 });
    await sender.close({ runBeforeUnload: false });
    await expect(receiver.getByTestId('error')).toHaveAttribute('data-code', 'peer_left', { timeout: 5_000 });
    await expect(receiver.getByTestId('error')).toContainText('The sender left');
    await expect(receiver.getByTestId('download')).toHaveCount(0);
  } finally {
    await dir.remove();
  }
});
