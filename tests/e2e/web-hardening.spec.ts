import { expect, test, type Page } from './support/test';
import { startServer } from '../support/server-process';
import { download, openPeer, randomFile, sha256, shareFile } from './support/peers';

// Web hardening as a visitor meets it: a nonce-based CSP that the whole transfer runs
// under without one violation, peer-supplied names shown as text, a third browser
// turned away without disturbing a running transfer, and session creation rate-limited.

/** Collects CSP violations the page reports, from the first script on. */
async function watchCsp(page: Page): Promise<() => Promise<string[]>> {
  const console: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) console.push(message.text());
  });
  await page.context().addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __csp: string[] }).__csp = seen;
    document.addEventListener('securitypolicyviolation', (e) =>
      seen.push(`${e.violatedDirective} ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}:${e.columnNumber} ${e.sample}`),
    );
  });
  return async () => [...console, ...(await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp))];
}

test('every page carries a nonce CSP, and a whole transfer runs without a CSP violation', async ({ browser, baseURL }) => {
  const sender = await openPeer(browser, baseURL!);
  const receiver = await openPeer(browser, baseURL!);
  const senderViolations = await watchCsp(sender);
  const receiverViolations = await watchCsp(receiver);

  const response = await sender.goto('/');
  const csp = response!.headers()['content-security-policy']!;
  const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];
  expect(nonce, csp).toBeTruthy();
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
  expect(csp).not.toMatch(/script-src[^;]*'unsafe-eval'/);
  expect(response!.headers()['referrer-policy']).toBe('no-referrer');
  expect(response!.headers()['x-content-type-options']).toBe('nosniff');
  expect(response!.headers()['permissions-policy']).toContain('geolocation=()');
  // Next put this response's nonce on every script it rendered.
  const scripts = await sender.locator('script').evaluateAll((nodes) => nodes.map((n) => (n as HTMLScriptElement).nonce));
  expect(scripts.length).toBeGreaterThan(0);
  for (const scriptNonce of scripts) expect(scriptNonce).toBe(nonce);
  // A second response gets a different nonce.
  const again = await sender.request.get('/');
  expect(again.headers()['content-security-policy']).not.toBe(csp);
  // No other origin is ever contacted: no third-party scripts or fonts.
  const origins = new Set<string>();
  for (const page of [sender, receiver]) page.on('request', (r) => origins.add(new URL(r.url()).origin));

  const file = randomFile(2 * 1024 * 1024);
  await sender.getByTestId('file-input').setInputFiles(file);
  await sender.getByTestId('share-button').click();
  const link = await sender.getByTestId('share-link').inputValue();
  await receiver.goto(link);
  await expect(receiver.getByTestId('download')).toBeVisible({ timeout: 60_000 });
  expect(sha256((await download(receiver)).bytes)).toBe(sha256(file.buffer));

  expect(await senderViolations()).toEqual([]);
  expect(await receiverViolations()).toEqual([]);
  expect([...origins]).toEqual([new URL(baseURL!).origin]);
});

test('a file named like HTML and script is shown as text on both sides', async ({ browser, baseURL }) => {
  const sender = await openPeer(browser, baseURL!);
  const receiver = await openPeer(browser, baseURL!);
  const dialogs: string[] = [];
  for (const page of [sender, receiver]) page.on('dialog', (d) => void d.dismiss().then(() => dialogs.push(d.message())));
  const name = `<img src=x onerror="alert('xss')"><script>alert(1)<\u2215script>.html`;
  const file = { ...randomFile(32 * 1024), name };

  const link = await shareFile(sender, file);
  await receiver.goto(link);
  await expect(receiver.getByTestId('download')).toBeVisible({ timeout: 60_000 });

  for (const page of [sender, receiver]) {
    await expect(page.getByText(name, { exact: true }).first()).toBeVisible();
    // The markup stayed text: no element was made from it.
    expect(await page.locator('img[src="x"], main script').count()).toBe(0);
  }
  const saved = await download(receiver);
  expect(sha256(saved.bytes)).toBe(sha256(file.buffer));
  expect(dialogs).toEqual([]);
});

test('a third browser opening the link mid-transfer is refused and the transfer completes', async ({ browser, baseURL }) => {
  const sender = await openPeer(browser, baseURL!);
  const receiver = await openPeer(browser, baseURL!);
  const intruder = await openPeer(browser, baseURL!);
  const file = randomFile(24 * 1024 * 1024);

  const link = await shareFile(sender, file);
  await receiver.goto(link);
  await expect(receiver.getByTestId('status')).toHaveAttribute('data-status', 'receiving', { timeout: 30_000 });

  await intruder.goto(link);
  await expect(intruder.getByTestId('error')).toHaveAttribute('data-code', 'full');
  await expect(intruder.getByTestId('download')).toHaveCount(0);
  // The running transfer was not disturbed.
  await expect(receiver.getByTestId('status')).toHaveAttribute('data-status', 'receiving');

  await expect(receiver.getByTestId('download')).toBeVisible({ timeout: 60_000 });
  await expect(sender.getByTestId('status')).toHaveAttribute('data-status', 'done');
  expect(Buffer.compare((await download(receiver)).bytes, file.buffer)).toBe(0);

  // Once verified the sender ends the session: the link no longer admits anyone.
  const late = await openPeer(browser, baseURL!);
  const response = await late.goto(link);
  expect(response?.status()).toBe(404);
});

test('session creation is rate-limited per address: 429 with Retry-After, and the page says so', async ({ browser }) => {
  const server = await startServer({ RATE_LIMIT_SESSIONS_PER_MINUTE: '3' });
  try {
    for (let i = 0; i < 3; i++) expect((await fetch(`${server.url}/api/session`, { method: 'POST' })).status).toBe(201);
    const limited = await fetch(`${server.url}/api/session`, { method: 'POST' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await limited.json()).toMatchObject({ code: 'rate_limited' });

    const sender = await openPeer(browser, server.url);
    await sender.goto('/');
    await sender.getByTestId('file-input').setInputFiles(randomFile(1024));
    await sender.getByTestId('share-button').click();
    await expect(sender.getByTestId('error')).toHaveAttribute('data-code', 'rate_limited');
    await expect(sender.getByTestId('error')).toContainText('Too many requests');
  } finally {
    await server.stop();
  }
});
