import type { Server as HttpServer, IncomingMessage } from 'node:http';
import { Server, type ServerOptions, type Socket } from 'socket.io';
import { USER_MESSAGES, type SignalingErrorCode } from '../protocol/errors';
import {
  CodeOkRequestSchema,
  ENVELOPE_CIPHERTEXT_MAX,
  JoinRequestSchema,
  PakeRequestSchema,
  SIGNALING_MESSAGE_CAP,
  SignalRequestSchema,
  type ClientToServerEvents,
  type ErrorAck,
  type IceServer,
  type IceTransportPolicy,
  type Role,
  type ServerToClientEvents,
} from '../protocol/signaling';
import { shortId, type Logger } from '../log';
import type { AbuseLimits } from './abuse-limits';
import { clientIp } from './client-ip';
import { limitKey } from './limit-key';
import type { Delivery, RelayTamper } from './hostile-relay';
import { PeerDirectory } from './peer-directory';
import { newPeerId } from './secrets';
import type { JoinOutcome, SessionStore } from './session-store';
import { turnIceServer, type TurnSettings } from './turn-credentials';
import { parsePayload } from './validate';

// Socket.IO rooms as the session manager (protocol §2). The server relays sealed
// envelopes between the peers of one session and never sees a key or an SDP. For short
// codes it also relays the CPace messages (`pake`) between a session's sender and a
// receiver; they are safe in the open and give the server nothing to guess with.

interface SocketData {
  peerId: string;
  ip: string;
  sessionId: string | null;
  role: Role | null;
}

/** Between instances (Redis mode): a peer left, so no instance may keep relaying to it. */
interface InterServerEvents {
  'peer-gone': (sessionId: string, peerId: string) => void;
  'session-gone': (sessionId: string) => void;
  /** A code session's sender vouched for this receiver: whichever instance holds its socket stops its timer. */
  'code-ok': (sessionId: string, peerId: string) => void;
}

type VaultSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type SignalingServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

export interface SignalingOptions {
  store: SessionStore;
  iceServers: IceServer[];
  /** A TURN relay: each peer that joins gets its own short-lived credential for it. */
  turn?: TurnSettings;
  iceTransportPolicy?: IceTransportPolicy;
  logger: Logger;
  sweepIntervalMs: number;
  limits: AbuseLimits;
  /** Take the client address from X-Forwarded-For (behind our own reverse proxy). */
  trustProxy: boolean;
  /** TEST ONLY: an attacker's rewrite of relayed envelopes (tests/e2e/hostile-relay.spec.ts). */
  tamper?: RelayTamper;
  /** Socket.IO adapter shared by several instances (Redis streams); default: in-process rooms. */
  adapter?: ServerOptions['adapter'];
  /** Connections one address (limitKey: IPv4, or IPv6 /64) may hold on this instance (default 50). */
  maxSocketsPerAddress?: number;
  /** A socket that has not joined a session this long after connecting is closed (default 30 s). */
  joinTimeoutMs?: number;
  /** A code session's receiver its sender has not vouched for (`code-ok`) this long after joining is removed (default 30 s). */
  codeExchangeTimeoutMs?: number;
}

export const DEFAULT_MAX_SOCKETS_PER_ADDRESS = 50;
export const DEFAULT_JOIN_TIMEOUT_MS = 30_000;
export const DEFAULT_CODE_EXCHANGE_TIMEOUT_MS = 30_000;

const sessionRoom = (id: string) => `session:${id}`;
const peerRoom = (peerId: string) => `peer:${peerId}`;
/** Largest JSON payload of any client event; bigger ones are answered `too_large`. */
const PAYLOAD_MAX = ENVELOPE_CIPHERTEXT_MAX + 512;
/** A `pake` payload is under 200 bytes of JSON (pake-key, the largest, with its `to`). */
const PAKE_PAYLOAD_MAX = 1024;

const fail = (code: SignalingErrorCode, message = USER_MESSAGES[code]): ErrorAck => ({ ok: false, code, message });

