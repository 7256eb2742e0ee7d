import { beforeAll, describe, expect, it } from 'vitest';
import { installWebRtc } from '../../lib/cli/node-rtc';
import { RtcPeer } from '../../lib/rtc/rtc-peer';
import type { SignalPlaintext } from '../../lib/protocol/signaling';
import type { SignalBody } from '../../lib/rtc/signaling-client';

// Two RtcPeers over libdatachannel (the CLI's WebRTC) on loopback, with signaling that
// is slow for the answer: the answerer's candidates go at once, its answer a second
// later. The answerer must not be able to start DTLS with the offerer before the
// offerer holds the answer's fingerprint (libdatachannel's DTLS server would refuse the
// handshake: "unknown CA"). Seen for real on a loaded machine: a CLI → CLI transfer
// failed with connection_failed.

const DH = 'A'.repeat(87);

beforeAll(() => installWebRtc('127.0.0.1'));

function pair(answerDelayMs: number) {
  const opened: Promise<number>[] = [];
  const peers: RtcPeer[] = [];
  const deliver = (to: RtcPeer, body: SignalBody) => void to.handle({ ...body, seq: 0 } as SignalPlaintext);
  const make = (initiator: boolean, peer: () => RtcPeer) => {
    let open!: (size: number) => void;
    let failed!: (error: Error) => void;
    opened.push(new Promise<number>((resolve, reject) => ((open = resolve), (failed = reject))));
    return new RtcPeer(
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
  peers.push(
    make(true, () => peers[1]!),
    make(false, () => peers[0]!),
  );
  return { peers, opened: Promise.all(opened) };
}

describe('RtcPeer over libdatachannel', () => {
  it.each([0, 1_000])('opens the channel when the answer arrives %i ms after the answerer is ready', async (delay) => {
    const { peers, opened } = pair(delay);
    await peers[0]!.start();
    try {
      expect(await opened).toEqual([262144, 262144]);
    } finally {
      for (const peer of peers) peer.close();
    }
  });
});
