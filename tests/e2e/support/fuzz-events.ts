import fc from 'fast-check';
import { ENVELOPE_CIPHERTEXT_MAX, SIGNALING_MESSAGE_CAP } from '../../../lib/protocol/signaling';

// Hostile Socket.IO events for tests/e2e/fuzz.spec.ts. Each event is invalid by
// construction (not by asking the server's own schemas), so the test knows what the
// server owes it. The one exception is the replayed envelope addressed to the sender's
// real partner: a relay cannot tell a replay from a retry — the peers' `seq` check does.

/** What the server owes an event. */
export type Expect =
  | 'error' // an ack {ok:false, code, message}
  | 'relay' // an ack {ok:true}, and the partner receives it
  | 'error-or-ignore' // no handler takes it as (payload, ack): an error ack or silence
  | 'drop'; // over the engine cap (or the parser's attachment limit): that socket is closed

/** Which socket sends: one joined to a session, one never joined, or a fresh one per event. */
export type Lane = { kind: 'joined'; socket: number } | { kind: 'loose'; socket: number } | { kind: 'fresh' };

export interface FuzzEvent {
  category: string;
  lane: Lane;
  /** Numbers are event names on the wire too. */
  name: string | number;
  args: unknown[];
  expect: Expect;
}

export interface FuzzTargets {
  /** Sessions made by the API; each already holds its sender and its receiver. */
  sessions: { id: string; senderToken: string }[];
  /** The sockets joined to those sessions, in lane order. */
  joined: { session: number; role: 'sender' | 'receiver'; peerId: string; partnerId: string }[];
  looseSockets: number;
}

/** The envelope sent again and again; well-formed, so only its address decides its fate. */
export const REPLAYED_ENVELOPE = { type: 'offer', nonce: 'cmVwbGF5ZWQtbm9u', ct: 'cmVwbGF5ZWQtZW52ZWxvcGUtY2lwaGVydGV4dA' } as const;

/** socket-server.ts answers `too_large` for a JSON payload longer than this. */
const PAYLOAD_MAX = ENVELOPE_CIPHERTEXT_MAX + 512;
// Kept clear of the engine cap both ways, so Socket.IO's framing cannot tip an event over.
const UNDER_CAP = SIGNALING_MESSAGE_CAP - 256;
const OVER_CAP = SIGNALING_MESSAGE_CAP + 256;
/** socket.io-parser's default; one more attachment is a parse error that closes the socket. */
const MAX_ATTACHMENTS = 10;
/** socket.io-client refuses to emit these. */
const RESERVED = new Set(['connect', 'connect_error', 'disconnect', 'disconnecting', 'newListener', 'removeListener']);
const HANDLED = new Set(['join', 'signal', 'end']);
const KNOWN_KEYS = new Set(['sessionId', 'role', 'senderToken', 'to', 'envelope', 'type', 'nonce', 'ct']);

const B64URL = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'];
const NOT_B64URL = ['+', '/', '=', ' ', '.', '\u0000', '\n', 'é', '€', '💥', '\uD800'];

const b64url = (minLength: number, maxLength = minLength) => fc.string({ unit: fc.constantFrom(...B64URL), minLength, maxLength });
/** Repeats a random chunk: generating kilobytes character by character is slow. */
const long = (min: number, max: number, chunk: fc.Arbitrary<string> = b64url(16)) =>
  fc.tuple(chunk, fc.integer({ min, max })).map(([c, n]) => c.repeat(Math.ceil(n / c.length)).slice(0, n));
const insertAt = (text: string, bad: string, at: number) => text.slice(0, at % (text.length + 1)) + bad + text.slice(at % (text.length + 1));

/** A base64url field of `length` characters, broken: too short, just too long, or one foreign character. */
const badB64url = (length: number) =>
  fc.oneof(
    b64url(0, length - 1),
    b64url(length + 1, length + 24),
    fc.tuple(b64url(length - 1), fc.constantFrom(...NOT_B64URL), fc.nat()).map(([s, bad, at]) => insertAt(s, bad, at)),
  );
