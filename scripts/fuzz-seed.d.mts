export function fuzzSeed(env?: Record<string, string | undefined>): { seed: number; source: string };
