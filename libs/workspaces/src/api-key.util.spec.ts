import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { generateApiKey, hashApiKey, looksLikeApiKey } from './api-key.util';

describe('generateApiKey', () => {
  it('makes distinct, recognisable keys whose hash and prefix are all that needs storing', () => {
    const a = generateApiKey();
    const b = generateApiKey();
    expect(a.plaintext).not.toBe(b.plaintext);
    expect(looksLikeApiKey(a.plaintext)).toBe(true);
    expect(a.plaintext.startsWith(a.prefix)).toBe(true);
    expect(a.prefix).toHaveLength(12);
    expect(a.hash).toBe(createHash('sha256').update(a.plaintext).digest('hex'));
    expect(hashApiKey(a.plaintext)).toBe(a.hash);
  });

  it('refuses strings that cannot be keys before any lookup', () => {
    expect(looksLikeApiKey('')).toBe(false);
    expect(looksLikeApiKey('hrld_short')).toBe(false);
    expect(looksLikeApiKey(`sk_${'a'.repeat(43)}`)).toBe(false);
  });
});
