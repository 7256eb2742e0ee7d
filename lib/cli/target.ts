import { codeProblem, parseCode } from '../codes/short-code';
import { keyFromHash } from '../client/share-link';
import { LinkKeySchema, SessionIdSchema } from '../protocol/ids';
import type { TypedCode } from '../codes/code-session';

// What `receive` was given: a share link (which names its server) or a short code
// (which needs --server).

export type ReceiveTarget =
  | { kind: 'link'; server: string; sessionId: string; keyText: string }
  | { kind: 'code'; server: string; code: TypedCode };

export class TargetError extends Error {}

export function parseTarget(text: string, server: string): ReceiveTarget {
  const trimmed = text.trim();
  if (/^https?:\/\//i.test(trimmed)) {
    let url: URL;
    try {
      url = new URL(trimmed);
    } catch {
      throw new TargetError(`${trimmed} is not a valid link`);
    }
    // `/s/<id>`, the path lib/client/share-link.ts builds.
    const [root, route, id, ...rest] = url.pathname.split('/');
    const sessionId = SessionIdSchema.safeParse(id);
    if (root !== '' || route !== 's' || rest.length > 0 || !sessionId.success) {
      throw new TargetError('this is not a vault link (it should look like https://host/s/<id>#<key>)');
    }
    const keyText = LinkKeySchema.safeParse(keyFromHash(url.hash));
    if (!keyText.success) throw new TargetError('the link is incomplete: its secret key (after #) is missing or damaged; copy the whole link');
    return { kind: 'link', server: url.origin, sessionId: sessionId.data, keyText: keyText.data };
  }
  if (/^\d+[-\s]/.test(trimmed)) {
    const code = parseCode(trimmed);
    // Caught before the one try a code allows is spent.
    if (!code) throw new TargetError(`${trimmed} is not a valid code. ${codeProblem(trimmed)}`);
    return { kind: 'code', server, code };
  }
  throw new TargetError(`${trimmed} is neither a link nor a code like 7-orbit-lantern-velvet`);
}
