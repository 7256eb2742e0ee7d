import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diskSinks } from '../../lib/cli/disk-sink';
import { installWebRtc } from '../../lib/cli/node-rtc';
import { diskReceiverHost } from '../../lib/cli/receive';
import { pickFiles } from '../../lib/cli/send';
import { lookupCode } from '../../lib/client/api-client';
import { ReceiverController } from '../../lib/client/receiver-controller';
import { SenderController } from '../../lib/client/sender-controller';
import type { SnapshotStore } from '../../lib/client/snapshot-store';
import { parseCode } from '../../lib/codes/short-code';
import { startServer, type RunningServer } from '../support/server-process';

// Short codes end to end, with the real server and the page's own controllers running
// in Node (the CLI's setup: node-datachannel WebRTC, files on disk). Runs in the test
// namespace: ICE is pinned to loopback.

let server: RunningServer;
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

beforeAll(async () => {
  installWebRtc('127.0.0.1');
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

function until<S>(store: SnapshotStore<S>, done: (s: S) => boolean, timeoutMs = 20_000): Promise<S> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const s = store.latest();
      if (!done(s)) return false;
      clearTimeout(timer);
      unsubscribe();
      resolve(s);
      return true;
    };
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`timed out; last state ${JSON.stringify(store.latest()).slice(0, 400)}`));
    }, timeoutMs);
    const unsubscribe = store.subscribe(() => void check());
    check();
  });
}

async function shareWithCode(maxReceivers = 1) {
  const dir = await mkdtemp(join(tmpdir(), 'codes-send-'));
  const path = join(dir, 'payload.bin');
  const bytes = randomBytes(1_500_000);
  await writeFile(path, bytes);
  const sender = new SenderController(await pickFiles([path]), server.url, { serverUrl: server.url, code: true, maxReceivers });
  void sender.start();
  const shown = await until(sender.store, (s) => s.code !== null || s.status === 'error');
  expect(shown.error).toBeNull();
  return { sender, bytes, link: shown.link!, code: shown.code! };
}

async function receiver(source: { code: string } | { link: string }) {
  const out = await mkdtemp(join(tmpdir(), 'codes-receive-'));
  const sinks = diskSinks(out);
  let controller: ReceiverController;
  if ('code' in source) {
    const code = parseCode(source.code)!;
    const id = await lookupCode(server.url, code.nameplate);
    controller = new ReceiverController(id, null, diskReceiverHost(server.url, sinks), code);
  } else {
    const url = new URL(source.link);
    controller = new ReceiverController(url.pathname.split('/')[2]!, url.hash.slice(1), diskReceiverHost(server.url, sinks));
  }
  void controller.start();
  return { controller, out, sinks };
}

describe('short codes', () => {
  it('a typed code gives the same key as the link: a code receiver and a link receiver of one session both get the file', async () => {
    const { sender, bytes, link, code } = await shareWithCode(2);
    expect(code).toMatch(/^[1-9]\d*-[a-z]+-[a-z]+-[a-z]+$/);
    const byCode = await receiver({ code });
    const byLink = await receiver({ link });
    for (const r of [byCode, byLink]) {
      const done = await until(r.controller.store, (s) => s.status === 'done' || s.status === 'error', 30_000);
      expect(done.error).toBeNull();
      expect(await readdir(r.out)).toEqual(['payload.bin']);
      expect(sha256(await readFile(join(r.out, 'payload.bin')))).toBe(sha256(bytes));
    }
    const sent = await until(sender.store, (s) => s.status === 'done' || s.status === 'error');
    expect(sent.status).toBe('done');
    expect(sent.receivers.map((r) => r.status)).toEqual(['done', 'done']);
    for (const c of [byCode.controller, byLink.controller, sender]) c.dispose();
  });

  it('one wrong guess closes the session on both sides; the right code no longer works', async () => {
    const { sender, code } = await shareWithCode();
    const { nameplate, words } = parseCode(code)!;
    const wrongWords = words.map((w, i) => (i === 2 ? (w === 'zebra' ? 'zoo' : 'zebra') : w));
    const guess = await receiver({ code: `${nameplate}-${wrongWords.join('-')}` });

    const guessed = await until(guess.controller.store, (s) => s.status === 'error');
    expect(guessed.error?.code).toBe('wrong_code');
    expect(guessed.error?.message).toMatch(/code was wrong/i);
    expect(await readdir(guess.out)).toEqual([]);

    const closed = await until(sender.store, (s) => s.status === 'error');
    expect(closed.error?.code).toBe('wrong_code');
    expect(closed.error?.message).toMatch(/someone tried a wrong code/i);
    expect(closed.receivers).toEqual([]);

    // The session is gone: the number no longer names it, so the right words are useless now.
    await expect(lookupCode(server.url, nameplate)).rejects.toMatchObject({ code: 'code_not_found' });
    guess.controller.dispose();
    sender.dispose();
  });

  it('an unknown number is refused before any guess is spent', async () => {
    await expect(lookupCode(server.url, 999_999)).rejects.toMatchObject({ code: 'code_not_found' });
  });
});
