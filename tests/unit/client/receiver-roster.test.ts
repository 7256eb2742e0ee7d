import { describe, expect, it } from 'vitest';
import * as roster from '../../../lib/client/receiver-roster';
import { emptyProgress } from '../../../lib/transfer/progress';

const TOTAL = emptyProgress(1_000, 1);
const half = { bytesDone: 500, bytesTotal: 1_000, filesDone: 0, filesTotal: 1 };
const full = { bytesDone: 1_000, bytesTotal: 1_000, filesDone: 1, filesTotal: 1 };
const oops = { code: 'insufficient_space' as const, message: 'no room' };

/** Admits `peers` in order and returns the roster. */
function withPeers(limit: number, ...peers: string[]) {
  return peers.reduce((r, p) => roster.admit(r, p, TOTAL), roster.emptyRoster(limit));
}

describe('receiver roster', () => {
  it('admits receivers up to the limit, numbered in order of arrival', () => {
    const r = withPeers(2, 'a', 'b', 'c');
    expect(r.receivers.map((v) => [v.peerId, v.number, v.status])).toEqual([
      ['a', 1, 'connecting'],
      ['b', 2, 'connecting'],
    ]);
    expect(roster.canAdmit(r)).toBe(false);
    expect(roster.admit(r, 'a', TOTAL)).toBe(r);
  });

  it('walks one receiver through connecting → sending → done, and a done row is final', () => {
    let r = withPeers(1, 'a');
    expect(roster.aggregateStatus(r)).toBe('connecting');
    // Progress before the channel opened does not apply.
    expect(roster.progressed(r, 'a', half, null)).toBe(r);
    r = roster.sending(r, 'a');
    expect(roster.aggregateStatus(r)).toBe('sending');
    r = roster.progressed(r, 'a', half, { bytesPerSecond: 100, etaSeconds: 5 });
    expect(roster.find(r, 'a')).toMatchObject({ progress: half, speed: { bytesPerSecond: 100 } });
    r = roster.completed(r, 'a', full);
    expect(roster.find(r, 'a')).toMatchObject({ status: 'done', progress: full, speed: null });
    expect(roster.failed(r, 'a', oops)).toBe(r);
    expect(roster.stopped(r, 'a')).toBe(r);
    expect(roster.dropped(r, 'a')).toBe(r);
    expect(roster.allDone(r)).toBe(true);
    expect(roster.aggregateStatus(r)).toBe('done');
  });

  it('ends only when every slot is done: one done of two is still waiting for the next', () => {
    let r = withPeers(2, 'a');
    r = roster.completed(roster.sending(r, 'a'), 'a', full);
    expect(roster.allDone(r)).toBe(false);
    expect(roster.aggregateStatus(r)).toBe('waiting');
    expect(roster.canAdmit(r)).toBe(true);
    r = roster.admit(r, 'b', TOTAL);
    expect(roster.canAdmit(r)).toBe(false);
    r = roster.completed(roster.sending(r, 'b'), 'b', full);
    expect(roster.allDone(r)).toBe(true);
  });

  it('a failed or stopped receiver keeps its row but frees its slot; the others go on', () => {
    let r = withPeers(2, 'a', 'b');
    r = roster.sending(roster.sending(r, 'a'), 'b');
    r = roster.failed(r, 'a', oops);
    expect(roster.find(r, 'a')).toMatchObject({ status: 'failed', error: oops });
    expect(roster.aggregateStatus(r)).toBe('sending');
    expect(roster.canAdmit(r)).toBe(true);
    r = roster.admit(r, 'c', TOTAL);
    expect(roster.find(r, 'c')?.number).toBe(3);
    r = roster.stopped(r, 'c');
    expect(roster.find(r, 'c')?.status).toBe('stopped');
    r = roster.completed(r, 'b', full);
    // One done, one slot free: not over, and the session waits again.
    expect(roster.allDone(r)).toBe(false);
    expect(roster.aggregateStatus(r)).toBe('waiting');
  });

  it('drops a receiver that went away before its channel opened, without reusing its number', () => {
    let r = withPeers(1, 'a');
    r = roster.dropped(r, 'a');
    expect(r.receivers).toEqual([]);
    expect(roster.aggregateStatus(r)).toBe('waiting');
    r = roster.admit(r, 'b', TOTAL);
    expect(roster.find(r, 'b')?.number).toBe(2);
    // Once sending, leaving signaling does not drop it: the channel decides.
    r = roster.sending(r, 'b');
    expect(roster.dropped(r, 'b')).toBe(r);
  });

  it('adds up the progress of receivers holding a slot, with the slowest one’s time left', () => {
    let r = withPeers(3, 'a', 'b', 'c');
    expect(roster.aggregateProgress(r, TOTAL)).toEqual({ progress: { bytesDone: 0, bytesTotal: 3_000, filesDone: 0, filesTotal: 3 }, speed: null });
    r = roster.sending(roster.sending(roster.sending(r, 'a'), 'b'), 'c');
    r = roster.progressed(r, 'a', half, { bytesPerSecond: 100, etaSeconds: 5 });
    r = roster.progressed(r, 'b', half, { bytesPerSecond: 50, etaSeconds: 10 });
    r = roster.failed(r, 'c', oops);
    expect(roster.aggregateProgress(r, TOTAL)).toEqual({
      progress: { bytesDone: 1_000, bytesTotal: 2_000, filesDone: 0, filesTotal: 2 },
      speed: { bytesPerSecond: 150, etaSeconds: 10 },
    });
    expect(roster.aggregateProgress(roster.emptyRoster(2), TOTAL)).toEqual({ progress: TOTAL, speed: null });
  });

  it('a dropped connection holds its slot while reconnecting, keeps its progress, and resumes under a new id', () => {
    let r = roster.sending(withPeers(1, 'a'), 'a');
    r = roster.progressed(r, 'a', half, { bytesPerSecond: 10, etaSeconds: 50 });
    // Never for a receiver that has not started: that one simply reconnects from scratch.
    expect(roster.reconnecting(withPeers(1, 'b'), 'b', 1, 5)).toEqual(withPeers(1, 'b'));
    r = roster.reconnecting(r, 'a', 2, 5);
    expect(roster.find(r, 'a')).toMatchObject({ status: 'reconnecting', speed: null, progress: half, reconnect: { attempt: 2, maxAttempts: 5 } });
    expect(roster.canAdmit(r)).toBe(false);
    expect(roster.aggregateStatus(r)).toBe('reconnecting');
    r = roster.renamed(r, 'a', 'a2');
    expect(roster.find(r, 'a')).toBeUndefined();
    r = roster.resumed(r, 'a2', 500);
    expect(roster.find(r, 'a2')).toMatchObject({ status: 'sending', reconnect: null, resumed: { count: 1, bytesKept: 500 }, number: 1 });
    r = roster.resumed(roster.reconnecting(r, 'a2', 1, 5), 'a2', 800);
    expect(roster.find(r, 'a2')?.resumed).toEqual({ count: 2, bytesKept: 800 });
    // The last attempt failing ends it like any failure.
    r = roster.failed(roster.reconnecting(r, 'a2', 5, 5), 'a2', oops);
    expect(roster.find(r, 'a2')).toMatchObject({ status: 'failed', reconnect: null });
  });
});