const badCiphertext = fc.oneof(
  b64url(0, 21),
  fc.tuple(b64url(22, 300), fc.constantFrom(...NOT_B64URL), fc.nat()).map(([s, bad, at]) => insertAt(s, bad, at)),
);
const notOneOf = (values: string[]) =>
  fc
    .oneof(fc.string({ maxLength: 12, unit: 'binary' }), fc.constantFrom(...values.flatMap((v) => [v.toUpperCase(), ` ${v}`, `${v}\u0000`, v.slice(1)])))
    .filter((s) => !values.includes(s));

const deepNest = fc.tuple(fc.boolean(), fc.integer({ min: 64, max: 1_500 })).map(([arrays, depth]) => {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = arrays ? [value] : { a: value };
  return value;
});
const smallBuffer = fc.uint8Array({ maxLength: 1_024 }).map((bytes) => Buffer.from(bytes));
const json = fc.jsonValue({ maxDepth: 3, stringUnit: 'binary' });
/** Anything but a string: wrong for every field the protocol has. */
const notAString: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(json, { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 8 }), json, { maxKeys: 4 }),
  deepNest,
  smallBuffer,
  fc.array(smallBuffer, { minLength: 2, maxLength: MAX_ATTACHMENTS }),
);
const extraKey = fc
  .oneof(fc.string({ maxLength: 10, unit: 'binary' }), fc.constantFrom('constructor', 'prototype', 'toString', 'sdp', 'candidate', 'from', 'peerId', ''))
  .filter((key) => !KNOWN_KEYS.has(key) && key !== '__proto__');

type Payload = Record<string, unknown>;
const isPayload = (value: unknown): value is Payload =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
const parentOf = (payload: Payload, path: string[]) =>
  path.slice(0, -1).reduce<unknown>((node, key) => (isPayload(node) ? node[key] : undefined), payload);

// A mutation never makes a payload valid again, so any number of them leaves it invalid.
type Mutation = (payload: Payload) => void;
const setAt = (path: string[], value: unknown): Mutation => (payload) => {
  const parent = parentOf(payload, path);
  if (isPayload(parent)) parent[path.at(-1)!] = value;
};
const deleteAt = (path: string[]): Mutation => (payload) => {
  const parent = parentOf(payload, path);
  if (isPayload(parent)) delete parent[path.at(-1)!];
};

interface Field {
  path: string[];
  required: boolean;
  invalid: fc.Arbitrary<string>;
}
const JOIN_FIELDS: Field[] = [
  { path: ['sessionId'], required: true, invalid: badB64url(22) },
  { path: ['role'], required: true, invalid: notOneOf(['sender', 'receiver']) },
  { path: ['senderToken'], required: false, invalid: badB64url(43) },
];
const SIGNAL_FIELDS: Field[] = [
  { path: ['to'], required: true, invalid: badB64url(16) },
  { path: ['envelope'], required: true, invalid: fc.string({ maxLength: 64 }) },
  { path: ['envelope', 'type'], required: true, invalid: notOneOf(['offer', 'answer', 'ice']) },
  { path: ['envelope', 'nonce'], required: true, invalid: badB64url(16) },
  { path: ['envelope', 'ct'], required: true, invalid: badCiphertext },
];

function mutation(fields: Field[], objects: string[][]): fc.Arbitrary<Mutation> {
  const field = fc.constantFrom(...fields);
  return fc.oneof(
    fc.tuple(field, notAString).map(([f, value]) => setAt(f.path, value)),
    field.chain((f) => f.invalid.map((value) => setAt(f.path, value))),
    fc.constantFrom(...fields.filter((f) => f.required)).map((f) => deleteAt(f.path)),
    fc.tuple(fc.constantFrom(...objects), extraKey, json).map(([at, key, value]) => setAt([...at, key], value)),
  );
}

