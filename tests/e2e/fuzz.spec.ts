import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { expect, test, type Browser } from './support/test';
import fc from 'fast-check';
import { SIGNALING_ERROR_CODES } from '../../lib/protocol/errors';
import { fuzzSeed } from '../../scripts/fuzz-seed.mjs';
import { startServer, type RunningServer } from '../support/server-process';
import { connect, createSession, emitAck, envelope, nextEvent, type TestSocket } from '../support/signaling-peer';
import { fuzzEvents, REPLAYED_ENVELOPE, type FuzzEvent, type FuzzTargets } from './support/fuzz-events';
import { download, openPeer, randomFile, sha256, shareFile } from './support/peers';

// The abuse test: ≥ 10,000 generated hostile events from real socket.io-client
// connections, while two real browsers transfer a file through the same server.

const MIN_EVENTS = 10_000;
const WARM_UP_EVENTS = 500;
const SESSIONS = 4;
const LOOSE_SOCKETS = 16;
/** Events in flight at once: enough to keep the server busy, few enough to be fair to the browsers. */
const IN_FLIGHT = 192;
/** join and signal must always be answered; generous, because the machine is busy. */
const ANSWER_WAIT_MS = 10_000;
/** Silence this long counts as "ignored" where ignoring is allowed. */
const IGNORE_WAIT_MS = 1_000;
const RSS_GROWTH_MAX = 150 * 1024 * 1024;
const { seed: SEED } = fuzzSeed();
// socket.io-client's rejections for emitWithAck.
const TIMED_OUT = 'operation has timed out';
const DISCONNECTED = 'socket has been disconnected';
const SENTINEL = { ...REPLAYED_ENVELOPE, ct: 'c2VudGluZWwtYWZ0ZXItdGhlLWZ1enotcnVu' };

type Outcome = 'error' | 'relayed' | 'ignored' | 'dropped';
type Delivery = { from: string; envelope: unknown };

interface Fuzzer {
  targets: FuzzTargets;
  joined: TestSocket[];
  loose: TestSocket[];
  deliveries: Delivery[][];
  /** {ok:true} acks per addressee, warm-up included, to match against deliveries. */
  relayedTo: Record<string, number>;
  serverDisconnects: string[];
}

class Tally {
  issued = 0;
  readonly outcomes: Record<Outcome, number> = { error: 0, relayed: 0, ignored: 0, dropped: 0 };
  readonly codes: Record<string, number> = {};
  readonly categories: Record<string, number> = {};
  /** "category from lane: what happened" → count, with a few whole events to reproduce it. */
  readonly violations: Record<string, number> = {};
  readonly examples: string[] = [];

  get events() {
    return [...Object.values(this.outcomes), ...Object.values(this.violations)].reduce((a, b) => a + b, 0);
  }
}

async function startFuzzer(url: string): Promise<Fuzzer> {
  const fuzzer: Fuzzer = { targets: { sessions: [], joined: [], looseSockets: LOOSE_SOCKETS }, joined: [], loose: [], deliveries: [], relayedTo: {}, serverDisconnects: [] };
  const watch = async () => {
    const socket = await connect(url);
    // Only the server ends these; the test closes them with disconnect() at the end.
    socket.on('disconnect', (reason) => reason !== 'io client disconnect' && fuzzer.serverDisconnects.push(reason));
    return socket;
  };
  for (let session = 0; session < SESSIONS; session++) {
    const { id, senderToken } = await createSession(url);
    const sender = await watch();
    const receiver = await watch();
    const s = await emitAck<{ peerId: string }>(sender, 'join', { sessionId: id, role: 'sender', senderToken });
    const r = await emitAck<{ peerId: string }>(receiver, 'join', { sessionId: id, role: 'receiver' });
    expect([s, r]).toMatchObject([{ ok: true }, { ok: true }]);
    fuzzer.targets.sessions.push({ id, senderToken });
    fuzzer.targets.joined.push(
      { session, role: 'sender', peerId: s.peerId, partnerId: r.peerId },
      { session, role: 'receiver', peerId: r.peerId, partnerId: s.peerId },
    );
    for (const socket of [sender, receiver]) {
      const received: Delivery[] = [];
      socket.on('signal', (delivery: Delivery) => received.push(delivery));
      fuzzer.joined.push(socket);
      fuzzer.deliveries.push(received);
    }
  }
  for (let i = 0; i < LOOSE_SOCKETS; i++) fuzzer.loose.push(await watch());
  return fuzzer;
}

