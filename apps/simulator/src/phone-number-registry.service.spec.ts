import { describe, expect, it } from '@jest/globals';
import { parsePhoneNumberRegistration } from './phone-number.util';
import { PhoneNumberRegistry } from './phone-number-registry.service';
import type { PhoneNumberRegistration } from './simulator.types';

function phone(id: string, extra: Record<string, unknown>): PhoneNumberRegistration {
  const parsed = parsePhoneNumberRegistration(id, {
    wabaId: 'waba-1',
    displayPhoneNumber: '15550001111',
    accessToken: 't',
    appSecret: 's',
    ...extra,
  });
  if (!parsed.ok) throw new Error(parsed.problems.join('; '));
  return parsed.value;
}

describe(PhoneNumberRegistry.name, () => {
  it('gives a portfolio the highest messaging limit of its numbers, following registrations and removals', () => {
    const registry = new PhoneNumberRegistry(() => 80);
    const small = phone('1', { businessId: 'biz', messagingLimit: 'TIER_250' });
    registry.upsert(small);
    expect(registry.businessLimitOf(small)).toBe('TIER_250');
    registry.upsert(phone('2', { businessId: 'biz', messagingLimit: 'TIER_10K' }));
    registry.upsert(phone('3', { businessId: 'other', messagingLimit: 'TIER_2K' }));
    expect(registry.businessLimitOf(small)).toBe('TIER_10K');
    registry.delete('2');
    expect(registry.businessLimitOf(small)).toBe('TIER_250');
  });

  it('onboards a WABA to the Marketing Messages API when a number of it says so', () => {
    const registry = new PhoneNumberRegistry(() => 80);
    registry.upsert(phone('1', {}));
    expect(registry.isMarketingOnboarded('waba-1')).toBe(false);
    registry.upsert(phone('2', { marketingMessagesOnboarded: true }));
    expect(registry.isMarketingOnboarded('waba-1')).toBe(true);
    registry.clear();
    expect(registry.isMarketingOnboarded('waba-1')).toBe(false);
  });
});
