import { describe, expect, it } from '@jest/globals';
import { defaultRuntimeConfig } from './simulator.config';
import { seededRandom } from './random.util';
import { isNotOnWhatsApp, planStatuses } from './status-plan.util';

const statuses = () => defaultRuntimeConfig().statuses;

describe(planStatuses.name, () => {
  it('plans sent, delivered and read in that order, each a latency step after the last', () => {
    const config = { ...statuses(), latencyMs: { min: 100, max: 100 }, deliveredProbability: 1, readProbability: 1 };
    expect(planStatuses('15551234567', config, seededRandom(1))).toEqual([
      { afterMs: 100, status: 'sent' },
      { afterMs: 200, status: 'delivered' },
      { afterMs: 300, status: 'read' },
    ]);
  });

  it('stops at sent or delivered according to the probabilities', () => {
    const never = { ...statuses(), deliveredProbability: 0 };
    expect(planStatuses('15551234567', never, seededRandom(1)).map((s) => s.status)).toEqual(['sent']);
    const unread = { ...statuses(), deliveredProbability: 1, readProbability: 0 };
    expect(planStatuses('15551234567', unread, seededRandom(1)).map((s) => s.status)).toEqual(['sent', 'delivered']);
  });

  it('delivers about the configured share', () => {
    const config = { ...statuses(), deliveredProbability: 0.7, readProbability: 0.5 };
    const random = seededRandom(42);
    let delivered = 0;
    let read = 0;
    for (let i = 0; i < 10_000; i++) {
      const plan = planStatuses(`1555${i}`, config, random).map((s) => s.status);
      if (plan.includes('delivered')) delivered += 1;
      if (plan.includes('read')) read += 1;
    }
    expect(delivered / 10_000).toBeCloseTo(0.7, 1);
    expect(read / delivered).toBeCloseTo(0.5, 1);
  });

  it('plans only failed when told the message fails, whoever the recipient', () => {
    const config = { ...statuses(), latencyMs: { min: 100, max: 100 } };
    expect(planStatuses('15551234567', config, seededRandom(1), true)).toEqual([{ afterMs: 100, status: 'failed' }]);
  });

  it('shifts every status of a held message by holdMs', () => {
    const config = { ...statuses(), latencyMs: { min: 100, max: 100 }, deliveredProbability: 1, readProbability: 1 };
    expect(planStatuses('15551234567', config, seededRandom(1), false, 2000)).toEqual([
      { afterMs: 2100, status: 'sent' },
      { afterMs: 2200, status: 'delivered' },
      { afterMs: 2300, status: 'read' },
    ]);
  });

  it('plans only failed for a number that is not on WhatsApp', () => {
    const config = { ...statuses(), notOnWhatsApp: { numbers: ['+1 555 000 0000'], share: 0 } };
    expect(planStatuses('15550000000', config, seededRandom(1)).map((s) => s.status)).toEqual(['failed']);
  });
});

describe(isNotOnWhatsApp.name, () => {
  it('matches listed numbers by their digits', () => {
    expect(isNotOnWhatsApp('15550000000', { numbers: ['+1 (555) 000-0000'], share: 0 })).toBe(true);
    expect(isNotOnWhatsApp('15550000001', { numbers: ['+1 (555) 000-0000'], share: 0 })).toBe(false);
  });

  it('picks about the configured share, and the same numbers every time', () => {
    const config = { numbers: [], share: 0.1 };
    const picked = Array.from({ length: 20_000 }, (_, i) => `4477${String(i).padStart(8, '0')}`).filter((n) =>
      isNotOnWhatsApp(n, config),
    );
    expect(picked.length / 20_000).toBeCloseTo(0.1, 1);
    const again = picked.filter((n) => isNotOnWhatsApp(n, { numbers: [], share: 0.1 }));
    expect(again).toEqual(picked);
  });

  it('keeps the numbers picked at a smaller share when the share grows', () => {
    const numbers = Array.from({ length: 5000 }, (_, i) => `49151${String(i).padStart(7, '0')}`);
    const small = numbers.filter((n) => isNotOnWhatsApp(n, { numbers: [], share: 0.05 }));
    const large = new Set(numbers.filter((n) => isNotOnWhatsApp(n, { numbers: [], share: 0.2 })));
    expect(small.every((n) => large.has(n))).toBe(true);
  });
});
