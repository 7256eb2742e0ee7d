// Which address a request comes from. Behind our own reverse proxy (TRUST_PROXY=1) the
// proxy appends the real peer to X-Forwarded-For, so the last entry is the one it saw;
// earlier entries are whatever the client claimed and are never trusted.

export function clientIp(remoteAddress: string | undefined, forwardedFor: string | string[] | undefined, trustProxy: boolean): string {
  if (trustProxy && forwardedFor) {
    const header = Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor;
    const last = header.split(',').map((part) => part.trim()).filter(Boolean).at(-1);
    if (last) return normalise(last);
  }
  return normalise(remoteAddress ?? 'unknown');
}

/** IPv4 clients on a dual-stack socket appear as ::ffff:a.b.c.d; count them once. */
function normalise(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}
