import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { handshakeSuite } from '../../vectors/handshake-suite';
import { streamSuite } from '../../vectors/stream-suite';

// The vector files are what the reference implementation (tests/vectors/reference, written
// from docs/protocol.md on node:crypto) writes, not something edited or produced by lib/:
// the tests that hold lib/ to them then compare two independent implementations.

const committed = (file: string): unknown => JSON.parse(readFileSync(new URL(`../../vectors/${file}`, import.meta.url), 'utf8'));

describe('the committed vectors are the reference implementation’s output', () => {
  it('stream-vectors.json regenerates exactly', async () => {
    expect(await streamSuite()).toEqual(committed('stream-vectors.json'));
  });

  it('handshake-vectors.json regenerates exactly', () => {
    expect(handshakeSuite()).toEqual(committed('handshake-vectors.json'));
  });
});
