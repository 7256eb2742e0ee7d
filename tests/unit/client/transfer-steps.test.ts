import { describe, expect, it } from 'vitest';
import { timeLeft } from '../../../lib/client/expiry';
import { receiverStep, senderStep, stepStates } from '../../../lib/client/transfer-steps';

describe('transfer steps', () => {
  it('maps both pages onto the same named steps', () => {
    expect(senderStep('idle')).toBeNull();
    expect(['creating', 'waiting', 'connecting', 'sending', 'done', 'error'].map((s) => senderStep(s as never))).toEqual([
      'waiting',
      'waiting',
      'connecting',
      'transferring',
      'done',
      'error',
    ]);
    expect(receiverStep('joining', 0, 0)).toBe('waiting');
    expect(receiverStep('needs-location', 0, 10)).toBe('connecting');
    expect(receiverStep('receiving', 5, 10)).toBe('transferring');
    expect(receiverStep('receiving', 10, 10)).toBe('verifying');
    expect(receiverStep('done', 10, 10)).toBe('done');
  });

  it('marks the steps before the current one as passed', () => {
    expect(stepStates('transferring').map((s) => s.state)).toEqual(['done', 'done', 'current', 'todo', 'todo']);
    expect(stepStates('done').map((s) => s.state)).toEqual(['done', 'done', 'done', 'done', 'done']);
    expect(stepStates('error', 'connecting').map((s) => s.state)).toEqual(['done', 'todo', 'todo', 'todo', 'todo']);
  });
});

describe('timeLeft', () => {
  const now = Date.parse('2026-11-26T00:00:00Z');
  it('says how long the link still works', () => {
    expect(timeLeft(now + 60 * 60_000, now)).toEqual({ expired: false, text: 'Expires in 60 minutes' });
    expect(timeLeft(now + 61_000, now).text).toBe('Expires in less than 2 minutes');
    expect(timeLeft(now + 150 * 60_000, now).text).toBe('Expires in 2 hours 30 minutes');
    expect(timeLeft(new Date(now - 1).toISOString(), now)).toEqual({ expired: true, text: 'This link has expired.' });
    expect(timeLeft('not a date', now).expired).toBe(true);
  });
});