/** Acks are optional for clients; a missing or bogus callback must not throw. */
function replier<T>(ack: unknown): (reply: T) => void {
  return typeof ack === 'function' ? (reply) => (ack as (r: T) => void)(reply) : () => {};
}

type ClientEvent = keyof ClientToServerEvents;
type ReplyOf<E extends ClientEvent> = Parameters<Parameters<ClientToServerEvents[E]>[1]>[0];
type Handler<E extends ClientEvent> = (payload: unknown, reply: (reply: ReplyOf<E>) => void) => Promise<void>;

export function attachSignaling(httpServer: HttpServer, options: SignalingOptions): SignalingServer {
  const { store, logger } = options;
  const maxSockets = options.maxSocketsPerAddress ?? DEFAULT_MAX_SOCKETS_PER_ADDRESS;
  const joinTimeoutMs = options.joinTimeoutMs ?? DEFAULT_JOIN_TIMEOUT_MS;
  const codeExchangeMs = options.codeExchangeTimeoutMs ?? DEFAULT_CODE_EXCHANGE_TIMEOUT_MS;
  // Open connections per limitKey, on this instance only: the load balancer pins an
  // address's connections to one instance (deploy/nginx.conf hashes the client address),
  // so a count per instance bounds each address as well as a shared one would, without
  // a Redis round trip per connection.
  const socketsOf = new Map<string, number>();
  const addressOf = (req: IncomingMessage) => clientIp(req.socket.remoteAddress, req.headers['x-forwarded-for'], options.trustProxy);
  const io: SignalingServer = new Server(httpServer, {
    maxHttpBufferSize: SIGNALING_MESSAGE_CAP,
    serveClient: false,
    pingInterval: 10_000,
    pingTimeout: 5_000,
    // An Engine.IO connection that never even opens the namespace is closed after this too.
    connectTimeout: joinTimeoutMs,
    // New connections only (a handshake, polling or WebSocket); engine.io answers a refusal with 403.
    allowRequest: (req, callback) => {
      const key = limitKey(addressOf(req));
      if ((socketsOf.get(key) ?? 0) < maxSockets) return callback(null, true);
      logger.warn('refused', { limit: 'sockets_per_address', max: maxSockets, address: key });
      callback('too_many_connections', false);
    },
    ...(options.adapter ? { adapter: options.adapter } : {}),
  });

  // Relay credentials are minted only here, for a peer that has just joined a live
  // session: a failed join, the HTTP API and the pages never carry one.
  const iceFor = (peerId: string) => ({
    iceServers: options.turn ? [...options.iceServers, turnIceServer(options.turn, peerId)] : options.iceServers,
    ...(options.iceTransportPolicy ? { iceTransportPolicy: options.iceTransportPolicy } : {}),
  });
  const relay = options.tamper ?? ((delivery: Delivery) => [delivery]);
  const directory = new PeerDirectory();
  // Only a cluster adapter carries server-side events; the in-memory one only warns.
  const shared = Boolean(options.adapter);
  const peerGone = (sessionId: string, peerId: string) => {
    directory.forgetPeer(sessionId, peerId);
    if (shared) io.serverSideEmit('peer-gone', sessionId, peerId);
  };
  const sessionGone = (sessionId: string) => {
    directory.forgetSession(sessionId);
    if (shared) io.serverSideEmit('session-gone', sessionId);
  };
  io.on('peer-gone', (sessionId, peerId) => {
    if (typeof sessionId === 'string' && typeof peerId === 'string') directory.forgetPeer(sessionId, peerId);
  });
  io.on('session-gone', (sessionId) => {
    if (typeof sessionId === 'string') directory.forgetSession(sessionId);
  });

  // Receivers of code sessions on this instance that their sender has not vouched for yet.
  const unconfirmed = new Map<string, { sessionId: string; timer: ReturnType<typeof setTimeout> }>();
  const confirmed = (sessionId: string, peerId: string) => {
    const pending = unconfirmed.get(peerId);
    if (!pending || pending.sessionId !== sessionId) return false;
    clearTimeout(pending.timer);
    unconfirmed.delete(peerId);
    return true;
  };
  io.on('code-ok', (sessionId, peerId) => {
    if (typeof sessionId === 'string' && typeof peerId === 'string') confirmed(sessionId, peerId);
  });

  /** The role of the session's peer `to`, from the directory or else the store (which refreshes it); undefined if not a peer. */
  async function roleOfPeer(sessionId: string, to: string): Promise<Role | undefined> {
    const known = directory.roleOf(sessionId, to);
    if (known) return known;
    const session = await store.get(sessionId);
    if (!session) return undefined;
    directory.remember(sessionId, session.peers);
    return directory.roleOf(sessionId, to);
  }

  // Engine.IO keeps each connection's first HTTP request (headers, parser, buffers) for
  // the socket's whole life: ~4 KB of heap per socket that every major GC has to mark.
  // Take the one thing we need from it, then let it go (Socket.IO docs, "Memory usage").
  const addresses = new WeakMap<object, string>();
  io.engine.on('connection', (raw: { remoteAddress: string; request: IncomingMessage | null; once(event: 'close', listener: () => void): void }) => {
    const ip = clientIp(raw.remoteAddress, raw.request?.headers['x-forwarded-for'], options.trustProxy);
    addresses.set(raw, ip);
    raw.request = null;
    const key = limitKey(ip);
    socketsOf.set(key, (socketsOf.get(key) ?? 0) + 1);
    raw.once('close', () => {
      const left = (socketsOf.get(key) ?? 1) - 1;
      if (left > 0) socketsOf.set(key, left);
      else socketsOf.delete(key);
    });
  });

  io.on('connection', (socket: VaultSocket) => {
    const ip = addresses.get(socket.conn) ?? clientIp(socket.handshake.address, undefined, false);
    socket.data = { peerId: newPeerId(), ip, sessionId: null, role: null };
    let joining = false;
    // Every page joins right after connecting (and again right after a reconnect), so
    // only an idle connection is still unjoined when this fires.
    const idle = setTimeout(() => {
      if (socket.data.sessionId || !socket.connected) return;
      logger.info('refused', { limit: 'socket_join_timeout', seconds: joinTimeoutMs / 1000, address: limitKey(ip) });
      socket.disconnect(true);
    }, joinTimeoutMs);

    /**
     * A code session's receiver that its sender did not vouch for in time: it holds a
     * slot without the key (it never finished the code exchange). Remove it so the real
     * receiver can join, and bar its address from this session for a while.
     */
    const evictUnconfirmed = async (sessionId: string) => {
      unconfirmed.delete(socket.data.peerId);
      if (socket.data.sessionId !== sessionId) return;
      try {
        const left = await store.leave(sessionId, socket.data.peerId);
        peerGone(sessionId, socket.data.peerId);
        socket.data.sessionId = null;
        logger.warn('refused', { limit: 'code_exchange_timeout', seconds: codeExchangeMs / 1000, session: shortId(sessionId), address: limitKey(ip) });
        await options.limits.squatted(ip, sessionId).catch(() => {});
        if (left) socket.to(sessionRoom(sessionId)).emit('peer-left', { ...left, reason: 'left' });
        socket.emit('session-closed', { reason: 'unconfirmed' });
        socket.disconnect(true);
      } catch (error) {
        logger.error('evict failed', { error: String(error) });
      }
    };

    // Every event, known or not, spends from the address's budget first.
    socket.use((packet, next) => {
      options.limits.socketEvent(ip).then(
        (allowed) => {
          if (allowed.ok) return next();
          const ack = packet.at(-1);
          if (typeof ack === 'function') ack(fail('rate_limited'));
        },
        (error: unknown) => next(error instanceof Error ? error : new Error(String(error))),
      );
    });
    /** Join limits first, so ids cannot be probed faster than the limit allows. */
    async function claim(sessionId: string, role: Role, senderToken?: string): Promise<JoinOutcome | { ok: false; code: 'rate_limited' }> {
      if (!(await options.limits.join(ip)).ok) {
        logger.warn('refused', { limit: 'joins_per_minute', address: limitKey(ip) });
        return { ok: false, code: 'rate_limited' };
      }
      if (role === 'receiver' && (await options.limits.isSquatter(ip, sessionId))) {
        logger.warn('refused', { limit: 'code_squatter', session: shortId(sessionId), address: limitKey(ip) });
        return { ok: false, code: 'rate_limited' };
      }
      const outcome = await store.join(sessionId, role, socket.data.peerId, senderToken);
      if (!outcome.ok && outcome.code !== 'full') await options.limits.joinFailed(ip);
      return outcome;
    }

    /**
     * A client event with its ack. Whatever the handler throws (the store or Redis failing)
     * is logged and answered `unavailable`, so no client waits for an ack that never comes
     * and no rejection escapes into Socket.IO.
     */
    function handle<E extends ClientEvent>(event: E, handler: Handler<E>): void {
      const listener = async (payload: unknown, ack: unknown) => {
        const reply = replier<ReplyOf<E> | ErrorAck>(ack);
        try {
          await handler(payload, reply);
        } catch (error) {
          logger.error(`${event} failed`, { error: String(error) });
          reply(fail('unavailable'));
        }
      };
      socket.on<ClientEvent>(event, listener);
    }

    // A middleware failure arrives as an 'error' event carrying an Error; a client may
    // also send an event it names 'error', which must stay as harmless as any other.
    socket.on('error', (reason: unknown) => {
      if (reason instanceof Error) socket.disconnect(true);
    });

    handle('join', async (payload, reply) => {
      if (socket.data.sessionId || joining) return reply(fail('already_joined'));
      const parsed = parsePayload(JoinRequestSchema, payload, PAYLOAD_MAX);
      if (!parsed.ok) return reply(parsed);
      const { sessionId, role, senderToken, rejoin, code } = parsed.data;
      // Only a receiver types a code; the sender holds the session's token instead.
      if (code && role !== 'receiver') return reply(fail('bad_request', 'code: only a receiver joins with a code'));
      joining = true;
      const outcome = await claim(sessionId, role, senderToken).finally(() => (joining = false));
      if (!outcome.ok) return reply(fail(outcome.code));
      if (!socket.connected) {
        await store.leave(sessionId, socket.data.peerId);
        return;
      }
      socket.data.sessionId = sessionId;
      socket.data.role = role;
      clearTimeout(idle);
      // Anyone may look a code's number up and join: such a receiver must be vouched for.
      if (role === 'receiver' && outcome.coded) {
        const timer = setTimeout(() => void evictUnconfirmed(sessionId), codeExchangeMs);
        unconfirmed.set(socket.data.peerId, { sessionId, timer });
      }
      await socket.join([sessionRoom(sessionId), peerRoom(socket.data.peerId)]);
      socket.to(sessionRoom(sessionId)).emit('peer-joined', { peerId: socket.data.peerId, role, ...(rejoin ? { rejoin } : {}), ...(code ? { code } : {}) });
      logger.info('peer joined', { session: shortId(sessionId), role });
      reply({ ok: true, peerId: socket.data.peerId, peers: outcome.peers, ...iceFor(socket.data.peerId) });
    });

    handle('signal', async (payload, reply) => {
      const { sessionId, peerId } = socket.data;
      if (!sessionId) return reply(fail('not_joined'));
      const parsed = parsePayload(SignalRequestSchema, payload, PAYLOAD_MAX);
      if (!parsed.ok) return reply(parsed);
      if (parsed.data.envelope.ct.length > ENVELOPE_CIPHERTEXT_MAX) return reply(fail('too_large'));
      const { to, envelope } = parsed.data;
      if (to === peerId || !(await roleOfPeer(sessionId, to))) return reply(fail('unknown_peer'));
      for (const delivery of relay({ from: peerId, to, envelope })) {
        io.to(peerRoom(delivery.to)).emit('signal', { from: delivery.from, envelope: delivery.envelope });
      }
      reply({ ok: true });
    });

    // Short-code PAKE messages: only between the sender and a receiver of one session,
    // delivered along the same per-peer rooms as signals (across instances with Redis).
    handle('pake', async (payload, reply) => {
      const { sessionId, peerId, role } = socket.data;
      if (!sessionId) return reply(fail('not_joined'));
      const parsed = parsePayload(PakeRequestSchema, payload, PAKE_PAYLOAD_MAX);
      if (!parsed.ok) return reply(parsed);
      const { to, message } = parsed.data;
      const target = to === peerId ? undefined : await roleOfPeer(sessionId, to);
      // Sender → receiver or receiver → sender; never between two receivers.
      if (!target || target === role) return reply(fail('unknown_peer'));
      io.to(peerRoom(to)).emit('pake', { from: peerId, message });
      reply({ ok: true });
    });

    // A code session's sender vouches for a receiver that proved it holds K (protocol §7).
    handle('code-ok', async (payload, reply) => {
      const { sessionId, role } = socket.data;
      if (!sessionId) return reply(fail('not_joined'));
      if (role !== 'sender') return reply(fail('forbidden'));
      const parsed = parsePayload(CodeOkRequestSchema, payload, PAKE_PAYLOAD_MAX);
      if (!parsed.ok) return reply(parsed);
      if ((await roleOfPeer(sessionId, parsed.data.to)) !== 'receiver') return reply(fail('unknown_peer'));
      if (!confirmed(sessionId, parsed.data.to) && shared) io.serverSideEmit('code-ok', sessionId, parsed.data.to);
      reply({ ok: true });
    });

    // The sender ends its session once the transfer is verified: the link stops working.
    handle('end', async (_payload, reply) => {
      const { sessionId, role } = socket.data;
      if (!sessionId) return reply(fail('not_joined'));
      if (role !== 'sender') return reply(fail('forbidden'));
      await store.end(sessionId);
      sessionGone(sessionId);
      reply({ ok: true });
      io.to(sessionRoom(sessionId)).except(socket.id).emit('session-closed', { reason: 'completed' });
      io.in(sessionRoom(sessionId)).disconnectSockets(true);
      logger.info('session ended', { session: shortId(sessionId) });
    });

    socket.on('disconnect', async (why) => {
      clearTimeout(idle);
      const { sessionId, peerId } = socket.data;
      const pending = unconfirmed.get(peerId);
      if (pending) {
        clearTimeout(pending.timer);
        unconfirmed.delete(peerId);
      }
      if (!sessionId) return;
      try {
        const left = await store.leave(sessionId, peerId);
        peerGone(sessionId, peerId);
        // A page that closed its socket is gone; one that timed out may come back.
        const reason = why === 'transport close' || why === 'client namespace disconnect' ? 'left' : 'lost';
        if (left) io.to(sessionRoom(sessionId)).emit('peer-left', { ...left, reason });
      } catch (error) {
        logger.error('leave failed', { error: String(error) });
      }
    });
  });

  const sweeper = setInterval(async () => {
    try {
      // Each instance announces the expiry to its own sockets (it alone knows them).
      for (const id of await store.sweep()) {
        directory.forgetSession(id);
        io.local.to(sessionRoom(id)).emit('session-closed', { reason: 'expired' });
        io.local.in(sessionRoom(id)).disconnectSockets(true);
      }
    } catch (error) {
      logger.error('sweep failed', { error: String(error) });
    }
  }, options.sweepIntervalMs);
  sweeper.unref();
  io.engine.on('close', () => clearInterval(sweeper));
  httpServer.on('close', () => clearInterval(sweeper));

  return io;
}

/** Tells every session with sockets on this instance that its signaling ends (shutdown). */
export function closeSignaling(io: SignalingServer, reason: 'shutdown'): void {
  for (const room of io.of('/').adapter.rooms.keys()) {
    if (room.startsWith('session:')) io.local.to(room).emit('session-closed', { reason });
  }
}
