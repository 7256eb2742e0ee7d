import { z } from './zod';
import { PeerIdSchema, SenderTokenSchema, SessionIdSchema } from './ids';
import { TRANSFER_ERROR_CODES, type SignalingErrorCode } from './errors';
import { PakeMessageSchema } from './pake';

// Socket.IO events between browsers and server.ts. Every payload a server receives
// is parsed with these schemas; everything else is refused with `bad_request`.

/** Hard cap per Socket.IO message (engine.io maxHttpBufferSize). */
export const SIGNALING_MESSAGE_CAP = 16 * 1024;
/** Largest sealed envelope body accepted; over it the ack says `too_large`. */
export const ENVELOPE_CIPHERTEXT_MAX = 12 * 1024;

export const RoleSchema = z.enum(['sender', 'receiver']);
export type Role = z.infer<typeof RoleSchema>;

export const JoinRequestSchema = z
  .object({
    sessionId: SessionIdSchema,
    role: RoleSchema,
    senderToken: SenderTokenSchema.optional(),
    // The page was in this session and its signaling socket reconnected: its transfer
    // is still running, so the others must not take it for a newcomer.
    rejoin: z.literal(true).optional(),
    // A receiver who typed a short code: it has no key yet and first runs the PAKE
    // (`pake` events), so the sender must not offer until it asks (sealed `reconnect`).
    code: z.literal(true).optional(),
  })
  .strict();
export type JoinRequest = z.infer<typeof JoinRequestSchema>;

export const SignalTypeSchema = z.enum(['offer', 'answer', 'ice', 'abort', 'reconnect', 'present']);
export type SignalType = z.infer<typeof SignalTypeSchema>;

/** A sealed signaling message: the server sees only its type and opaque bytes. */
export const EnvelopeSchema = z
  .object({
    type: SignalTypeSchema,
    nonce: z.string().regex(/^[A-Za-z0-9_-]{16}$/, 'nonce must be 12 bytes of base64url'),
    ct: z.string().regex(/^[A-Za-z0-9_-]+$/, 'ciphertext must be base64url').min(22),
  })
  .strict();
export type Envelope = z.infer<typeof EnvelopeSchema>;

export const SignalRequestSchema = z.object({ to: PeerIdSchema, envelope: EnvelopeSchema }).strict();
export type SignalRequest = z.infer<typeof SignalRequestSchema>;

export const PeerSchema = z.object({ peerId: PeerIdSchema, role: RoleSchema });
export type Peer = z.infer<typeof PeerSchema>;

/** `rejoin`: the peer's signaling reconnected (it comes back under a new peer id); `code`: it joined with a short code. */
export const PeerJoinedSchema = PeerSchema.extend({ rejoin: z.boolean().optional(), code: z.boolean().optional() });
export type PeerJoined = z.infer<typeof PeerJoinedSchema>;

/**
 * `left`: its page closed the connection (tab closed, navigated away); `lost`: the
 * connection timed out or broke, and the page may come back under a new peer id.
 */
export const PeerLeftSchema = PeerSchema.extend({ reason: z.enum(['left', 'lost']).optional() });
export type PeerLeft = z.infer<typeof PeerLeftSchema>;

export const IceServerSchema = z
  .object({
    urls: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
    username: z.string().optional(),
    credential: z.string().optional(),
  })
  .strict();
export type IceServer = z.infer<typeof IceServerSchema>;

/** RTCConfiguration.iceTransportPolicy: 'relay' = only through TURN. */
export const IceTransportPolicySchema = z.enum(['all', 'relay']);
export type IceTransportPolicy = z.infer<typeof IceTransportPolicySchema>;

export type ErrorAck = { ok: false; code: SignalingErrorCode; message: string };
export type JoinAck =
  | { ok: true; peerId: string; peers: Peer[]; iceServers: IceServer[]; iceTransportPolicy?: IceTransportPolicy }
  | ErrorAck;
export type SignalAck = { ok: true } | ErrorAck;
export const SignalAckSchema = z.union([
  z.object({ ok: z.literal(true) }),
  z.object({ ok: z.literal(false), code: z.string(), message: z.string() }),
]);

export const JoinAckSchema = z.union([
  z.object({
    ok: z.literal(true),
    peerId: PeerIdSchema,
    peers: z.array(PeerSchema),
    iceServers: z.array(IceServerSchema),
    iceTransportPolicy: IceTransportPolicySchema.optional(),
  }),
  z.object({ ok: z.literal(false), code: z.string(), message: z.string() }),
]);

/**
 * A short-code PAKE message, between a session's sender and one receiver. Not sealed
 * (the receiver has no key yet): CPace keeps it safe in the open; the server relays it
 * like an envelope.
 */
