import { mkdir, mkdtemp, readdir, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { acceptManifest, type AcceptPolicy } from '../../../lib/cli/accept';
import { findAsker, LineReader, type Asker } from '../../../lib/cli/prompt';
import type { Manifest } from '../../../lib/protocol/messages';

const MiB = 1024 * 1024;

function manifest(...files: [string, number][]): Manifest {
  return {
    transferId: 't'.repeat(22),
    chunkSize: 65536,
    files: files.map(([path, size], i) => ({ fileId: String(i).repeat(22), name: path.split('/').pop()!, path, size, type: '', lastModified: 0 })),
  };
}

/** An asker that records what was shown and answers `answer`. */
function fakeAsker(answer: string | null): Asker & { shown: string[]; closed: boolean } {
  const shown: string[] = [];
  const fake = {
    shown,
    closed: false,
    columns: 80,
    say: (line: string) => void shown.push(line),
    ask: async (question: string) => {
      shown.push(question);
      return answer;
    },
    close: () => void (fake.closed = true),
  };
  return fake;
}

async function policy(patch: Partial<AcceptPolicy> = {}): Promise<AcceptPolicy> {
  const root = await mkdtemp(join(tmpdir(), 'accept-'));
  return { root, shownDir: root, allowHidden: false, yes: false, asker: fakeAsker('y'), freeBytes: async () => 1024 * MiB, note: () => {}, ...patch };
}

describe('acceptManifest', () => {
  it('shows the list and asks; y accepts, anything else declines', async () => {
    const asker = fakeAsker('y');
    const p = await policy({ asker });
    expect(await acceptManifest(manifest(['docs/a.pdf', 3 * MiB], ['b.txt', 10]), p)).toEqual({ kind: 'disk' });
    expect(asker.shown).toEqual([
      'The sender offers 2 files, 3.0 MiB in all:',
      '    3.0 MiB  docs/a.pdf',
      '       10 B  b.txt',
      `Accept 2 files (3.0 MiB) into ${p.root}? [y/N] `,
    ]);
    expect(asker.closed).toBe(true);
    for (const answer of ['n', '', null]) {
      expect(await acceptManifest(manifest(['a', 1]), await policy({ asker: fakeAsker(answer) }))).toEqual({
        kind: 'refuse',
        code: 'declined',
        message: 'You declined the files. Nothing was written.',
      });
    }
  });

  it('with --yes accepts without asking and notes the list', async () => {
    const notes: string[] = [];
    const asker = fakeAsker('n');
    expect(await acceptManifest(manifest(['a', 1]), await policy({ yes: true, asker, note: (l) => notes.push(l) }))).toEqual({ kind: 'disk' });
    expect(asker.shown).toEqual([]);
    expect(notes[0]).toBe('The sender offers 1 file, 1 B in all:');
  });

  it('refuses hidden paths, a link on the way and too little space before asking', async () => {
    const asker = fakeAsker('y');
    const hidden = await acceptManifest(manifest(['ok', 1], ['.ssh/authorized_keys', 1]), await policy({ asker }));
    expect(hidden).toMatchObject({ kind: 'refuse', code: 'path_refused', message: expect.stringContaining('".ssh/authorized_keys"') });

    const p = await policy({ asker });
    const outside = await mkdtemp(join(tmpdir(), 'accept-outside-'));
    await symlink(outside, join(p.root, 'link'));
    expect(await acceptManifest(manifest(['link/pwned.txt', 1]), p)).toMatchObject({ kind: 'refuse', code: 'path_refused', message: expect.stringContaining('link is a symbolic link') });

    const full = await acceptManifest(manifest(['big', 100 * MiB]), await policy({ asker, freeBytes: async () => 50 * MiB }));
    expect(full).toMatchObject({ kind: 'refuse', code: 'insufficient_space', message: expect.stringMatching(/need 100 MiB .* only 50 MiB/) });

    expect(asker.shown).toEqual([]);
    expect(await readdir(p.root)).toEqual(['link']);
    expect(await readdir(outside)).toEqual([]);
  });

  it('accepts folders that exist as real folders and names that exist (saved beside them)', async () => {
    const p = await policy();
    await mkdir(join(p.root, 'docs'));
    await writeFile(join(p.root, 'b.txt'), 'mine');
    expect(await acceptManifest(manifest(['docs/a.txt', 1], ['b.txt', 1]), p)).toEqual({ kind: 'disk' });
  });
});

/** A stream that claims to be a terminal, or not. */
function stream(isTTY: boolean) {
  return Object.assign(new PassThrough(), { isTTY, columns: 100 });
}

describe('who is asked', () => {
  it('asks on stderr and reads stdin when both are terminals', async () => {
    const stdin = stream(true);
    const stderr = stream(true);
    let written = '';
    stderr.on('data', (d: Buffer) => (written += String(d)));
    const asker = findAsker({ stdin: stdin as never, stderr: stderr as never, openTty: () => null }, false)!;
    expect(asker.columns).toBe(100);
    const answer = asker.ask('Accept? [y/N] ');
    stdin.write('y\n');
    expect(await answer).toBe('y');
    expect(written).toBe('Accept? [y/N] ');
  });

  it('asks nobody when stdin or stderr is not a terminal and the link came as an argument', () => {
    let opened = 0;
    const openTty = () => (opened++, null);
    expect(findAsker({ stdin: stream(false) as never, stderr: stream(true) as never, openTty }, false)).toBeNull();
    expect(findAsker({ stdin: stream(true) as never, stderr: stream(false) as never, openTty }, false)).toBeNull();
    expect(opened).toBe(0);
  });

  it('asks on the controlling terminal when stdin carried the link, if there is one', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let closed = false;
    const openTty = () => ({ input, output, close: () => void (closed = true) });
    const asker = findAsker({ stdin: stream(false) as never, stderr: stream(false) as never, openTty }, true)!;
    const answer = asker.ask('Accept? ');
    input.write('n\n');
    expect(await answer).toBe('n');
    asker.close();
    expect(closed).toBe(true);
    expect(findAsker({ stdin: stream(false) as never, stderr: stream(false) as never, openTty: () => null }, true)).toBeNull();
  });

  it('reads the link, then the answer, from one stdin', async () => {
    const stdin = new PassThrough();
    const lines = new LineReader(stdin);
    stdin.write('https://vault.example/s/abc#key\r\ny');
    expect(await lines.next()).toBe('https://vault.example/s/abc#key');
    const next = lines.next();
    stdin.end('es\n');
    expect(await next).toBe('yes');
    expect(await lines.next()).toBeNull();
  });
});
