// The names of the test-only hostile relay's attacks (hostile-relay.ts), apart from the
// relay itself so lib/config.ts can validate the setting without loading the attacker.

export const HOSTILE_ATTACKS = ['tamper-offer', 'tamper-answer', 'reflect', 'relabel', 'inject-offer', 'inject-ice', 'replay'] as const;
export type HostileAttack = (typeof HOSTILE_ATTACKS)[number];
