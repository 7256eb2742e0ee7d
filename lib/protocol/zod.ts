import { z } from 'zod';

// zod compiles fast object parsers with `new Function` after probing whether eval is
// allowed. Our pages' CSP forbids eval, so the probe itself is a CSP violation: turn
// the compiler off. Every schema module imports `z` from here so this runs first.
z.config({ jitless: true });

export { z };
