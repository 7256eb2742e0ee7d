import { beforeAll, describe, expect, it } from 'vitest';
import { installWebRtc } from '../../lib/cli/node-rtc';
import { PeerLink } from '../../lib/rtc/peer-link';
import type { SignalBody } from '../../lib/rtc/signaling-client';
import type { SignalPlaintext } from '../../lib/protocol/signaling';

// Two PeerLinks over libdatachannel (the CLI's WebRTC) on loopback. libdatachannel
// gathers candidates as soon as it has made its answer, so the answerer's candidates
// can reach the offerer before the answer does. Signaling keeps no such order promise
// either: a candidate that overtakes the answer must wait, not break ICE.

const DH = 'A'.repeat(87);

beforeAll(() => installWebRtc('127.0.0.1'));

function pair(reorder: boolean) {
  const opened: Promise<number>[] = [];
  const links: PeerLink[] = [];
  const held: SignalBody[] = [];
  const deliver = (to: () => PeerLink, body: SignalBody) => void to().handle({ ...body, seq: 0 } as SignalPlaintext);
  const make = (initiator: boolean, peer: () => PeerLink) => {
    let open!: (size: number) => void;
    let failed!: (error: Error) => void;
    opened.push(new Promise<number>((resolve, reject) => ((open = resolve), (failed = reject))));
    return new PeerLink({ iceServers: [] }, initiator, DH, {
      signal: (body) => {
        // The answerer's candidates are held back until its answer has gone: then they
        // go first, ahead of the answer.
        if (reorder && !initiator && body.type === 'answer') {
          for (const ice of held.splice(0)) deliver(peer, ice);
          return void setTimeout(() => deliver(peer, body), 50);
        }
        if (reorder && !initiator && body.type === 'ice' && held !== null) return void held.push(body);
        deliver(peer, body);
      },
      open: (_channel, maxMessageSize) => open(maxMessageSize),
      failed: (error) => failed(error),
    }, { connectTimeoutMs: 8_000 });
  };
  links.push(make(true, () => links[1]!), make(false, () => links[0]!));
  return { links, opened: Promise.all(opened) };
}

describe('PeerLink candidate order (libdatachannel)', () => {
  it.each([false, true])('opens the channel when the answerer’s candidates overtake its answer: %s', async (reorder) => {
    const { links, opened } = pair(reorder);
    await links[0]!.start();
    try {
      expect(await opened).toEqual([262144, 262144]);
    } finally {
      for (const link of links) link.close();
    }
  });
});