const malformed = (base: fc.Arbitrary<Payload>, fields: Field[], objects: string[][]) =>
  fc.tuple(base, fc.array(mutation(fields, objects), { minLength: 1, maxLength: 3 })).map(([payload, mutations]) => {
    const copy = structuredClone(payload);
    for (const mutate of mutations) mutate(copy);
    return copy;
  });

/** Pads `key` so the payload's JSON is `length` characters: just or far over the server's limit. */
const padded = (base: fc.Arbitrary<Payload>, keys: string[]) =>
  fc
    .tuple(base, fc.constantFrom(...keys), fc.oneof(fc.integer({ min: PAYLOAD_MAX + 1, max: PAYLOAD_MAX + 64 }), fc.integer({ min: PAYLOAD_MAX + 65, max: UNDER_CAP - 128 })))
    .map(([payload, key, length]) => ({ ...payload, [key]: 'A'.repeat(length - JSON.stringify({ ...payload, [key]: '' }).length) }));

/** The WebSocket frames an event becomes: its JSON text, then one frame per binary attachment. */
function frames(event: FuzzEvent): { largest: number; attachments: number } {
  const attachments: number[] = [];
  const text = JSON.stringify([event.name, ...event.args], function (this: Record<string, unknown>, key, value: unknown) {
    const raw = this[key]; // before Buffer#toJSON
    if (!Buffer.isBuffer(raw)) return value;
    attachments.push(raw.length);
    return { _placeholder: true, num: attachments.length - 1 };
  });
  return { largest: Math.max(Buffer.byteLength(text) + 32, ...attachments), attachments: attachments.length };
}
const fitsEngine = (event: FuzzEvent) => {
  const { largest, attachments } = frames(event);
  return largest <= UNDER_CAP && attachments <= MAX_ATTACHMENTS;
};
const overEngine = (event: FuzzEvent) => {
  const { largest, attachments } = frames(event);
  return largest >= OVER_CAP || attachments > MAX_ATTACHMENTS;
};

