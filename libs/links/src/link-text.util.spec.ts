import { describe, expect, it } from '@jest/globals';
import { HeraldError } from '@herald/common';
import { findUrls, linkBaseUrl, rewriteText, storedDestination, withUtm } from './link-text.util';

describe(findUrls.name, () => {
  it('finds http and https URLs in free text, in order, repeats included', () => {
    expect(findUrls('Hi Asha! Shop https://shop.example/sale and http://x.test/a?b=1 or https://shop.example/sale')).toEqual([
      'https://shop.example/sale',
      'http://x.test/a?b=1',
      'https://shop.example/sale',
    ]);
  });

  it('leaves out punctuation that ends the sentence', () => {
    expect(findUrls('See https://a.test/x. Or https://b.test/y, or https://c.test/z! Really https://d.test/?q=1?')).toEqual([
      'https://a.test/x',
      'https://b.test/y',
      'https://c.test/z',
      'https://d.test/?q=1',
    ]);
    expect(findUrls('Ends here: https://e.test/p...')).toEqual(['https://e.test/p']);
    expect(findUrls('中文 https://f.test/页面。')).toEqual(['https://f.test/页面']);
  });

  it('leaves out a closing bracket the URL did not open, and keeps one it did', () => {
    expect(findUrls('(see https://a.test/x)')).toEqual(['https://a.test/x']);
    expect(findUrls('(see https://a.test/x).')).toEqual(['https://a.test/x']);
    expect(findUrls('https://en.wikipedia.org/wiki/Go_(game)')).toEqual(['https://en.wikipedia.org/wiki/Go_(game)']);
    expect(findUrls('(https://en.wikipedia.org/wiki/Go_(game))')).toEqual(['https://en.wikipedia.org/wiki/Go_(game)']);
    expect(findUrls('[link](https://a.test/md)')).toEqual(['https://a.test/md']);
  });

  it('leaves out WhatsApp formatting marks and quotes around a URL', () => {
    expect(findUrls('*https://a.test/bold* ~https://b.test/s~ "https://c.test/q" <https://d.test/>')).toEqual([
      'https://a.test/bold',
      'https://b.test/s',
      'https://c.test/q',
      'https://d.test/',
    ]);
  });

  it('keeps fragments, ports, user info and encoded characters, and any case of scheme', () => {
    expect(findUrls('HTTPS://A.test:8443/p%20q?x=1&y=2#frag and https://u@b.test/')).toEqual([
      'HTTPS://A.test:8443/p%20q?x=1&y=2#frag',
      'https://u@b.test/',
    ]);
  });

  it('finds nothing in text without http(s) links', () => {
    expect(findUrls('mail me@a.test, ftp://files.test/x, www.a.test, https:// alone, javascript:alert(1)')).toEqual([]);
    expect(findUrls('')).toEqual([]);
  });
});

describe(withUtm.name, () => {
  const utm = { source: 'herald', medium: 'whatsapp', campaign: 'Spring sale' };

  it('adds utm_* parameters to a URL without a query', () => {
    expect(withUtm('https://shop.example/sale', utm)).toBe(
      'https://shop.example/sale?utm_source=herald&utm_medium=whatsapp&utm_campaign=Spring%20sale',
    );
  });

  it('keeps the existing parameters and the fragment as written', () => {
    expect(withUtm('https://shop.example/p?id=7&q=a+b%2Fc#reviews', { source: 'herald' })).toBe(
      'https://shop.example/p?id=7&q=a+b%2Fc&utm_source=herald#reviews',
    );
    expect(withUtm('https://shop.example/p?#top', { source: 'herald' })).toBe('https://shop.example/p?utm_source=herald#top');
    expect(withUtm('https://shop.example/p?a=1&', { source: 'herald' })).toBe('https://shop.example/p?a=1&utm_source=herald');
  });

  it('does not override a utm_* parameter the URL already has', () => {
    expect(withUtm('https://shop.example/?utm_source=newsletter&x=1', utm)).toBe(
      'https://shop.example/?utm_source=newsletter&x=1&utm_medium=whatsapp&utm_campaign=Spring%20sale',
    );
  });

  it('adds all five, in a fixed order, and skips empty ones', () => {
    expect(withUtm('https://a.test', { term: 't', content: 'c', campaign: '', medium: undefined, source: 's' })).toBe(
      'https://a.test?utm_source=s&utm_content=c&utm_term=t',
    );
  });

  it('returns the URL unchanged when nothing is to be added', () => {
    expect(withUtm('https://a.test/x?y#z', {})).toBe('https://a.test/x?y#z');
  });

  it('encodes values that would break the query', () => {
    expect(withUtm('https://a.test/', { campaign: 'a&b=c#d é' })).toBe('https://a.test/?utm_campaign=a%26b%3Dc%23d%20%C3%A9');
  });
});

describe(rewriteText.name, () => {
  const base = 'https://go.herald.test';

  it('replaces each URL with <baseUrl>/l/<code> and keeps the text around it', () => {
    const codes = new Map([
      ['https://a.test/x', 'AAAAAAAAAAAA'],
      ['https://b.test/(y)', 'BBBBBBBBBBBB'],
    ]);
    expect(rewriteText('Hi! https://a.test/x. And (https://b.test/(y)), again https://a.test/x', (u) => codes.get(u)!, base)).toBe(
      'Hi! https://go.herald.test/l/AAAAAAAAAAAA. And (https://go.herald.test/l/BBBBBBBBBBBB), again https://go.herald.test/l/AAAAAAAAAAAA',
    );
  });

  it('leaves text without URLs, and links already tracked, as they are', () => {
    const never = (): string => {
      throw new Error('no code should be asked for');
    };
    expect(rewriteText('No links here.', never, base)).toBe('No links here.');
    expect(rewriteText('Tracked: https://go.herald.test/l/AAAAAAAAAAAA!', never, `${base}/`)).toBe('Tracked: https://go.herald.test/l/AAAAAAAAAAAA!');
  });
});

describe(storedDestination.name, () => {
  it('keeps http(s) URLs, serialised as the URL parser does (ASCII only)', () => {
    expect(storedDestination('https://shop.example/sale?utm_source=herald#x')).toBe('https://shop.example/sale?utm_source=herald#x');
    expect(storedDestination('https://Bücher.example/straße?q=ü')).toBe('https://xn--bcher-kva.example/stra%C3%9Fe?q=%C3%BC');
    expect(storedDestination('https://a.test')).toBe('https://a.test/');
  });

  it('refuses anything that is not an absolute http(s) URL: no other scheme is ever redirected to', () => {
    for (const bad of ['javascript:alert(1)', 'data:text/html,hi', 'ftp://a.test/', '/relative', 'a.test', '']) {
      expect(() => storedDestination(bad)).toThrow(HeraldError);
    }
    expect(() => storedDestination(`https://a.test/${'x'.repeat(5000)}`)).toThrow(/at most/);
  });
});

describe(linkBaseUrl.name, () => {
  it('takes an http(s) origin, with or without a path, and drops the trailing slash', () => {
    expect(linkBaseUrl('https://go.herald.test/')).toBe('https://go.herald.test');
    expect(linkBaseUrl('http://127.0.0.1:3000')).toBe('http://127.0.0.1:3000');
    expect(linkBaseUrl('https://herald.test/api/')).toBe('https://herald.test/api');
  });

  it('refuses other schemes, queries and fragments', () => {
    for (const bad of ['ftp://a.test', 'https://a.test/?x=1', 'https://a.test/#f', 'not a url']) expect(() => linkBaseUrl(bad)).toThrow(HeraldError);
  });
});