function* eventStream(targets: FuzzTargets, seed: number): Generator<FuzzEvent, never> {
  const arbitrary = fuzzEvents(targets);
  for (let round = 0; ; round++) yield* fc.sample(arbitrary, { numRuns: 1_000, seed: seed + round });
}

const isErrorAck = (reply: unknown) => {
  const r = reply as { ok?: unknown; code?: unknown; message?: unknown };
  return (
    typeof reply === 'object' && reply !== null && Object.keys(reply).length === 3 && r.ok === false &&
    (SIGNALING_ERROR_CODES as readonly unknown[]).includes(r.code) && typeof r.message === 'string'
  );
};

/** What became of one event, or why that is not allowed. */
function judge(event: FuzzEvent, reply: unknown, failure: string | undefined): Outcome | { violation: string } {
  if (failure === undefined) {
    // `unavailable` is the server catching its own exception: the in-memory store cannot fail.
    if (isErrorAck(reply) && (reply as { code: string }).code !== 'unavailable' && (event.expect === 'error' || event.expect === 'error-or-ignore')) return 'error';
    if (isDeepStrictEqual(reply, { ok: true }) && event.expect === 'relay') return 'relayed';
    return { violation: `answered ${JSON.stringify(reply)}` };
  }
  if (failure === TIMED_OUT && event.expect === 'error-or-ignore') return 'ignored';
  if (failure === DISCONNECTED && event.expect === 'drop') return 'dropped';
  return { violation: failure };
}

async function fire(fuzzer: Fuzzer, socket: TestSocket, event: FuzzEvent, tally: Tally) {
  const { lane } = event;
  let reply: unknown;
  let failure: string | undefined;
  try {
    const wait = event.expect === 'error-or-ignore' ? IGNORE_WAIT_MS : ANSWER_WAIT_MS;
    reply = await socket.timeout(wait).emitWithAck(event.name as string, ...event.args);
  } catch (error) {
    failure = (error as Error).message;
  } finally {
    if (lane.kind === 'fresh') socket.disconnect();
  }
  const outcome = judge(event, reply, failure);
  tally.categories[event.category] = (tally.categories[event.category] ?? 0) + 1;
  if (typeof outcome === 'object') {
    const what = `${event.category} from ${lane.kind}: ${outcome.violation}`;
    tally.violations[what] = (tally.violations[what] ?? 0) + 1;
    if (tally.examples.length < 5) tally.examples.push(`${JSON.stringify([event.name, ...event.args]).slice(0, 200)} → ${outcome.violation}`);
    return;
  }
  tally.outcomes[outcome]++;
  if (outcome === 'error') tally.codes[(reply as { code: string }).code] = (tally.codes[(reply as { code: string }).code] ?? 0) + 1;
  if (outcome === 'relayed') {
    const to = (event.args[0] as { to: string }).to;
    fuzzer.relayedTo[to] = (fuzzer.relayedTo[to] ?? 0) + 1;
  }
}

