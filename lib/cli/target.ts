import { codeProblem, parseCode } from '../codes/short-code';
import { isSessionId } from '../client/share-link';
import type { TypedCode } from '../codes/code-session';

// What `receive` was given: a share link (which names its server) or a short code
// (which needs --server).

export type ReceiveTarget =
  | { kind: 'link'; server: string; sessionId: string; keyText: string }
  | { kind: 'code'; server: string; code: TypedCode };

export class TargetError extends Error {}

const LINK_KEY = /^[A-Za-z0-9_-]{43}$/;

export function parseTarget(text: string, server: string): ReceiveTarget {
  const trimmed = text.trim();
  if (/^https?:\/\//i.test(trimmed)) {
    let url: URL;
    try {
      url = new URL(trimmed);
    } catch {
      throw new TargetError(`${trimmed} is not a valid link`);
    }
    const match = /^\/s\/([^/]+)$/.exec(url.pathname);
    if (!match || !isSessionId(match[1]!)) throw new TargetError('this is not a vault link (it should look like https://host/s/<id>#<key>)');
    const keyText = url.hash.slice(1);
    if (!LINK_KEY.test(keyText)) throw new TargetError('the link is incomplete: its secret key (after #) is missing or damaged; copy the whole link');
    return { kind: 'link', server: url.origin, sessionId: match[1]!, keyText };
  }
  if (/^\d+[-\s]/.test(trimmed)) {
    const code = parseCode(trimmed);
    // Caught before the one try a code allows is spent.
    if (!code) throw new TargetError(`${trimmed} is not a valid code. ${codeProblem(trimmed)}`);
    return { kind: 'code', server, code };
  }
  throw new TargetError(`${trimmed} is neither a link nor a code like 7-orbit-lantern-velvet`);
}
