import { describe, expect, it } from '@jest/globals';
import { digitsOf, isPicked } from './recipient-pick.util';

const numbers = Array.from({ length: 20_000 }, (_, i) => `4477${String(i).padStart(8, '0')}`);

describe(isPicked.name, () => {
  it('picks listed numbers by their digits', () => {
    expect(isPicked('15550000000', { numbers: ['+1 (555) 000-0000'], share: 0 }, 'rule')).toBe(true);
    expect(isPicked('15550000001', { numbers: ['+1 (555) 000-0000'], share: 0 }, 'rule')).toBe(false);
  });

  it('picks about the share, the same numbers every time, and rules with other salts independently', () => {
    const capped = numbers.filter((n) => isPicked(n, { numbers: [], share: 0.1 }, 'marketing-capped'));
    expect(capped.length / numbers.length).toBeCloseTo(0.1, 1);
    expect(numbers.filter((n) => isPicked(n, { numbers: [], share: 0.1 }, 'marketing-capped'))).toEqual(capped);
    const stopped = new Set(numbers.filter((n) => isPicked(n, { numbers: [], share: 0.1 }, 'marketing-stopped')));
    const both = capped.filter((n) => stopped.has(n)).length;
    expect(both / numbers.length).toBeCloseTo(0.01, 2);
  });

  it('picks everyone at share 1 and no one at share 0', () => {
    expect(numbers.every((n) => isPicked(n, { numbers: [], share: 1 }, 'r'))).toBe(true);
    expect(numbers.some((n) => isPicked(n, { numbers: [], share: 0 }, 'r'))).toBe(false);
  });
});

describe(digitsOf.name, () => {
  it('keeps only digits', () => {
    expect(digitsOf('+1 (555) 000-1234')).toBe('15550001234');
  });
});
