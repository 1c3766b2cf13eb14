import { describe, expect, it } from '@jest/globals';
import { newSigningSecret, sealSecret, signingSecrets } from './callback-secret.util';

const KEY = Buffer.alloc(32, 3);

describe('signingSecrets', () => {
  const row = {
    secret_sealed: sealSecret('new', KEY),
    previous_secret_sealed: sealSecret('old', KEY),
    previous_secret_expires_at: new Date('2026-12-04T10:00:00Z'),
  };

  it('signs with the previous secret too until it expires, 24 h after the rotation', () => {
    expect(signingSecrets(row, new Date('2026-12-04T09:59:59Z'), KEY)).toEqual(['new', 'old']);
    expect(signingSecrets(row, new Date('2026-12-04T10:00:00Z'), KEY)).toEqual(['new']);
    expect(signingSecrets({ ...row, previous_secret_sealed: null, previous_secret_expires_at: null }, new Date(0), KEY)).toEqual([
      'new',
    ]);
  });

  it('makes distinct secrets of 32 random bytes', () => {
    const a = newSigningSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(newSigningSecret()).not.toBe(a);
  });
});
