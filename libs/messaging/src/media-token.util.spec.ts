import { describe, expect, it } from '@jest/globals';
import { checkMediaToken, mediaTokenKey, signMediaToken } from './media-token.util';

const KEY = mediaTokenKey(Buffer.alloc(32, 7));
const ID = '0b8f0f7e-8a4e-4c1e-9d8e-1f2a3b4c5d6e';
const NOW = new Date('2026-12-03T18:00:00Z');

describe(signMediaToken.name, () => {
  it('signs a token that is valid for its message until it expires, and then expired', () => {
    const token = signMediaToken(KEY, ID, new Date(NOW.getTime() + 300_000));
    expect(token).toMatch(/^\d+\.[A-Za-z0-9_-]{43}$/);
    expect(checkMediaToken(KEY, ID, token, NOW)).toBe('valid');
    expect(checkMediaToken(KEY, ID, token, new Date(NOW.getTime() + 299_000))).toBe('valid');
    expect(checkMediaToken(KEY, ID, token, new Date(NOW.getTime() + 300_000))).toBe('expired');
  });

  it('refuses a token of another message, another key, a changed expiry or garbage', () => {
    const token = signMediaToken(KEY, ID, new Date(NOW.getTime() + 300_000));
    expect(checkMediaToken(KEY, '1b8f0f7e-8a4e-4c1e-9d8e-1f2a3b4c5d6e', token, NOW)).toBe('invalid');
    expect(checkMediaToken(mediaTokenKey(Buffer.alloc(32, 8)), ID, token, NOW)).toBe('invalid');
    const [exp, sig] = token.split('.');
    expect(checkMediaToken(KEY, ID, `${Number(exp) + 3600}.${sig}`, NOW)).toBe('invalid');
    expect(checkMediaToken(KEY, ID, 'nonsense', NOW)).toBe('invalid');
    expect(checkMediaToken(KEY, ID, '', NOW)).toBe('invalid');
  });

  it('does not use the secrets key itself', () => {
    expect(mediaTokenKey(Buffer.alloc(32, 7))).not.toEqual(Buffer.alloc(32, 7));
  });
});
