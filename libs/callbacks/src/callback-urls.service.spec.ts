import { describe, expect, it } from '@jest/globals';
import { HeraldError } from '@herald/common';
import type { CallbacksConfig } from '@herald/config';
import { CallbackUrls } from './callback-urls.service';

const guard = (allow = false, answers: Record<string, string[]> = {}): CallbackUrls => {
  const urls = new CallbackUrls({
    callbackAllowPrivateUrls: allow,
    callbackRetryBaseMs: 5_000,
    callbackRetentionDays: 30,
  } satisfies CallbacksConfig);
  urls.useResolver(async (host) => {
    const found = answers[host];
    if (!found) throw Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' });
    return found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  });
  return urls;
};

async function refusal(urls: CallbackUrls, url: string): Promise<HeraldError> {
  try {
    await urls.check(url);
  } catch (error) {
    if (error instanceof HeraldError) return error;
    throw error;
  }
  throw new Error(`expected ${url} to be refused`);
}

describe(CallbackUrls.name, () => {
  it('accepts public http(s) URLs, by literal address or by a name resolving to public addresses', async () => {
    const urls = guard(false, { 'hooks.example.com': ['93.184.216.34', '2606:2800:220:1::1'] });
    await expect(urls.check('https://hooks.example.com/herald?x=1')).resolves.toBeUndefined();
    await expect(urls.check('http://93.184.216.34:8080/in')).resolves.toBeUndefined();
  });

  it.each([
    ['ftp://example.com/x', /must start with http/],
    ['not a url', /not a valid URL/],
    ['https://user:pw@example.com/', /credentials/],
    ['', /http\(s\) URL/],
  ])('refuses the shape of %s', async (url, message) => {
    const error = await refusal(guard(true), url);
    expect(error.kind).toBe('invalid');
    expect(error.code).toBe('invalid_callback_url');
    expect(error.message).toMatch(message);
  });

  it.each([
    ['http://127.0.0.1:9000/', /loopback/],
    ['http://10.0.0.8/', /private network/],
    ['http://169.254.169.254/latest/meta-data/', /cloud metadata/],
    ['http://[::1]:8080/', /loopback/],
    ['http://[fd00:ec2::254]/', /cloud metadata/],
    ['http://100.100.1.1/', /carrier-grade NAT/],
    ['http://inside.example/', /resolves to a private network address \(192\.168\.0\.10\)/],
    ['http://rebind.example/', /resolves to a loopback address/],
    ['http://nowhere.example/', /does not resolve/],
  ])('refuses %s unless private URLs are allowed', async (url, message) => {
    const answers = { 'inside.example': ['192.168.0.10'], 'rebind.example': ['93.184.216.34', '127.0.0.1'] };
    expect((await refusal(guard(false, answers), url)).message).toMatch(message);
    if (!url.includes('nowhere')) await expect(guard(true, answers).check(url)).resolves.toBeUndefined();
  });

  it('refuses an IP literal at delivery time when private URLs are not allowed', () => {
    expect(guard(false).literalRefusal(new URL('http://127.0.0.1/'))).toMatch(/loopback/);
    expect(guard(false).literalRefusal(new URL('http://8.8.8.8/'))).toBeNull();
    expect(guard(true).literalRefusal(new URL('http://127.0.0.1/'))).toBeNull();
  });

  it('connects only to checked addresses: the lookup drops non-public ones', async () => {
    const lookup = guard(false).connectLookup();
    const error = await new Promise<Error | null>((resolve) => lookup('localhost', { all: true }, (e) => resolve(e)));
    expect(error?.message).toMatch(/localhost resolves to a loopback address/);
    const open = guard(true).connectLookup();
    const found = await new Promise<unknown>((resolve) =>
      open('localhost', { all: true }, (_e, addresses) => resolve(addresses)),
    );
    expect(Array.isArray(found) && found.length > 0).toBe(true);
  });
});