export const PakeRequestSchema = z.object({ to: PeerIdSchema, message: PakeMessageSchema }).strict();
export type PakeRequest = z.infer<typeof PakeRequestSchema>;
export const PakeDeliverySchema = z.object({ from: PeerIdSchema, message: PakeMessageSchema }).strict();
export type PakeDelivery = z.infer<typeof PakeDeliverySchema>;

// Server → client events
export const SignalDeliverySchema = z.object({ from: PeerIdSchema, envelope: EnvelopeSchema });
export type SignalDelivery = z.infer<typeof SignalDeliverySchema>;
/** `unconfirmed`: a code session's receiver the sender did not confirm in time was removed (protocol §7). */
export const SessionClosedSchema = z.object({ reason: z.enum(['expired', 'shutdown', 'completed', 'unconfirmed']) });

export interface ServerToClientEvents {
  signal: (payload: SignalDelivery) => void;
  pake: (payload: PakeDelivery) => void;
  'peer-joined': (payload: PeerJoined) => void;
  'peer-left': (payload: PeerLeft) => void;
  'session-closed': (payload: z.infer<typeof SessionClosedSchema>) => void;
}

export interface ClientToServerEvents {
  join: (payload: unknown, ack: (reply: JoinAck) => void) => void;
  signal: (payload: unknown, ack: (reply: SignalAck) => void) => void;
  /** A PAKE message (PakeRequestSchema) to a peer of the other role in the same session. */
  pake: (payload: unknown, ack: (reply: SignalAck) => void) => void;
  /** Sender only: the transfer is over, close the session for everyone. */
  end: (payload: unknown, ack: (reply: SignalAck) => void) => void;
  /** Sender only (CodeOkRequestSchema): this receiver of a code session proved it holds K. */
  'code-ok': (payload: unknown, ack: (reply: SignalAck) => void) => void;
}

/**
 * A code session's sender vouches for one receiver: an envelope from it opened with K
 * (after the PAKE, or a link's key). Receivers of a code session that are not vouched
 * for within CODE_EXCHANGE_TIMEOUT_SECONDS of their join are removed (protocol §7).
 */
export const CodeOkRequestSchema = z.object({ to: PeerIdSchema }).strict();

/** An SDP with the sender's or receiver's ephemeral ECDH public key (65-byte P-256 point). */
/** A receiver's random id for its transfer, so the sender knows it again under a new peer id. */
const ResumeTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{22}$/, 'token must be 16 bytes of base64url');

const DescriptionSchema = z
  .object({
    sdp: z.string().max(10_000),
    dh: z.string().regex(/^[A-Za-z0-9_-]{87}$/, 'dh must be a 65-byte point in base64url'),
    token: ResumeTokenSchema.optional(),
  })
  .strict();

/** What travels inside a sealed envelope, validated after it opens. */
export const SignalPlaintextSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('offer'), seq: z.number().int().nonnegative(), data: DescriptionSchema }).strict(),
  z.object({ type: z.literal('answer'), seq: z.number().int().nonnegative(), data: DescriptionSchema }).strict(),
  z
    .object({
      type: z.literal('ice'),
      seq: z.number().int().nonnegative(),
      data: z
        .object({
          candidate: z.string().max(1_000),
          sdpMid: z.string().max(64).nullable().optional(),
          sdpMLineIndex: z.number().int().nonnegative().max(64).nullable().optional(),
          usernameFragment: z.string().max(256).nullable().optional(),
        })
        .strict(),
    })
    .strict(),
  // Sent before the DataChannel opens, so a detected attack is named on both sides;
  // `full`: the sender already served as many receivers as its link admits.
  z
    .object({
      type: z.literal('abort'),
      seq: z.number().int().nonnegative(),
      data: z.object({ code: z.enum([...TRANSFER_ERROR_CODES, 'full']) }).strict(),
    })
    .strict(),
  // The receiver's connection dropped mid-transfer: it asks the sender for a new offer.
  z
    .object({
      type: z.literal('reconnect'),
      seq: z.number().int().nonnegative(),
      data: z.object({ token: ResumeTokenSchema, attempt: z.number().int().min(1).max(100) }).strict(),
    })
    .strict(),
  // The receiver's signaling came back under a new peer id while its DataChannel still
  // runs: it names its transfer so the sender knows (and, on a code session, vouches
  // for) the new id, without starting a new connection.
  z
    .object({
      type: z.literal('present'),
      seq: z.number().int().nonnegative(),
      data: z.object({ token: ResumeTokenSchema }).strict(),
    })
    .strict(),
]);
export type SignalPlaintext = z.infer<typeof SignalPlaintextSchema>;
