import type { Page } from '@playwright/test';

/**
 * Records everything a page exchanges with the server: request URLs, headers and
 * bodies it sends, the API's and Socket.IO long-polling's answers, and every WebSocket
 * frame both ways (what the server relays to it from other peers included), so a test
 * can assert what never passes through the server.
 */
type Kind = 'url' | 'headers' | 'body' | 'frame';

const SIGNALING = /\/socket\.io\//;
const DYNAMIC = /\/(socket\.io|api)\//;

export function wiretap(page: Page) {
  const items: { kind: Kind; text: string }[] = [];
  const traffic = { signalingMessages: 0, signalingBytes: 0, binaryFrames: 0, largestMessage: 0 };
  const signaling = (text: string) => {
    traffic.signalingMessages++;
    traffic.signalingBytes += text.length;
    traffic.largestMessage = Math.max(traffic.largestMessage, text.length);
  };
  const frame = ({ payload }: { payload: string | Buffer }) => {
    const text = typeof payload === 'string' ? payload : payload.toString('latin1');
    if (typeof payload !== 'string') traffic.binaryFrames++;
    signaling(text);
    items.push({ kind: 'frame', text });
  };
  page.on('request', (request) => {
    items.push({ kind: 'url', text: `${request.method()} ${request.url()}` });
    items.push({ kind: 'headers', text: JSON.stringify(request.headers()) });
    const body = request.postData();
    if (body) {
      if (SIGNALING.test(request.url())) signaling(body);
      items.push({ kind: 'body', text: body });
    }
  });
  // Socket.IO starts on HTTP long-polling before it upgrades: those answers are signaling too.
  page.on('response', async (response) => {
    if (!DYNAMIC.test(response.url())) return;
    const text = await response.text().catch(() => '');
    if (SIGNALING.test(response.url())) signaling(text);
    if (text) items.push({ kind: 'body', text });
  });
  page.on('websocket', (socket) => {
    socket.on('framesent', frame);
    socket.on('framereceived', frame);
  });
  const find = (needle: string | RegExp, kinds?: Kind[]) =>
    items.find((item) => (!kinds || kinds.includes(item.kind)) && (typeof needle === 'string' ? item.text.includes(needle) : needle.test(item.text)))?.text;
  return {
    items,
    /** Sizes of the signaling traffic so far; binary frames are Socket.IO attachments, which signaling never uses. */
    traffic: () => ({ ...traffic }),
    /** The first recorded item (of `kinds`, or any) that contains (or matches) `needle`, or undefined. */
    find,
    /** The first form of `bytes` (see encodedForms) found in the traffic, or undefined. */
    findBytes: (bytes: Uint8Array) => encodedForms(bytes).find((form) => find(form) !== undefined),
  };
}

/**
 * The forms a run of bytes could take on its way through the server: raw (as latin1,
 * how binary frames are recorded), hex, and base64/base64url from each of the three
 * offsets a 3-byte group can start at, so the bytes are found wherever they sat in a
 * larger encoded buffer. Shorter runs match by chance more often: pass 12 bytes or more.
 */
export function encodedForms(bytes: Uint8Array): string[] {
  const buffer = Buffer.from(bytes);
  const forms = [buffer.toString('latin1'), buffer.toString('hex')];
  for (const offset of [0, 1, 2]) {
    const aligned = buffer.subarray(offset, offset + Math.floor((buffer.length - 2) / 3) * 3);
    forms.push(aligned.toString('base64'), aligned.toString('base64url'));
  }
  return forms;
}
