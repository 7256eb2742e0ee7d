import { isIPv4, isIPv6 } from 'node:net';

// The key every per-address limit counts under. One IPv4 address is one key; an IPv6
// client usually holds a whole /64 (2^64 addresses, SLAAC privacy addresses rotate
// within it), so counting full IPv6 addresses would give one host endless budgets.
// IPv6 therefore counts per /64 prefix. IPv4-mapped IPv6 (::ffff:a.b.c.d, as a
// dual-stack socket reports IPv4 peers) is the IPv4 address.

/** `a.b.c.d` for IPv4 (also mapped), `xxxx:xxxx:xxxx:xxxx::/64` for IPv6; anything else as given. */
export function limitKey(address: string): string {
  const bare = address.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (isIPv4(bare)) return bare;
  // A zone id (fe80::1%eth0) names an interface, not a different host.
  const withoutZone = bare.replace(/%.*$/, '');
  if (!isIPv6(withoutZone)) return address;
  const groups = expand(withoutZone);
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    // ::ffff:a.b.c.d (or its hex form ::ffff:7f00:1)
    return [groups[6]! >> 8, groups[6]! & 255, groups[7]! >> 8, groups[7]! & 255].join('.');
  }
  return `${groups.slice(0, 4).map((g) => g.toString(16)).join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address (handles `::` and a dotted IPv4 tail). */
function expand(address: string): number[] {
  let text = address;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[1]!.split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, -dotted[1]!.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const parse = (part: string | undefined) => (part ? part.split(':').map((g) => parseInt(g, 16)) : []);
  const front = parse(head);
  if (tail === undefined) return front;
  const back = parse(tail);
  return [...front, ...Array<number>(8 - front.length - back.length).fill(0), ...back];
}
