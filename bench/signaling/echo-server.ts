import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { Redis } from 'ioredis';
import { Server } from 'socket.io';

// The baseline: bare Socket.IO 4.8 doing the least that the app's signaling does — a
// plain HTTP handler hands out session ids, a socket joins its session's room and its
// own, the other side hears `peer-joined`, and `signal` goes to the named peer's room.
// No validation, no store, no limits, no logging, no Next.js. Same engine settings as
// lib/signaling/socket-server.ts, and with REDIS_URL the same adapter, so that the
// app/baseline ratio shows only what the app adds.

const port = Number(process.env.PORT ?? 0);
const host = process.env.HOST ?? '127.0.0.1';
const id = (bytes: number) => randomBytes(bytes).toString('base64url');

const http = createServer((req, res) => {
  // The request body (`{}`) is read and ignored, as the app reads it.
  req.resume();
  req.on('end', () => {
    if (req.method === 'POST' && req.url === '/api/session') {
      const body = JSON.stringify({ id: id(16), senderToken: id(32), expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
      res.writeHead(201, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(body);
    } else {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"code":"not_found"}');
    }
  });
});

const io = new Server(http, { maxHttpBufferSize: 16 * 1024, serveClient: false, pingInterval: 10_000, pingTimeout: 5_000 });
if (process.env.REDIS_URL) {
  const redis = new Redis(process.env.REDIS_URL, { maxRetriesPerRequest: null });
  redis.on('error', (error: Error) => console.error(`redis: ${error.message}`));
  io.adapter(createAdapter(redis));
}

type Ack = (reply: unknown) => void;

io.on('connection', (socket) => {
  const peerId = id(12);
  let room: string | null = null;

  socket.on('join', async (payload: { sessionId: string; role: string }, ack: Ack) => {
    room = `session:${payload.sessionId}`;
    await socket.join([room, `peer:${peerId}`]);
    socket.to(room).emit('peer-joined', { peerId, role: payload.role });
    ack({ ok: true, peerId, peers: [], iceServers: [] });
  });

  socket.on('signal', (payload: { to: string; envelope: unknown }, ack: Ack) => {
    io.to(`peer:${payload.to}`).emit('signal', { from: peerId, envelope: payload.envelope });
    ack({ ok: true });
  });

  socket.on('end', (_payload: unknown, ack: Ack) => {
    ack({ ok: true });
    if (!room) return;
    io.to(room).except(socket.id).emit('session-closed', { reason: 'completed' });
    io.in(room).disconnectSockets(true);
  });
});

http.listen(port, host, () => console.log(JSON.stringify({ msg: 'listening', port })));
const stop = () => io.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
