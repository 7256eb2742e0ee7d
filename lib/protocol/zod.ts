import { z } from 'zod';

// zod compiles fast object parsers with `new Function` after probing whether eval is
// allowed. Our pages' CSP forbids eval, so in the browser the probe itself would be a
// CSP violation: turn the compiler off there. Node (the signaling server) keeps it,
// since it parses every socket event. Every schema module imports `z` from here so
// this runs first.
const inNode = typeof process !== 'undefined' && process.release?.name === 'node';
z.config({ jitless: !inNode });

export { z };
