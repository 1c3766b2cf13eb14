import { isIP } from 'node:net';

/** Why an address may not receive callbacks (SSRF guard), or null when it is a public address. */
export type ForbiddenAddressKind =
  'unspecified' | 'loopback' | 'private' | 'link_local' | 'cgnat' | 'metadata' | 'multicast' | 'reserved';

interface Range {
  readonly base: bigint;
  readonly bits: number;
  readonly kind: ForbiddenAddressKind;
}

const V4: ReadonlyArray<readonly [string, number, ForbiddenAddressKind]> = [
  ['169.254.169.254', 32, 'metadata'], // cloud metadata (AWS, GCP, Azure, …): before the link-local range it is in
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'cgnat'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link_local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved'], // IETF protocol assignments
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'reserved'], // benchmarking
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'], // and 255.255.255.255
];

const V6: ReadonlyArray<readonly [string, number, ForbiddenAddressKind]> = [
  ['fd00:ec2::254', 128, 'metadata'], // AWS metadata over IPv6: before the ULA range it is in
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['fe80::', 10, 'link_local'],
  ['fc00::', 7, 'private'], // unique local addresses
  ['ff00::', 8, 'multicast'],
];

function v4ToBigInt(ip: string): bigint {
  return ip.split('.').reduce((n, octet) => (n << 8n) | BigInt(Number(octet)), 0n);
}

/** An IPv6 address (any textual form, with an embedded dotted IPv4 tail or not) as a 128-bit number. */
function v6ToBigInt(ip: string): bigint {
  let text = ip.toLowerCase().replace(/%.*$/, '');
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const v4 = v4ToBigInt(dotted[1]!);
    text = `${text.slice(0, -dotted[1]!.length)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return groups.reduce((n, g) => (n << 16n) | BigInt(parseInt(g || '0', 16)), 0n);
}

const compile = (list: typeof V4, width: number, parse: (ip: string) => bigint): Range[] =>
  list.map(([ip, bits, kind]) => ({ base: parse(ip) >> BigInt(width - bits), bits, kind }));
const RANGES_V4 = compile(V4, 32, v4ToBigInt);
const RANGES_V6 = compile(V6, 128, v6ToBigInt);

function match(value: bigint, width: number, ranges: readonly Range[]): ForbiddenAddressKind | null {
  for (const r of ranges) if (value >> BigInt(width - r.bits) === r.base) return r.kind;
  return null;
}

/**
 * The kind of a non-public address (loopback, private RFC 1918 / ULA, link-local, CGNAT, unspecified, cloud metadata,
 * multicast, reserved), or null for a public one. IPv4-mapped (::ffff:a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) IPv6
 * addresses are judged by the IPv4 address they carry. A string that is not an IP address is `reserved` (refused).
 */
export function forbiddenAddressKind(address: string): ForbiddenAddressKind | null {
  const family = isIP(address.replace(/%.*$/, ''));
  if (family === 4) return match(v4ToBigInt(address), 32, RANGES_V4);
  if (family !== 6) return 'reserved';
  const value = v6ToBigInt(address);
  const high96 = value >> 32n;
  if (high96 === 0xffffn || high96 === 0x0064ff9b0000000000000000n) return match(value & 0xffffffffn, 32, RANGES_V4);
  return match(value, 128, RANGES_V6);
}
