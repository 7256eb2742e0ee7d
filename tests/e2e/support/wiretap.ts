import type { Page } from '@playwright/test';

/**
 * Records everything a page sends to the server: request URLs, headers and bodies,
 * and every WebSocket frame, so a test can assert what never leaves the browser.
 */
export function wiretap(page: Page) {
  const sent: string[] = [];
  page.on('request', (request) => {
    sent.push(`${request.method()} ${request.url()}`);
    sent.push(JSON.stringify(request.headers()));
    const body = request.postData();
    if (body) sent.push(body);
  });
  page.on('websocket', (socket) => {
    socket.on('framesent', ({ payload }) => sent.push(typeof payload === 'string' ? payload : payload.toString('latin1')));
  });
  return {
    sent,
    /** The first recorded item that contains `needle`, or undefined. */
    find: (needle: string) => sent.find((item) => item.includes(needle)),
  };
}
