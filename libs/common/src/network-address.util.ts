import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';

/**
 * Why Herald may not connect to an address a user gave (the SSRF guard of callbacks and of media fetched from a URL),
 * or null when it is a public address.
 */
export type ForbiddenAddressKind =
  'unspecified' | 'loopback' | 'private' | 'link_local' | 'cgnat' | 'metadata' | 'multicast' | 'reserved';

/** Each kind in words, for messages: "points at a loopback address". */
export const FORBIDDEN_ADDRESS_TEXT: Readonly<Record<ForbiddenAddressKind, string>> = {
  unspecified: 'an unspecified address',
  loopback: 'a loopback address',
  private: 'a private network address',
  link_local: 'a link-local address',
  cgnat: 'a carrier-grade NAT address',
  metadata: 'a cloud metadata address',
  multicast: 'a multicast address',
  reserved: 'a reserved address',
};

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

/** A URL's host without IPv6 brackets (`[::1]` → `::1`), as `isIP` and `forbiddenAddressKind` take it. */
export function urlHost(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/** A host name's addresses, every one (dns.lookup with `all: true`), or a test's own answers. */
export type AddressResolver = (hostname: string, options?: LookupOptions) => Promise<LookupAddress[]>;

/** The system's resolver (getaddrinfo, as every socket uses): `options` as the socket gives them (family, hints). */
export const resolveAddresses: AddressResolver = (hostname, options = {}) =>
  new Promise((resolve, reject) =>
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))),
  );

export interface GuardedLookupOptions {
  /** The operator's switch is on: every address passes (names are still resolved through `resolve`). */
  readonly allowPrivate: boolean;
  /** The error a socket fails with when the name has no public address left; `kind` is the first one's. */
  readonly refusal: (hostname: string, kind: ForbiddenAddressKind) => Error;
  /** Default: the system's (`resolveAddresses`). */
  readonly resolve?: AddressResolver;
  /** How an address is judged. Default `forbiddenAddressKind`; tests may count their own server as public. */
  readonly kindOf?: (address: string) => ForbiddenAddressKind | null;
}

/**
 * A `lookup` for an HTTP agent's sockets (undici `Agent({ connect: { lookup } })`): resolves as usual and drops
 * every non-public address, so the address connected to is one that passed the check at the moment of connecting —
 * a name that resolves to a private address, or later starts to (DNS rebinding), is refused. None left → the socket
 * fails with `refusal(...)`. An IP literal never reaches a lookup: check it before the request (`forbiddenAddressKind`).
 */
export function guardedLookup(options: GuardedLookupOptions): LookupFunction {
  const { allowPrivate, refusal, resolve = resolveAddresses, kindOf = forbiddenAddressKind } = options;
  return ((hostname: string, lookupOptions: LookupOptions, callback: (...args: unknown[]) => void) => {
    void resolve(hostname, lookupOptions).then(
      (addresses) => {
        if (addresses.length === 0) {
          return callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname }));
        }
        const usable = allowPrivate ? addresses : addresses.filter((a) => kindOf(a.address) === null);
        if (usable.length === 0) return callback(refusal(hostname, kindOf(addresses[0]!.address) ?? 'reserved'));
        if (lookupOptions.all) return callback(null, usable);
        return callback(null, usable[0]!.address, usable[0]!.family);
      },
      (error: unknown) => callback(error),
    );
  }) as LookupFunction;
}
