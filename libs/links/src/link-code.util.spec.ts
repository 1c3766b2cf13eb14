import { describe, expect, it } from '@jest/globals';
import { isLinkCode, linkUrl, newLinkCodes } from './link-code.util';

describe(newLinkCodes.name, () => {
  it('draws 12-character base64url codes, all different', () => {
    const codes = newLinkCodes(10_000);
    expect(codes).toHaveLength(10_000);
    for (const code of codes) expect(code).toMatch(/^[A-Za-z0-9_-]{12}$/);
    expect(new Set(codes).size).toBe(10_000);
  });

  it('uses every one of the 64 characters in every position (72 random bits, not fewer)', () => {
    const codes = newLinkCodes(20_000);
    for (let position = 0; position < 12; position++) expect(new Set(codes.map((c) => c[position])).size).toBe(64);
  });

  it('draws nothing for zero links', () => {
    expect(newLinkCodes(0)).toEqual([]);
  });
});

describe(isLinkCode.name, () => {
  it('accepts the shape of a code and nothing else', () => {
    expect(isLinkCode(newLinkCodes(1)[0]!)).toBe(true);
    expect(isLinkCode('AAAAAAAAAAA_')).toBe(true);
    for (const bad of ['', 'short', 'AAAAAAAAAAAAA', 'AAAAAAAAAAA=', 'AAAAAAAAAAA/', '../../etc/pa', 'AAAAAAAAAAA\n']) expect(isLinkCode(bad)).toBe(false);
  });
});

describe(linkUrl.name, () => {
  it('joins the base URL and the code under /l/', () => {
    expect(linkUrl('https://go.test', 'AbCdEfGhIjKl')).toBe('https://go.test/l/AbCdEfGhIjKl');
    expect(linkUrl('https://go.test/', 'AbCdEfGhIjKl')).toBe('https://go.test/l/AbCdEfGhIjKl');
  });
});