export function fuzzEvents(t: FuzzTargets): fc.Arbitrary<FuzzEvent> {
  const sessionIds = t.sessions.map((s) => s.id);
  const tokens = t.sessions.map((s) => s.senderToken);
  const peerIds = t.joined.map((j) => j.peerId);

  const joinedLane = fc.nat({ max: t.joined.length - 1 }).map((socket): Lane => ({ kind: 'joined', socket }));
  const looseLane = fc.nat({ max: t.looseSockets - 1 }).map((socket): Lane => ({ kind: 'loose', socket }));
  const receivers = t.joined.flatMap((j, socket) => (j.role === 'receiver' ? [socket] : []));
  // `end` from the sender is legitimate and would close its session; from anyone else it is refused.
  const notSenderLane = fc.oneof(looseLane, fc.constantFrom(...receivers).map((socket): Lane => ({ kind: 'joined', socket })));
  // Joined sockets answer every join with already_joined, so joins mostly come from loose ones;
  // loose sockets answer every signal with not_joined, so signals mostly come from joined ones.
  const joinLane = fc.oneof({ weight: 3, arbitrary: looseLane }, { weight: 1, arbitrary: joinedLane });
  const signalLane = fc.oneof({ weight: 4, arbitrary: joinedLane }, { weight: 1, arbitrary: looseLane });
  const event =
    (category: string, name: string | number, expect: Expect) =>
    ([lane, ...args]: [Lane, ...unknown[]]): FuzzEvent => ({ category, lane, name, args, expect });

  const joinBase: fc.Arbitrary<Payload> = fc.record(
    {
      sessionId: fc.oneof(fc.constantFrom(...sessionIds), b64url(22)),
      role: fc.constantFrom('sender', 'receiver'),
      senderToken: fc.oneof(fc.constantFrom(...tokens), b64url(43)),
    },
    { requiredKeys: ['sessionId', 'role'] },
  );
  const envelope = fc.record({ type: fc.constantFrom('offer', 'answer', 'ice'), nonce: b64url(16), ct: b64url(22, 300) });
  /** A well-formed signal from `lane`, addressed to its partner (or any peer, from a loose socket). */
  const signalBase = (lane: Lane): fc.Arbitrary<Payload> =>
    fc.record({ to: lane.kind === 'joined' ? fc.constant(t.joined[lane.socket]!.partnerId) : fc.constantFrom(...peerIds), envelope });
  const withSignal = (payload: (lane: Lane) => fc.Arbitrary<unknown>) =>
    signalLane.chain((lane) => payload(lane).map((p): [Lane, unknown] => [lane, p]));

  /** Every way into a full session, or someone else's, that the store must refuse. */
  const crossSessionJoin = fc
    .tuple(fc.nat({ max: sessionIds.length - 1 }), fc.nat({ max: sessionIds.length - 2 }))
    .chain(([target, other]) => {
      const foreignToken = tokens[other >= target ? other + 1 : other]!;
      return fc.constantFrom(
        { sessionId: sessionIds[target], role: 'sender', senderToken: foreignToken }, // forbidden
        { sessionId: sessionIds[target], role: 'sender' }, // forbidden
        { sessionId: sessionIds[target], role: 'sender', senderToken: tokens[target] }, // full
        { sessionId: sessionIds[target], role: 'receiver' }, // full
      );
    });
  const replayedJoin = { sessionId: sessionIds[0], role: 'receiver' };
  /** Well-formed envelopes to a peer of another session, to oneself, or to nobody. */
  const crossSessionSignal = (lane: Lane) => {
    const self = lane.kind === 'joined' ? t.joined[lane.socket]! : undefined;
    const strangers = t.joined.filter((j) => j.session !== self?.session).map((j) => j.peerId);
    return fc.record({ to: fc.oneof(fc.constantFrom(...strangers, ...(self ? [self.peerId] : [])), b64url(16)), envelope });
  };
  const replayedSignal = signalLane.chain((lane) => {
    const partner = lane.kind === 'joined' ? t.joined[lane.socket]!.partnerId : undefined;
    return fc.constantFrom(...peerIds).map((to): FuzzEvent => ({
      category: 'signal.replayed',
      lane,
      name: 'signal',
      args: [{ to, envelope: REPLAYED_ENVELOPE }],
      expect: to === partner ? 'relay' : 'error',
    }));
  });

  const unknownName = fc
    .oneof(
      fc.string({ maxLength: 24, unit: 'binary' }),
      fc.constantFrom('Join', 'JOIN', ' join', 'join\u0000', 'signal ', 'peer-joined', 'peer-left', 'session-closed', 'message', 'connection', '__proto__', 'constructor', 'hasOwnProperty'),
      fc.integer(),
    )
    .filter((name) => !HANDLED.has(String(name)) && !RESERVED.has(String(name)));
  const anyArgs = fc.array(fc.oneof(json, notAString), { maxLength: 3 });
  const overCapPayload = fc.oneof(
    fc.tuple(joinBase, long(OVER_CAP, 64 * 1024)).map(([p, pad]) => ({ ...p, pad })),
    long(OVER_CAP, 64 * 1024, fc.string({ minLength: 1, maxLength: 8, unit: 'binary' })),
    // Few characters, many bytes: the cap counts bytes.
    fc.integer({ min: Math.ceil(OVER_CAP / 3), max: SIGNALING_MESSAGE_CAP / 2 }).map((n) => ({ sessionId: '€'.repeat(n) })),
    fc.integer({ min: OVER_CAP, max: 64 * 1024 }).map((n) => Buffer.alloc(n, 1)),
    fc.array(smallBuffer, { minLength: MAX_ATTACHMENTS + 1, maxLength: 3 * MAX_ATTACHMENTS }),
  );

  const underCap = fc
    .oneof(
      { weight: 14, arbitrary: fc.tuple(joinLane, malformed(joinBase, JOIN_FIELDS, [[]])).map(event('join.malformed', 'join', 'error')) },
      { weight: 5, arbitrary: fc.tuple(joinLane, fc.oneof(notAString, fc.string())).map(event('join.not-an-object', 'join', 'error')) },
      { weight: 4, arbitrary: fc.tuple(joinLane, padded(joinBase, ['sessionId', 'senderToken', 'role', 'padding'])).map(event('join.oversized', 'join', 'error')) },
      { weight: 3, arbitrary: fc.tuple(joinLane, fc.tuple(joinBase, b64url(22)).map(([p, sessionId]) => ({ ...p, sessionId }))).map(event('join.unknown-session', 'join', 'error')) },
      { weight: 8, arbitrary: fc.tuple(joinLane, crossSessionJoin).map(event('join.cross-session', 'join', 'error')) },
      { weight: 4, arbitrary: fc.tuple(joinLane, fc.constant(replayedJoin)).map(event('join.replayed', 'join', 'error')) },
      { weight: 14, arbitrary: withSignal((lane) => malformed(signalBase(lane), SIGNAL_FIELDS, [[], ['envelope']])).map(event('signal.malformed', 'signal', 'error')) },
      { weight: 5, arbitrary: fc.tuple(signalLane, fc.oneof(notAString, fc.string())).map(event('signal.not-an-object', 'signal', 'error')) },
      {
        weight: 5,
        arbitrary: withSignal((lane) =>
          fc.oneof(
            padded(signalBase(lane), ['to', 'envelope', 'padding']),
            // Ciphertext just over its own limit while the payload stays under the JSON limit.
            fc.tuple(signalBase(lane), long(ENVELOPE_CIPHERTEXT_MAX + 1, ENVELOPE_CIPHERTEXT_MAX + 300)).map(([p, ct]) => ({ ...p, envelope: { ...(p.envelope as object), ct } })),
          ),
        ).map(event('signal.oversized', 'signal', 'error')),
      },
      { weight: 8, arbitrary: withSignal(crossSessionSignal).map(event('signal.cross-session', 'signal', 'error')) },
      { weight: 6, arbitrary: replayedSignal },
      { weight: 6, arbitrary: fc.tuple(fc.oneof(joinLane, signalLane), unknownName, anyArgs).map(([lane, name, args]) => event('unknown-event', name, 'error-or-ignore')([lane, ...args])) },
      // Socket.IO hands a client's `error` event to the same listener as its own middleware
      // errors; sent from a fresh socket, so a server that drops the sender costs one event.
      { weight: 1, arbitrary: fc.tuple(fc.constant<Lane>({ kind: 'fresh' }), anyArgs).map(([lane, args]) => event('error-event', 'error', 'error-or-ignore')([lane, ...args])) },
      { weight: 3, arbitrary: fc.tuple(notSenderLane, fc.oneof(json, notAString)).map(event('end.not-sender', 'end', 'error')) },
      // The handlers take (payload, ack): with no payload, or more than one, the ack is not where they look.
      {
        weight: 3,
        arbitrary: fc
          .tuple(notSenderLane, fc.constantFrom(...HANDLED), fc.oneof(fc.constant([]), fc.array(json, { minLength: 2, maxLength: 3 })))
          .map(([lane, name, args]) => event('wrong-arity', name, 'error-or-ignore')([lane, ...args])),
      },
    )
    .filter(fitsEngine);
  const overCap = fc
    .tuple(fc.oneof(fc.constantFrom('join', 'signal'), unknownName), overCapPayload)
    .map(([name, payload]) => event('over-cap', name, 'drop')([{ kind: 'fresh' }, payload]))
    .filter(overEngine);

  return fc.oneof({ weight: 99, arbitrary: underCap }, { weight: 1, arbitrary: overCap });
}
