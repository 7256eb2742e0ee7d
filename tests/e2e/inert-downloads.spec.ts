import { expect, test, type Page } from './support/test';
import { download, openPeer } from './support/peers';

// Issue 17, as a visitor meets it. A received file's object URL lives in the vault's
// origin: typed as the sender said (text/html, SVG) it would render the sender's markup
// here. Received files are octet-stream, so opening one downloads it under its name.
// And the sender's page turns away its own files with disguised or Windows-reserved
// names before any session exists, showing the names escaped.

const HTML = `<!doctype html><title>pwned</title><script>localStorage.setItem('pwned', 'html'); alert('html')</script>`;
const SVG = `<svg xmlns="http://www.w3.org/2000/svg" onload="localStorage.setItem('pwned', 'svg'); alert('svg')"><script>localStorage.setItem('pwned', 'svg-script')</script><circle r="5"/></svg>`;

/** What the page's own fetch of an object URL says about it. */
const typeOf = (page: Page, url: string) =>
  page.evaluate(async (u) => {
    const response = await fetch(u);
    return { header: response.headers.get('content-type'), blob: (await response.blob()).type };
  }, url);

test('received HTML and SVG open inert: octet-stream object URLs that download under their names and never render', async ({ browser, baseURL }) => {
  const sender = await openPeer(browser, baseURL!);
  // The receiver without its CSP: the vault's nonce CSP is inherited by blob documents
  // and would stop the sender's script on its own, hiding whether the type did. It also
  // lets the test fetch the object URLs (connect-src has no blob:).
  const receiver = await (
    await browser.newContext({ baseURL, permissions: ['camera', 'microphone'], acceptDownloads: true, bypassCSP: true })
  ).newPage();
  const dialogs: string[] = [];
  for (const page of [sender, receiver]) page.on('dialog', (d) => void d.dismiss().then(() => dialogs.push(d.message())));

  await sender.goto('/');
  await sender.getByTestId('file-input').setInputFiles([
    { name: 'page.html', mimeType: 'text/html', buffer: Buffer.from(HTML) },
    { name: 'image.svg', mimeType: 'image/svg+xml', buffer: Buffer.from(SVG) },
  ]);
  await sender.getByTestId('share-button').click();
  const link = sender.getByTestId('share-link');
  await expect(link).toHaveValue(/\/s\//);
  await receiver.goto(await link.inputValue());
  await expect(receiver.getByTestId('download')).toHaveCount(2, { timeout: 60_000 });

  for (const [path, body] of [
    ['page.html', HTML],
    ['image.svg', SVG],
  ] as const) {
    const anchor = receiver.getByRole('link', { name: `Download ${path}`, exact: true });
    const url = (await anchor.getAttribute('href'))!;
    expect(url).toMatch(/^blob:/);
    expect(await typeOf(receiver, url)).toEqual({ header: 'application/octet-stream', blob: 'application/octet-stream' });
    // The download keeps the file's own name and bytes.
    const saved = await download(receiver, path);
    expect(saved.name).toBe(path);
    expect(saved.bytes.toString()).toBe(body);
    // Opened as a page (a link without `download`, as a person might open it), the URL
    // downloads instead of rendering: the receiver's page stays where it was.
    const before = receiver.url();
    const [opened] = await Promise.all([
      receiver.waitForEvent('download'),
      receiver.evaluate((u) => {
        const a = document.createElement('a');
        a.href = u;
        document.body.append(a);
        a.click();
        a.remove();
      }, url),
    ]);
    await opened.cancel();
    expect(receiver.url()).toBe(before);
  }

  // The zip of both is inert too.
  const [zip] = await Promise.all([receiver.waitForEvent('download'), receiver.getByTestId('download-all').click()]);
  expect(zip.suggestedFilename()).toBe('files.zip');
  const zipUrl = (await receiver.locator('a[data-testid="download-all"]').getAttribute('href'))!;
  expect((await typeOf(receiver, zipUrl)).header).toBe('application/octet-stream');

  // Nothing the sender wrote ran in the vault's origin.
  expect(await receiver.evaluate(() => localStorage.getItem('pwned'))).toBeNull();
  expect(dialogs).toEqual([]);
});

test('the sender’s page refuses its own files with disguised or Windows-reserved names, showing them escaped', async ({ browser, baseURL }) => {
  const sender = await openPeer(browser, baseURL!);
  await sender.goto('/');
  const file = (name: string) => ({ name, mimeType: 'text/plain', buffer: Buffer.from('x') });
  await sender.getByTestId('file-input').setInputFiles([file('CON.txt'), file('invoice\u202Etxt.exe'), file('a\u200Bb.txt'), file('ok.txt')]);

  await expect(sender.getByTestId('selected-file')).toHaveCount(1);
  await expect(sender.getByTestId('selected-file')).toHaveAttribute('data-path', 'ok.txt');
  const skipped = sender.getByTestId('skipped');
  await expect(skipped).toContainText('CON.txt: uses a name Windows reserves for a device (CON)');
  await expect(skipped).toContainText('invoice\\u202Etxt.exe: has a bidi or invisible format character (U+202E)');
  await expect(skipped).toContainText('a\\u200Bb.txt: has a bidi or invisible format character (U+200B)');
  // The page shows no disguising character at all.
  expect(await skipped.textContent()).not.toMatch(/[\u202E\u200B]/);
});
