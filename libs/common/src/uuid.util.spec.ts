import { describe, expect, it } from '@jest/globals';
import { isUuid } from './uuid.util';

describe('isUuid', () => {
  it('takes uuids in either case and nothing else', () => {
    expect(isUuid('5b0e6a0e-3f0c-4a8e-9d53-2f6f1f3c2a10')).toBe(true);
    expect(isUuid('5B0E6A0E-3F0C-4A8E-9D53-2F6F1F3C2A10')).toBe(true);
    expect(isUuid('------------------------------------')).toBe(false);
    expect(isUuid('5b0e6a0e-3f0c-4a8e-9d53-2f6f1f3c2a1')).toBe(false);
    expect(isUuid("5b0e6a0e-3f0c-4a8e-9d53-2f6f1f3c2a10' OR 1=1")).toBe(false);
    expect(isUuid(42)).toBe(false);
  });
});
