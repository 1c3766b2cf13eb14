import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { openSecret, sealSecret } from './secret-box.util';

describe('sealSecret / openSecret', () => {
  const key = randomBytes(32);

  it('round-trips, and never stores the plain text or the same bytes twice', () => {
    const a = sealSecret('EAAG-secret-token', key);
    const b = sealSecret('EAAG-secret-token', key);
    expect(openSecret(a, key)).toBe('EAAG-secret-token');
    expect(a.equals(b)).toBe(false);
    expect(a.toString('latin1')).not.toContain('secret-token');
  });

  it('refuses a wrong key and a tampered value', () => {
    const sealed = sealSecret('{"appSecret":"x"}', key);
    expect(() => openSecret(sealed, randomBytes(32))).toThrow();
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1]! ^= 1;
    expect(() => openSecret(tampered, key)).toThrow();
    expect(() => openSecret(Buffer.from([9, 1, 2]), key)).toThrow(/not a sealed secret/);
  });
});
