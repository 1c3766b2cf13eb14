import type { LookupAddress } from 'node:dns';
import { describe, expect, it } from '@jest/globals';
import { forbiddenAddressKind, guardedLookup, urlHost, type AddressResolver } from './network-address.util';

describe('forbiddenAddressKind', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['fd12:3456::1', 'private'],
    ['fc00::1', 'private'],
    ['100.64.0.1', 'cgnat'],
    ['100.127.255.254', 'cgnat'],
    ['169.254.169.254', 'metadata'],
    ['fd00:ec2::254', 'metadata'],
    ['169.254.10.1', 'link_local'],
    ['fe80::1', 'link_local'],
    ['fe80::1%eth0', 'link_local'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:a9fe:a9fe', 'metadata'],
    ['64:ff9b::10.0.0.1', 'private'],
    ['not-an-ip', 'reserved'],
  ])('refuses %s as %s', (address, kind) => {
    expect(forbiddenAddressKind(address)).toBe(kind);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '172.32.0.1',
    '172.15.255.255',
    '100.128.0.1',
    '192.169.0.1',
    '2606:4700:4700::1111',
    '2001:db8::1',
    '::ffff:8.8.8.8',
  ])('accepts the public address %s', (address) => {
    expect(forbiddenAddressKind(address)).toBeNull();
  });
});

describe(urlHost.name, () => {
  it('gives the host without IPv6 brackets', () => {
    expect(urlHost(new URL('http://[::1]:8080/x'))).toBe('::1');
    expect(urlHost(new URL('http://0x7f.1/'))).toBe('127.0.0.1');
    expect(urlHost(new URL('https://cdn.example.com/a.png'))).toBe('cdn.example.com');
  });
});

describe(guardedLookup.name, () => {
  const answers: Record<string, string[]> = {
    'mixed.example': ['10.0.0.7', '93.184.216.34', '::1', '2606:2800:220:1::1'],
    'inside.example': ['192.168.0.10', '127.0.0.1'],
    'empty.example': [],
  };
  const resolve: AddressResolver = async (hostname) => {
    const found = answers[hostname];
    if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  const refusal = (hostname: string, kind: string) => Object.assign(new Error(`${hostname}: ${kind}`), { code: 'EREFUSED_TEST' });

  /** What a socket's lookup calls back with: (error) or (null, addresses) or (null, address, family). */
  const ask = (allowPrivate: boolean, hostname: string, all: boolean) =>
    new Promise<{ error: (Error & { code?: string }) | null; found?: string | LookupAddress[]; family?: number }>((done) =>
      guardedLookup({ allowPrivate, refusal, resolve })(hostname, { all }, (error, found, family) =>
        done({ error: error as (Error & { code?: string }) | null, found, family }),
      ),
    );

  it('drops the non-public addresses of a name, for a socket asking for all or one', async () => {
    expect(await ask(false, 'mixed.example', true)).toEqual({
      error: null,
      found: [
        { address: '93.184.216.34', family: 4 },
        { address: '2606:2800:220:1::1', family: 6 },
      ],
      family: undefined,
    });
    expect(await ask(false, 'mixed.example', false)).toEqual({ error: null, found: '93.184.216.34', family: 4 });
  });

  it('fails with the refusal, naming the first address’s kind, when no public address is left', async () => {
    const { error } = await ask(false, 'inside.example', true);
    expect([error?.message, error?.code]).toEqual(['inside.example: private', 'EREFUSED_TEST']);
  });

  it('passes every address when private ones are allowed, and resolution errors as they are', async () => {
    expect((await ask(true, 'inside.example', false)).found).toBe('192.168.0.10');
    expect(((await ask(true, 'mixed.example', true)).found as LookupAddress[]).map((a) => a.address)).toEqual(
      answers['mixed.example'],
    );
    expect((await ask(false, 'nowhere.example', true)).error?.code).toBe('ENOTFOUND');
    expect((await ask(true, 'empty.example', true)).error?.code).toBe('ENOTFOUND');
  });
});
