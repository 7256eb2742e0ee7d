import { randomBytes } from 'node:crypto';
import type { Envelope, SignalType } from '../protocol/signaling';
import type { HostileAttack } from './hostile-attacks';

// TEST ONLY. An actively malicious relay, used by tests/e2e/hostile-relay.spec.ts to
// show that the server cannot read, forge or replay signaling. server.ts enables it
// only when P2PVAULT_TEST_HOSTILE_RELAY and P2PVAULT_TEST=1 are both set (lib/config.ts);
// nothing in a normal deployment sets that variable.

export interface Delivery {
  from: string;
  to: string;
  envelope: Envelope;
}

/** Rewrites one relayed envelope into what the attacker delivers instead. */
export type RelayTamper = (delivery: Delivery) => Delivery[];

function flipBit(text: string): string {
  const bytes = Buffer.from(text, 'base64url');
  bytes[bytes.length >> 1]! ^= 0x01;
  return bytes.toString('base64url');
}

/** An envelope the relay makes up: right shape and size, but sealed with no key it knows. */
function forged(type: SignalType, like: Envelope): Envelope {
  return { type, nonce: randomBytes(12).toString('base64url'), ct: randomBytes(Buffer.from(like.ct, 'base64url').length).toString('base64url') };
}

export function hostileRelay(attack: HostileAttack): RelayTamper {
  const done = new Set<string>();
  /** Each attack fires once per route and type, then the relay behaves. */
  const once = (key: string) => !done.has(key) && done.add(key);
  return (d) => {
    const { type } = d.envelope;
    const route = `${d.from}>${d.to}|${type}`;
    switch (attack) {
      case 'tamper-offer':
      case 'tamper-answer':
        return type === attack.slice(7) ? [{ ...d, envelope: { ...d.envelope, ct: flipBit(d.envelope.ct) } }] : [d];
      case 'reflect': // the offer goes back to its author, claiming to come from the receiver
        return type === 'offer' ? [{ from: d.to, to: d.from, envelope: d.envelope }] : [d];
      case 'relabel':
        return type === 'offer' ? [{ ...d, envelope: { ...d.envelope, type: 'answer' } }] : [d];
      case 'inject-offer':
        return type === 'offer' && once(route) ? [{ ...d, envelope: forged('offer', d.envelope) }, d] : [d];
      case 'inject-ice':
        return type === 'ice' && once(route) ? [{ ...d, envelope: forged('ice', d.envelope) }, d] : [d];
      case 'replay':
        return type === 'offer' ? [d, d] : [d];
    }
  };
}
