import { beforeAll, describe, expect, it } from 'vitest';
import { installWebRtc } from '../../lib/cli/node-rtc';
import { PeerLink } from '../../lib/rtc/peer-link';
import type { SignalPlaintext } from '../../lib/protocol/signaling';
import type { SignalBody } from '../../lib/rtc/signaling-client';

// Two PeerLinks over libdatachannel (the CLI's WebRTC) on loopback, with signaling that
// is slow for the answer: the answerer's candidates go at once, its answer a second
// later. The answerer must not be able to start DTLS with the offerer before the
// offerer holds the answer's fingerprint (libdatachannel's DTLS server would refuse the
// handshake: "unknown CA"). Seen for real on a loaded machine: a CLI → CLI transfer
// failed with connection_failed.

const DH = 'A'.repeat(87);

beforeAll(() => installWebRtc('127.0.0.1'));

function pair(answerDelayMs: number) {
  const opened: Promise<number>[] = [];
  const links: PeerLink[] = [];
  const deliver = (to: PeerLink, body: SignalBody) => void to.handle({ ...body, seq: 0 } as SignalPlaintext);
  const make = (initiator: boolean, peer: () => PeerLink) => {
    let open!: (size: number) => void;
    let failed!: (error: Error) => void;
    opened.push(new Promise<number>((resolve, reject) => ((open = resolve), (failed = reject))));
    return new PeerLink(
      { iceServers: [] },
      initiator,
      DH,
      {
        signal: (body) => {
          if (body.type === 'answer') setTimeout(() => deliver(peer(), body), answerDelayMs);
          else deliver(peer(), body);
        },
        open: (_channel, maxMessageSize) => open(maxMessageSize),
        failed: (error) => failed(error),
      },
      { connectTimeoutMs: 8_000 },
    );
  };
  links.push(
    make(true, () => links[1]!),
    make(false, () => links[0]!),
  );
  return { links, opened: Promise.all(opened) };
}

describe('PeerLink over libdatachannel', () => {
  it.each([0, 1_000])('opens the channel when the answer arrives %i ms after the answerer is ready', async (delay) => {
    const { links, opened } = pair(delay);
    await links[0]!.start();
    try {
      expect(await opened).toEqual([262144, 262144]);
    } finally {
      for (const link of links) link.close();
    }
  });
});
