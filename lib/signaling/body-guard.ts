import type { IncomingMessage, ServerResponse } from 'node:http';

// Request bodies never grow past a small cap in this process, whether the client
// declares a length or streams chunks (Transfer-Encoding: chunked) without one.
//
// Next gives a route the request itself as its body stream, and how it is read (a
// reader pulling from it, or 'data' events) is Next's business. So the bytes are counted
// where they enter the stream: the HTTP parser pushes each piece of the body into the
// request. Past the cap the request is paused, the route's readJsonBody (which stops
// reading at the same cap) answers 413, and the connection is closed once that answer is
// out, or after a short grace if no answer comes.

/** How long an over-cap request may wait for its route's answer before it is cut off. */
const ANSWER_GRACE_MS = 2_000;

/**
 * Applies the cap to `req`. Returns false when it already answered (413 for a declared
 * length over the cap); the caller then must not pass the request on.
 */
export function guardRequestBody(req: IncomingMessage, res: ServerResponse, maxBytes: number, refused: (how: 'declared' | 'streamed') => void): boolean {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > maxBytes) {
    refused('declared');
    res.writeHead(413, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', Connection: 'close' });
    res.end(JSON.stringify({ code: 'too_large', message: `Request body too large (at most ${maxBytes} bytes).` }));
    // Do not read (and discard) the rest of a large body: close once the answer is out.
    res.once('finish', () => req.destroy());
    return false;
  }
  let seen = 0;
  let over = false;
  const push = req.push.bind(req);
  req.push = (chunk: unknown, encoding?: BufferEncoding) => {
    const accepted = push(chunk, encoding);
    if (over || !(chunk instanceof Uint8Array)) return accepted;
    seen += chunk.byteLength;
    if (seen <= maxBytes) return accepted;
    over = true;
    refused('streamed');
    req.pause();
    // Returning false also tells the HTTP parser to stop reading the socket for now.
    const cut = () => req.destroy();
    if (res.writableFinished) {
      cut();
      return false;
    }
    res.once('finish', cut);
    res.once('close', cut);
    setTimeout(cut, ANSWER_GRACE_MS).unref();
    return false;
  };
  return true;
}
