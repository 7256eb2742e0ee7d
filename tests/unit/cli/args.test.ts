import { describe, expect, it } from 'vitest';
import { DEFAULT_SERVER, parseArgs, UsageError, USAGE } from '../../../lib/cli/args';
import { parseTarget, TargetError } from '../../../lib/cli/target';
import { exitCodeFor, EXIT } from '../../../lib/cli/exit-codes';

describe('parseArgs', () => {
  it('parses send with options, the server from the environment by default', () => {
    expect(parseArgs(['send', 'a.bin', 'b.bin'], {})).toEqual({
      kind: 'send',
      files: ['a.bin', 'b.bin'],
      server: new URL(DEFAULT_SERVER).origin,
      code: false,
      receivers: 1,
      quiet: false,
    });
    expect(parseArgs(['send', '--code', '-q', '--receivers', '3', 'x'], { P2P_VAULT_SERVER: 'https://vault.example/' })).toMatchObject({
      server: 'https://vault.example',
      code: true,
      quiet: true,
      receivers: 3,
    });
  });

  it('parses receive; -- ends the options', () => {
    expect(parseArgs(['receive', '--out', '/tmp/x', '--server', 'http://127.0.0.1:3000', '7-orbit-velvet-zebra'])).toEqual({
      kind: 'receive',
      target: '7-orbit-velvet-zebra',
      out: '/tmp/x',
      server: 'http://127.0.0.1:3000',
      quiet: false,
      yes: false,
      allowHidden: false,
    });
    expect(parseArgs(['send', '--', '--odd-name'])).toMatchObject({ files: ['--odd-name'] });
    expect(parseArgs(['receive', '--out=/o', '--server=http://h:1', 'x'])).toMatchObject({ out: '/o', server: 'http://h:1' });
  });

  it('parses --yes, -y, --allow-hidden, combined short flags and - (the link on stdin)', () => {
    expect(parseArgs(['receive', '--yes', '--allow-hidden', '-'])).toMatchObject({ kind: 'receive', target: '-', yes: true, allowHidden: true });
    expect(parseArgs(['receive', '-qy', 'x'])).toMatchObject({ quiet: true, yes: true, allowHidden: false });
    expect(parseArgs(['receive', '-y', '--', '-'])).toMatchObject({ target: '-', yes: true });
  });

  it.each([
    [['send'], 'send needs at least one FILE'],
    [['receive'], 'receive needs exactly one LINK or CODE'],
    [['receive', 'a', 'b'], 'receive needs exactly one LINK or CODE'],
    [['fetch', 'x'], 'unknown command fetch'],
    [['send', '--bogus', 'x'], 'unknown option --bogus'],
    [['receive', '-x', 'link'], 'unknown option -x'],
    [['receive', '--yes=1', 'link'], '--yes does not take a value'],
    [['receive', '--out'], '--out needs a value'],
    [['receive', '--out', '--yes', 'link'], '--out needs a value'],
    [['send', '--receivers', '9', 'x'], '--receivers must be'],
    [['send', '--receivers', '1.5', 'x'], '--receivers must be'],
    [['send', '--server'], '--server needs a value'],
    [['send', '--server', 'ftp://x', 'f'], 'must be http or https'],
    [['send', '--server', 'not a url', 'f'], 'is not a URL'],
  ])('refuses %j', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(UsageError);
    expect(() => parseArgs(argv)).toThrow(message);
  });

  it('shows help for nothing or --help', () => {
    expect(parseArgs([])).toEqual({ kind: 'help' });
    expect(parseArgs(['send', '--help'])).toEqual({ kind: 'help' });
    expect(parseArgs(['receive', '--bogus', '-h'])).toEqual({ kind: 'help' });
    expect(() => parseArgs(['send', '--', '--help'])).not.toThrow();
    expect(parseArgs(['send', '--', '--help'])).toMatchObject({ files: ['--help'] });
  });

  it('has a usage text that fits 80 columns and names the new options', () => {
    for (const line of USAGE.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
    expect(USAGE).toContain('--yes, -y');
    expect(USAGE).toContain('--allow-hidden');
    expect(USAGE).toContain('LINK|CODE|-');
  });
});

describe('parseTarget', () => {
  const key = 'A'.repeat(43);
  it('takes the server from a link', () => {
    expect(parseTarget(`https://vault.example:8443/s/${'a'.repeat(22)}#${key}`, 'http://localhost:3000')).toEqual({
      kind: 'link',
      server: 'https://vault.example:8443',
      sessionId: 'a'.repeat(22),
      keyText: key,
    });
  });

  it('parses a code and keeps the --server', () => {
    expect(parseTarget(' 7 Orbit velvet-zebra ', 'http://127.0.0.1:3000')).toEqual({
      kind: 'code',
      server: 'http://127.0.0.1:3000',
      code: { nameplate: 7, words: ['orbit', 'velvet', 'zebra'] },
    });
  });

  it.each([
    [`https://vault.example/s/${'a'.repeat(22)}`, 'its secret key'],
    [`https://vault.example/s/${'a'.repeat(22)}#short`, 'its secret key'],
    [`https://vault.example/x/${'a'.repeat(22)}#${key}`, 'not a vault link'],
    [`https://vault.example/s/${'a'.repeat(21)}#${key}`, 'not a vault link'],
    [`https://vault.example/s/${'a'.repeat(22)}/more#${key}`, 'not a vault link'],
    [`https://vault.example/prefix/s/${'a'.repeat(22)}#${key}`, 'not a vault link'],
    [`https://vault.example/s/${'a'.repeat(22)}#${key}A`, 'its secret key'],
    [`https://vault.example/s/${'a'.repeat(22)}#${'+'.repeat(43)}`, 'its secret key'],
    ['7-orbit-velvet', 'not a valid code'],
    ['7-orbit-velvet-notaword', 'not a valid code'],
    ['hello', 'neither a link nor a code'],
  ])('refuses %s', (text, message) => {
    expect(() => parseTarget(text, 'http://localhost:3000')).toThrow(TargetError);
    expect(() => parseTarget(text, 'http://localhost:3000')).toThrow(message);
  });
});

describe('exit codes', () => {
  it('separates integrity failures from others', () => {
    expect(exitCodeFor('chunk_auth_failed')).toBe(EXIT.integrity);
    expect(exitCodeFor('hash_mismatch')).toBe(EXIT.integrity);
    expect(exitCodeFor('wrong_code')).toBe(EXIT.integrity);
    expect(exitCodeFor('peer_left')).toBe(EXIT.failed);
    expect(exitCodeFor('no_route')).toBe(EXIT.failed);
  });
});
