import { FILE_ID, OTHER_FILE_ID, pattern, RECEIVER_PEER_ID, SENDER_PEER_ID, SESSION_ID } from './fixed-inputs';
import { fixedConnection, hex } from './fixed-connection';
import { controlAad, sealControlFrame, type Direction } from './reference/control-frame';
import { envelopeAad, sealEnvelope, type Route, type SignalMessage } from './reference/envelope';
import type { ControlFrameType } from './reference/frame-types';
import { confirmationMac, confirmationTranscript } from './reference/key-confirmation';
import type { ConfirmationVector, ControlFrameVector, EnvelopeVector, HandshakeVectorSuite } from './vector-format';

// Examples of everything sealed before and beside the chunks — signaling envelopes,
// control frames, key confirmation — over the vectors' fixed connection. Their nonces are
// fixed here; a real sender draws each at random.

const b64url = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');
/** As an SDP writes a certificate fingerprint: upper-case hex, which the transcript lower-cases. */
const fingerprint = (seed: number) => `sha-256 ${[...pattern(32, seed)].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':')}`;

// Two sender certificates, listed out of order, so the transcript's sort shows.
const SENDER_FINGERPRINTS = [fingerprint(12), fingerprint(11)];
const RECEIVER_FINGERPRINTS = [fingerprint(13)];
const RESUME_TOKEN = b64url(pattern(16, 14));

const sdp = (fingerprints: string[], setup: 'actpass' | 'active') =>
  [
    'v=0',
    'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
    's=-',
    't=0 0',
    'a=group:BUNDLE 0',
    'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
    'c=IN IP4 0.0.0.0',
    ...fingerprints.map((f) => `a=fingerprint:${f}`),
    `a=setup:${setup}`,
    'a=mid:0',
    'a=sctp-port:5000',
    'a=max-message-size:262144',
    '',
  ].join('\r\n');

const toReceiver: Route = { sessionId: SESSION_ID, from: SENDER_PEER_ID, to: RECEIVER_PEER_ID };
const toSender: Route = { sessionId: SESSION_ID, from: RECEIVER_PEER_ID, to: SENDER_PEER_ID };

function confirmation(keys: ReturnType<typeof fixedConnection>['keys']): ConfirmationVector {
  const transcript = confirmationTranscript(SESSION_ID, SENDER_FINGERPRINTS, RECEIVER_FINGERPRINTS);
  return {
    senderFingerprints: SENDER_FINGERPRINTS,
    receiverFingerprints: RECEIVER_FINGERPRINTS,
    transcript,
    senderMac: confirmationMac(keys.k_confirm_sender, transcript),
    receiverMac: confirmationMac(keys.k_confirm_receiver, transcript),
  };
}

/** The content of handshake-vectors.json, sealed by the reference implementation. */
export function handshakeSuite(): HandshakeVectorSuite {
  const { keys, vector: connection } = fixedConnection();
  const confirmed = confirmation(keys);

  const envelopes: [string, Route, SignalMessage][] = [
    ['offer: sender → receiver', toReceiver, { type: 'offer', seq: 0, data: { sdp: sdp(SENDER_FINGERPRINTS, 'actpass'), dh: connection.sender.dh } }],
    ['answer: receiver → sender, with its resume token', toSender, { type: 'answer', seq: 0, data: { sdp: sdp(RECEIVER_FINGERPRINTS, 'active'), dh: connection.receiver.dh, token: RESUME_TOKEN } }],
    ['ice: sender → receiver', toReceiver, { type: 'ice', seq: 1, data: { candidate: 'candidate:842163049 1 udp 1677729535 192.0.2.10 54321 typ srflx raddr 0.0.0.0 rport 0 generation 0', sdpMid: '0', sdpMLineIndex: 0, usernameFragment: 'v8Zq' } }],
    ['abort: receiver → sender', toSender, { type: 'abort', seq: 1, data: { code: 'no_route' } }],
    ['abort: sender → receiver, the link is used up', toReceiver, { type: 'abort', seq: 2, data: { code: 'full' } }],
    ['reconnect: receiver → sender', toSender, { type: 'reconnect', seq: 2, data: { token: RESUME_TOKEN, attempt: 1 } }],
  ];

  const file = { fileId: b64url(FILE_ID), name: 'report.pdf', path: 'docs/report.pdf', size: 1_048_576, type: 'application/pdf', lastModified: 1_700_000_000_000 };
  const other = { fileId: b64url(OTHER_FILE_ID), name: 'café.txt', path: 'café.txt', size: 0, type: 'text/plain', lastModified: 1_700_000_000_000 };
  const S2R: Direction = 'sender-to-receiver';
  const R2S: Direction = 'receiver-to-sender';
  const frames: [string, ControlFrameType, Direction, unknown][] = [
    ['hello: sender → receiver', 'hello', S2R, { mac: confirmed.senderMac }],
    ['hello: receiver → sender', 'hello', R2S, { mac: confirmed.receiverMac }],
    ['manifest', 'manifest', S2R, { transferId: b64url(pattern(16, 15)), epoch: 0, chunkSize: 262_106, files: [file, other] }],
    ['request', 'request', R2S, { files: [{ fileId: file.fileId, fromIndex: 0 }, { fileId: other.fileId, fromIndex: 0 }] }],
    ['file-end', 'file-end', S2R, { fileId: file.fileId, sha256: hex(pattern(32, 16)) }],
    ['ack', 'ack', R2S, { fileId: file.fileId, received: 1_048_576, verified: true }],
    ['error: sender → receiver', 'error', S2R, { code: 'protocol_violation', message: 'request names a file that is not in the manifest' }],
    ['error: receiver → sender', 'error', R2S, { code: 'hash_mismatch', message: 'SHA-256 of report.pdf differs from the sender’s' }],
    ['cancel: sender → receiver', 'cancel', S2R, { code: 'cancelled', message: 'the sender stopped this transfer' }],
    ['cancel: receiver → sender', 'cancel', R2S, { code: 'cancelled', message: 'the recipient stopped this transfer' }],
  ];

  return {
    description:
      'Signaling envelopes, DataChannel control frames and key confirmation (p2pvault v1, docs/protocol.md §2–§4), sealed by the reference implementation ' +
      '(tests/vectors/reference, node:crypto) under the connection below. Envelope: AES-256-GCM(k_sig, aad = id|from|to|type) of the JSON plaintext; ' +
      'control frame: type byte ‖ nonce ‖ AES-256-GCM(k_ctrl, aad = "p2pvault/v1 frame|" + id + "|" + type + "|" + direction) of the JSON body; ' +
      'confirmation: HMAC-SHA256(k_confirm_<role>, transcript). Nonces are fixed here; real ones are random.',
    connection,
    peers: { sender: SENDER_PEER_ID, receiver: RECEIVER_PEER_ID },
    envelopes: envelopes.map(([name, route, message], i): EnvelopeVector => ({
      name,
      from: route.from,
      to: route.to,
      aad: envelopeAad(route, message.type),
      plaintext: JSON.stringify(message),
      envelope: sealEnvelope(keys.k_sig, route, message, pattern(12, 20 + i)),
    })),
    controlFrames: frames.map(([name, type, direction, body], i): ControlFrameVector => ({
      name,
      type,
      direction,
      aad: controlAad(SESSION_ID, type, direction),
      body: JSON.stringify(body),
      frame: hex(sealControlFrame(keys.k_ctrl, SESSION_ID, type, direction, body, pattern(12, 40 + i))),
    })),
    confirmation: confirmed,
  };
}
