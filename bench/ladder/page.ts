// The stage ladder's page (bundled by bench/ladder/serve.ts): one DataChannel between a
// sending and a receiving page, and the app's own lib/ code switched on stage by stage,
// so each stage's cost is the difference between two lines measured over one link.
import { createEphemeral, ephemeralSecret, type Ephemeral } from '../../lib/crypto/ephemeral';
import { workerFileHasher } from '../../lib/client/file-hasher';
import { deriveConnectionKeys, deriveFileKey, deriveSessionKeys } from '../../lib/crypto/keys';
import { StreamSealer } from '../../lib/crypto/stream';
import { encodeChunkFrame } from '../../lib/protocol/frames';
import { dispatchFromEngine, messageBackend, type ReceiveBackend } from '../../lib/client/receive-backend';
import { channelPort, type ChannelPort } from '../../lib/rtc/channel-port';
import { ChunkReader } from '../../lib/transfer/chunk-reader';
import { chunkSizeFor } from '../../lib/transfer/chunking';
import { fileSourceFromBlob } from '../../lib/transfer/file-source';
import { sendWithBackpressure } from '../../lib/transfer/port';
import { SendSession } from '../../lib/transfer/send-session';
import { RAW_MESSAGE_BYTES, type ReceiverResult, type ReceiverStage, type SenderStage, type StageKeys } from './stages';

const SESSION_ID = 'ladder-session-000000';
const TRANSCRIPT = new TextEncoder().encode('ladder transcript');
const hexBytes = (hex: string) => Uint8Array.from(hex.match(/../g)!.map((b) => parseInt(b, 16)));

let pc: RTCPeerConnection;
let channel: RTCDataChannel;
let port: ChannelPort;
let opened: Promise<void>;

async function describe(offer?: string): Promise<string> {
  pc = new RTCPeerConnection({ iceServers: [] });
  opened = new Promise((resolve) => {
    const adopt = (c: RTCDataChannel) => {
      channel = c;
      channel.binaryType = 'arraybuffer';
      port = channelPort(channel);
      if (channel.readyState === 'open') resolve();
      else channel.addEventListener('open', () => resolve(), { once: true });
    };
    if (offer === undefined) adopt(pc.createDataChannel('vault', { ordered: true }));
    else pc.addEventListener('datachannel', (event) => adopt(event.channel));
  });
  if (offer === undefined) await pc.setLocalDescription(await pc.createOffer());
  else {
    await pc.setRemoteDescription({ type: 'offer', sdp: offer });
    await pc.setLocalDescription(await pc.createAnswer());
  }
  // Non-trickle: the SDP carries the loopback candidate once gathering is complete.
  await new Promise<void>((resolve) => {
    if (pc.iceGatheringState === 'complete') return resolve();
    pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve());
    setTimeout(resolve, 5000);
  });
  return pc.localDescription!.sdp;
}

const picked = () => {
  const file = document.querySelector<HTMLInputElement>('#file')!.files?.[0];
  if (!file) throw new Error('no file picked');
  return file;
};

// ---- Sender stages: the app's sending loop with its parts switched on one by one. ----

async function sendRaw(bytes: number): Promise<void> {
  const message = new Uint8Array(RAW_MESSAGE_BYTES);
  for (let at = 0; at < message.length; at += 65_536) crypto.getRandomValues(message.subarray(at, at + 65_536));
  for (let sent = 0; sent < bytes; sent += message.length) {
    await sendWithBackpressure(port, bytes - sent >= message.length ? message : message.subarray(0, bytes - sent));
  }
}

async function sendStage(stage: SenderStage, keys: StageKeys): Promise<void> {
  const file = picked();
  if (stage === 'raw') return sendRaw(file.size);
  const chunkSize = chunkSizeFor(pc.sctp?.maxMessageSize ?? 0);
  const fileId = hexBytes(keys.fileId);
  // The app hashes each file once, in a Worker, from the moment it is chosen: here from
  // the moment the stage starts, as when the link is opened at once. A fresh hasher per
  // run, so nothing is remembered from the last one.
  const hasher = stage === 'hash' ? workerFileHasher(() => new Worker('/hash-worker.js')) : null;
  const sha256 = hasher?.sha256(file);
  const reader = new ChunkReader(fileSourceFromBlob(file, file.name, async () => ''), chunkSize);
  const sealer = new StreamSealer(await deriveFileKey(await deriveSessionKeys(hexBytes(keys.linkKey), SESSION_ID), fileId, 0), fileId);
  const scratch = new Uint8Array(RAW_MESSAGE_BYTES);
  for (let index = 0; index < reader.count; index++) {
    const plaintext = await reader.next();
    const last = index === reader.count - 1;
    if (stage === 'read') {
      await sendWithBackpressure(port, plaintext);
      continue;
    }
    const ciphertext = await sealer.seal(plaintext, last);
    await sendWithBackpressure(port, () => encodeChunkFrame(fileId, index, last, ciphertext, scratch));
  }
  await sha256;
  hasher?.dispose();
}

// ---- Receiver stages: the full sender on the other end, the receive path switched on one by one. ----