/** Sends events from `stream`, IN_FLIGHT at a time, for as long as `more()` says. */
async function fuzz(fuzzer: Fuzzer, url: string, stream: Iterator<FuzzEvent>, more: (tally: Tally) => boolean, tally: Tally) {
  const worker = async () => {
    while (more(tally)) {
      const event = stream.next().value as FuzzEvent;
      const { lane } = event;
      const socket = lane.kind === 'fresh' ? await connect(url) : (lane.kind === 'joined' ? fuzzer.joined : fuzzer.loose)[lane.socket]!;
      // A socket the server dropped is already a failure (serverDisconnects); its events would only time out.
      if (!socket.connected) continue;
      tally.issued++;
      await fire(fuzzer, socket, event, tally);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
}

const rss = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;
const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

/** Two real browsers send a few MB through the server under fuzz; the bytes must arrive intact. */
async function transfer(browser: Browser, baseURL: string) {
  const sender = await openPeer(browser, baseURL);
  const receiver = await openPeer(browser, baseURL);
  try {
    const file = randomFile(4 * 1024 * 1024);
    await receiver.goto(await shareFile(sender, file));
    await expect(receiver.getByTestId('download')).toBeVisible({ timeout: 90_000 });
    await expect(receiver.getByTestId('status')).toHaveAttribute('data-status', 'done');
    await expect(receiver.getByTestId('file-hash')).toHaveText(sha256(file.buffer));
    const saved = await download(receiver);
    expect(sha256(saved.bytes)).toBe(sha256(file.buffer));
  } finally {
    await Promise.all([sender.context().close(), receiver.context().close()]);
  }
}

/**
 * Every {ok:true} was delivered, and nothing else was: each partner sends a sentinel,
 * which the server relays after everything it relayed before, in order.
 */
async function expectDeliveriesMatchAcks(fuzzer: Fuzzer) {
  await Promise.all(
    fuzzer.targets.joined.map(async ({ peerId, partnerId }, i) => {
      const received = fuzzer.deliveries[i]!;
      const sentinel = new Promise<void>((resolve) => {
        const onSignal = (delivery: Delivery) => {
          if (!isDeepStrictEqual(delivery.envelope, SENTINEL)) return;
          fuzzer.joined[i]!.off('signal', onSignal);
          resolve();
        };
        fuzzer.joined[i]!.on('signal', onSignal);
      });
      const partner = fuzzer.joined[fuzzer.targets.joined.findIndex((j) => j.peerId === partnerId)]!;
      expect(await emitAck(partner, 'signal', { to: peerId, envelope: SENTINEL })).toEqual({ ok: true });
      await sentinel;
      const fuzzed = received.filter((d) => !isDeepStrictEqual(d.envelope, SENTINEL));
      expect(fuzzed.length, `signals delivered to joined socket ${i}`).toBe(fuzzer.relayedTo[peerId] ?? 0);
      for (const delivery of fuzzed) expect(delivery).toEqual({ from: partnerId, envelope: REPLAYED_ENVELOPE });
    }),
  );
}

/** A newcomer can still open a session, join both roles and relay. */
async function expectServerStillServes(url: string) {
  const session = await createSession(url);
  const [sender, receiver] = [await connect(url), await connect(url)];
  try {
    const s = await emitAck<{ ok: boolean; peerId: string }>(sender, 'join', { sessionId: session.id, role: 'sender', senderToken: session.senderToken });
    const r = await emitAck<{ ok: boolean; peerId: string }>(receiver, 'join', { sessionId: session.id, role: 'receiver' });
    expect([s.ok, r.ok]).toEqual([true, true]);
    const delivered = nextEvent(receiver, 'signal');
    expect(await emitAck(sender, 'signal', { to: r.peerId, envelope: envelope('offer') })).toEqual({ ok: true });
    expect(await delivered).toEqual({ from: s.peerId, envelope: envelope('offer') });
  } finally {
    sender.disconnect();
    receiver.disconnect();
  }
}

test.describe('signaling under fuzz', () => {
  let server: RunningServer;
  let stdout = '';

  test.beforeAll(async () => {
    // Limits raised so the validation code answers, not the rate limiter. LOG_LEVEL stays at
    // info: startServer waits for the info line that says the server listens.
    server = await startServer({
      RATE_LIMIT_SESSIONS_PER_MINUTE: '100000',
      RATE_LIMIT_EVENTS_PER_MINUTE: '10000000',
      RATE_LIMIT_JOINS_PER_MINUTE: '10000000',
      // The fuzzer's sockets send events without ever joining: keep them open.
      SOCKET_JOIN_TIMEOUT_SECONDS: '3600',
    });
    server.process.stdout!.on('data', (chunk) => (stdout += chunk));
  });
  test.afterAll(async () => {
    await server?.stop();
  });

  test('≥ 10,000 malformed, oversized, mistyped, replayed and cross-session events are refused or ignored while a real transfer completes', async ({ browser }) => {
    test.setTimeout(150_000);
    const pid = server.process.pid!;
    const fuzzer = await startFuzzer(server.url);
    const stream = eventStream(fuzzer.targets, SEED);

    // Warm up first (JIT, Next's pages, socket buffers) so the RSS baseline is not a cold process.
    for (const path of ['/', `/s/${fuzzer.targets.sessions[0]!.id}`]) expect((await fetch(server.url + path)).status).toBe(200);
    await fuzz(fuzzer, server.url, stream, (t) => t.issued < WARM_UP_EVENTS, new Tally());
    const rssBefore = rss(pid);

    const tally = new Tally();
    const started = Date.now();
    let transferSettled = false;
    let transferMs = 0;
    const transferring = transfer(browser, server.url);
    const settle = () => {
      transferSettled = true;
      transferMs = Date.now() - started;
    };
    transferring.then(settle, settle);
    // The fuzz outlasts the transfer, so every step of it ran under fire.
    await fuzz(fuzzer, server.url, stream, (t) => t.issued < MIN_EVENTS || !transferSettled, tally);
    const fuzzMs = Date.now() - started;
    const rssAfter = rss(pid);

    console.log(
      [
        `signaling fuzz, seed ${SEED} (FUZZ_SEED=${SEED} repeats it): ${tally.events} events in ${(fuzzMs / 1000).toFixed(1)} s`,
        `  outcomes: ${JSON.stringify(tally.outcomes)}`,
        `  violations: ${JSON.stringify(tally.violations)}`,
        ...tally.examples.map((example) => `    e.g. ${example}`),
        `  error codes: ${JSON.stringify(tally.codes)}`,
        `  categories: ${JSON.stringify(tally.categories)}`,
        `  server RSS: ${mib(rssBefore)} MiB after warm-up → ${mib(rssAfter)} MiB after the fuzz`,
        `  transfer under fuzz: ${(transferMs / 1000).toFixed(1)} s`,
      ].join('\n'),
    );

    await transferring;
    expect(tally.violations, 'events answered in a way they must not be').toEqual({});
    expect(tally.events).toBeGreaterThanOrEqual(MIN_EVENTS);
    expect(rssAfter - rssBefore).toBeLessThan(RSS_GROWTH_MAX);
    expect(fuzzer.serverDisconnects, 'the server dropped a socket that stayed under the cap').toEqual([]);
    await expectDeliveriesMatchAcks(fuzzer);
    // No fuzzed join took or freed a place: every session still holds its two peers.
    for (const { id } of fuzzer.targets.sessions) {
      const status = await (await fetch(`${server.url}/api/session/${id}`)).json();
      expect(status).toMatchObject({ senderPresent: true, receiverPresent: true });
    }
    for (const socket of [...fuzzer.joined, ...fuzzer.loose]) socket.disconnect();

    await expectServerStillServes(server.url);
    expect([server.process.exitCode, server.process.signalCode], 'server process still running').toEqual([null, null]);
    const errors = stdout.split('\n').filter((line) => line.includes('"level":"error"'));
    expect(errors, 'server error log').toEqual([]);
  });
});
