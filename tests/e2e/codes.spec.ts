import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { parseCode } from '../../lib/codes/short-code';
import { io } from 'socket.io-client';
import { emitAck, nextEvent, type TestSocket } from '../support/signaling-peer';
import { download, openPeer, randomFile, sha256 } from './support/peers';
import { encodedForms, wiretap } from './support/wiretap';
import { expect, test } from './support/test';

/**
 * Words the signaling protocol itself puts on the wire (event names, JSON keys, enum
 * values: every quoted word and object key in the code that speaks it): a code word
 * among them, alone, says nothing about the code, so only its joined forms are looked for.
 */
const PROTOCOL_WORDS = new Set([
  // JSON literals, HTTP methods, and what Engine.IO and Socket.IO say for themselves.
  ...['true', 'false', 'null', 'get', 'post', 'upgrade', 'probe', 'websocket', 'polling', 'sid', 'ping', 'pong'],
  ...['lib/protocol', 'lib/signaling', 'lib/rtc', 'lib/crypto']
    .flatMap((dir) => readdirSync(dir).map((name) => readFileSync(join(dir, name), 'utf8')))
    .flatMap((source) => [...source.matchAll(/['"`]([a-z-]+)['"`]|\b([a-z]+)\??:/gi)].flatMap((m) => (m[1] ?? m[2])!.toLowerCase().split('-'))),
]);

/**
 * Every spelling of a code's secret words worth looking for in server traffic: all three
 * and each adjacent pair, joined by any separator, in any case, and the whole code
 * encoded (hex, base64 at every offset); and each word alone (unless the protocol uses
 * it too) as a token, in any case, between characters that cannot be part of a
 * base64url run or a longer word ("firm" is not in "pake-confirm").
 */
function wordSpellings(words: string[]): { joined: string[]; tokens: RegExp[] } {
  const cases = (text: string) => [text, text.toUpperCase(), text.replace(/(^|[^a-z])([a-z])/g, (_, before: string, c: string) => before + c.toUpperCase())];
  const separators = ['-', ' ', '_', '', '.', ',', '+', '%20', '\\n'];
  const groups = [words, words.slice(0, 2), words.slice(1)];
  const joined = groups.flatMap((group) => separators.flatMap((sep) => cases(group.join(sep))));
  const encoded = ['-', ' '].flatMap((sep) => cases(words.join(sep))).flatMap((text) => encodedForms(Buffer.from(text)));
  const tokens = words.filter((word) => !PROTOCOL_WORDS.has(word)).map((word) => new RegExp(`(^|[^A-Za-z0-9_-])${word}($|[^A-Za-z0-9_-])`, 'i'));
  return { joined: [...new Set([...joined, ...encoded])], tokens };
}

/** Shares `file` with the short-code option ticked; returns the code the page shows. */
async function shareWithCode(sender: Page, file: ReturnType<typeof randomFile>): Promise<string> {
  await sender.goto('/');
  await sender.getByTestId('file-input').setInputFiles(file);
  await sender.getByTestId('make-code').check();
  await sender.getByTestId('share-button').click();
  const code = sender.getByTestId('share-code');
  await expect(code).toHaveText(/^\d+-[a-z]+-[a-z]+-[a-z]+$/);
  return (await code.textContent())!;
}

async function typeCode(receiver: Page, code: string): Promise<void> {
  await receiver.goto('/c');
  await receiver.getByTestId('code-input').fill(code);
  await receiver.getByTestId('code-submit').click();
}

test.describe('short codes', () => {
  test('a code typed at /c receives the file byte-identical; the words never reach the server', async ({ browser, baseURL }) => {
    const sender = await openPeer(browser, baseURL!);
    const receiver = await openPeer(browser, baseURL!);
    const file = randomFile(3 * 1024 * 1024);
    const senderWire = wiretap(sender);
    const receiverWire = wiretap(receiver);
    const code = await shareWithCode(sender, file);

    // Spoken codes come back with other capitals and spaces.
    await typeCode(receiver, ` ${code.replaceAll('-', ' ').toUpperCase()} `);
    await expect(receiver.getByTestId('download')).toBeVisible({ timeout: 60_000 });
    await expect(receiver.getByTestId('file-hash')).toHaveText(sha256(file.buffer));
    await expect(sender.getByTestId('status')).toHaveAttribute('data-status', 'done');
    const saved = await download(receiver);
    expect(Buffer.compare(saved.bytes, file.buffer)).toBe(0);

    const { words } = parseCode(code)!;
    const { joined, tokens } = wordSpellings(words);
    expect(joined).toContain(words.join(' ').toUpperCase());
    expect(PROTOCOL_WORDS).toContain('confirm'); // the vocabulary was read
    for (const wire of [senderWire, receiverWire]) {
      expect(wire.find('"pake"')).toBeDefined();
      for (const form of joined) expect(wire.find(form), form).toBeUndefined();
      // Request headers hold the user agent's prose ("Safari" is a list word).
      for (const token of tokens) expect(wire.find(token, ['url', 'body', 'frame']), String(token)).toBeUndefined();
    }
  });

  test('one wrong guess closes the session on both sides', async ({ browser, baseURL }) => {
    const sender = await openPeer(browser, baseURL!);
    const guesser = await openPeer(browser, baseURL!);
    const code = await shareWithCode(sender, randomFile(64 * 1024));
    const { nameplate, words } = parseCode(code)!;
    const wrong = [words[0], words[1], words[2] === 'zebra' ? 'zoo' : 'zebra'];

    await typeCode(guesser, `${nameplate}-${wrong.join('-')}`);
    await expect(guesser.getByTestId('error')).toHaveAttribute('data-code', 'wrong_code');
    await expect(guesser.getByTestId('error')).toContainText('The code was wrong');
    await expect(sender.getByTestId('error')).toHaveAttribute('data-code', 'wrong_code');
    await expect(sender.getByTestId('error')).toContainText('Someone tried a wrong code');
    await expect(sender.getByTestId('share-code')).toHaveCount(0);

    // The right code no longer finds the session.
    const late = await openPeer(browser, baseURL!);
    await typeCode(late, code);
    await expect(late.getByTestId('error')).toHaveAttribute('data-code', 'code_not_found');
  });

  test('a stranger who looks the number up and holds the receiver slot without the words is removed; the real receiver then gets the file', async ({ browser, baseURL }) => {
    const sender = await openPeer(browser, baseURL!);
    const file = randomFile(256 * 1024);
    const code = await shareWithCode(sender, file);
    const { nameplate } = parseCode(code)!;

    // Anyone can look a number up and join as its receiver; the words are what they lack.
    const { id } = (await (await fetch(`${baseURL}/api/code/${nameplate}`)).json()) as { id: string };
    // From another loopback address: the server bars a removed squatter's address from the session.
    // engine.io-client hands `localAddress` to the Node WebSocket; its types leave it out.
    const options = { transports: ['websocket'], forceNew: true, reconnection: false, localAddress: '127.0.0.2' };
    const squatter: TestSocket = io(baseURL!, options as Parameters<typeof io>[1]);
    await new Promise<void>((resolve, reject) => squatter.once('connect', () => resolve()).once('connect_error', reject));
    try {
      expect(await emitAck<{ ok: boolean }>(squatter, 'join', { sessionId: id, role: 'receiver', code: true })).toMatchObject({ ok: true });
      const early = await openPeer(browser, baseURL!);
      await typeCode(early, code);
      await expect(early.getByTestId('error')).toHaveAttribute('data-code', 'full');

      // CODE_EXCHANGE_TIMEOUT_SECONDS (8 in playwright.config.ts) later the server lets the place go.
      expect(await nextEvent(squatter, 'session-closed', 30_000)).toEqual({ reason: 'unconfirmed' });
      await expect(sender.getByTestId('sender-notice')).toContainText('did not finish entering it');
      await expect(sender.getByTestId('share-code')).toHaveText(code);
    } finally {
      squatter.disconnect();
    }

    const receiver = await openPeer(browser, baseURL!);
    await typeCode(receiver, code);
    await expect(receiver.getByTestId('download')).toBeVisible({ timeout: 60_000 });
    await expect(receiver.getByTestId('file-hash')).toHaveText(sha256(file.buffer));
    expect(Buffer.compare((await download(receiver)).bytes, file.buffer)).toBe(0);
    await expect(sender.getByTestId('status')).toHaveAttribute('data-status', 'done');
  });

  test('a code with a word not on the list is refused before any try is spent', async ({ browser, baseURL }) => {
    const receiver = await openPeer(browser, baseURL!);
    await typeCode(receiver, '7-orbit-velvet-lantern');
    await expect(receiver.getByTestId('code-problem')).toContainText('“lantern” is not on the word list');
    await expect(receiver.getByTestId('code-input')).toHaveAttribute('aria-invalid', 'true');
  });
});