let worker: Worker | null = null;
let received: Promise<ReceiverResult> = Promise.resolve({ bytes: 0 });

/** Readies `stage` for a transfer of `expected`; resolves once frames may come. */
async function armStage(stage: ReceiverStage, expected: { bytes: number; chunks: number }, keys: StageKeys): Promise<void> {
  if (stage === 'count') {
    received = new Promise((resolve) => {
      let bytes = 0;
      port.onFrame((frame) => {
        bytes += frame.length;
        if (bytes >= expected.bytes) resolve({ bytes });
      });
    });
    return;
  }
  const target = (worker ??= new Worker('/ladder-worker.js'));
  await new Promise<void>((armed, failed) => {
    received = new Promise((resolve, reject) => {
      target.onmessage = ({ data }: MessageEvent<{ armed: true } | ReceiverResult | { error: string }>) => {
        if ('armed' in data) return armed();
        if (!('error' in data)) return resolve(data);
        failed(new Error(data.error));
        reject(new Error(data.error));
      };
    });
    received.catch(() => {});
    target.postMessage({ type: 'arm', stage, expected, keys, sessionId: SESSION_ID });
  });
  port.onFrame((frame) => target.postMessage({ type: 'frame', data: frame.buffer }, [frame.buffer]));
}

// ---- The engine: the app's SendSession and its receive Worker, with acks and the flow window. ----

let engine: { worker: Worker; channel: ReceiveBackend; ephemeral: Ephemeral } | null = null;

/**
 * Receiver: routes the channel to a fresh engine Worker, which keeps the frames until
 * it is keyed; returns this side's ECDH public key.
 */
async function engineArm(): Promise<string> {
  const worker = new Worker('/engine-worker.js');
  const channel = messageBackend(
    (message, transfer = []) => worker.postMessage(message, transfer),
    () => worker.terminate(),
  );
  engine = { worker, channel, ephemeral: await createEphemeral() };
  channel.connection(1);
  port.onFrame((frame) => channel.frame(frame));
  return engine.ephemeral.publicKey;
}

/** Receiver: keys the engine with the sender's public key and waits until the file verified. */
function engineReceive(linkKey: string, senderPublic: string): Promise<ReceiverResult> {
  const { worker, channel, ephemeral } = engine!;
  return new Promise((resolve, reject) => {
    let sha256 = '';
    let bytes = 0;
    worker.onmessage = ({ data }) =>
      void dispatchFromEngine(data, {
        send: (frame) => port.send(frame),
        manifest: async () => ({ kind: 'opfs' }),
        progress: (progress) => (bytes = progress.bytesDone),
        verified: (_fileId, hash) => (sha256 = hash),
        done: () => {
          channel.terminate();
          resolve({ bytes, sha256 });
        },
        resumed: () => {},
        failed: (error) => {
          channel.terminate();
          reject(new Error(`${error.code}: ${error.message}`));
        },
      }, (reply) => worker.postMessage(reply));
    channel.start({ linkKey: hexBytes(linkKey), sessionId: SESSION_ID, ephemeral, peerPublic: senderPublic, transcript: TRANSCRIPT });
  });
}

/** Sender: keys the connection with the receiver's public key, then runs the app's SendSession. */
async function engineSend(linkKey: string, receiverPublic: string): Promise<{ senderPublic: string; done: Promise<void> }> {
  const own = await createEphemeral();
  const shared = await ephemeralSecret(own, receiverPublic);
  const keys = await deriveConnectionKeys(hexBytes(linkKey), SESSION_ID, { senderPublic: own.publicKey, receiverPublic, shared });
  const file = picked();
  const hasher = workerFileHasher(() => new Worker('/hash-worker.js'));
  const source = fileSourceFromBlob(file, file.name, (f) => hasher.sha256(f));
  const session = new SendSession({ keys, port, transcript: TRANSCRIPT, files: [source], chunkSize: chunkSizeFor(pc.sctp?.maxMessageSize ?? 0) });
  port.onFrame((frame) => session.receive(frame));
  return { senderPublic: own.publicKey, done: session.run().then(() => hasher.dispose()) };
}

let engineSending: Promise<void> | null = null;

const api = {
  offer: () => describe(),
  answer: (offer: string) => describe(offer),
  accept: (answer: string) => pc.setRemoteDescription({ type: 'answer', sdp: answer }),
  opened: async () => (await opened, pc.sctp?.maxMessageSize ?? 0),
  sendStage,
  armStage,
  received: () => received,
  engineArm,
  engineReceive,
  engineSend: async (linkKey: string, receiverPublic: string) => {
    const { senderPublic, done } = await engineSend(linkKey, receiverPublic);
    engineSending = done;
    return senderPublic;
  },
  engineSent: () => engineSending,
  /** Removes what the engine received (it writes where the app does). */
  cleanUp: async () => (await navigator.storage.getDirectory()).removeEntry('p2pvault-incoming', { recursive: true }).catch(() => {}),
  close: () => pc.close(),
};

(window as unknown as { ladder: typeof api }).ladder = api;
