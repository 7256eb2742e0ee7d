// Writes tests/vectors/stream-vectors.json and handshake-vectors.json from the reference
// implementation alone (tests/vectors/reference, node:crypto): fixed vectors, as age and
// Wycheproof ship theirs. Regenerate only when the protocol changes on purpose:
// `npx tsx tests/vectors/generate-vectors.ts`; tests/unit/crypto/reference-vectors.test.ts
// fails while the committed files differ from what this writes.
import { writeFileSync } from 'node:fs';
import { handshakeSuite } from './handshake-suite';
import { streamSuite } from './stream-suite';

const write = (file: string, suite: object) => writeFileSync(new URL(`./${file}`, import.meta.url), `${JSON.stringify(suite, null, 1)}\n`);

const stream = await streamSuite();
write('stream-vectors.json', stream);
const handshake = handshakeSuite();
write('handshake-vectors.json', handshake);
console.log(`${stream.vectors.length} stream vectors, ${handshake.envelopes.length} envelopes, ${handshake.controlFrames.length} control frames written`);
