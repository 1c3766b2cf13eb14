import { createHash, timingSafeEqual } from 'node:crypto';

/** Constant-time string comparison (hashing first makes lengths equal and leaks nothing about them). */
export function secretsEqual(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
