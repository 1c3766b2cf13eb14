import { describe, expect, it } from '@jest/globals';
import { parsePhoneNumberRegistration } from './phone-number.util';

const body = { wabaId: '2002', displayPhoneNumber: '+1 555 000 1111', accessToken: 'token', appSecret: 'secret' };

describe(parsePhoneNumberRegistration.name, () => {
  it('reads a registration, keeping the display number as digits and defaulting the rest', () => {
    const parsed = parsePhoneNumberRegistration('1001', body);
    expect(parsed.ok && parsed.value).toEqual({
      phoneNumberId: '1001',
      wabaId: '2002',
      displayPhoneNumber: '15550001111',
      verifiedName: 'Herald Simulator',
      accessToken: 'token',
      appSecret: 'secret',
      webhookUrl: null,
      messagesPerSecond: null,
      businessId: '2002',
      messagingLimit: 'TIER_UNLIMITED',
      marketingMessagesOnboarded: false,
    });
  });

  it('takes a business portfolio, a messaging limit and Marketing Messages onboarding', () => {
    const parsed = parsePhoneNumberRegistration('1001', {
      ...body,
      businessId: 'portfolio-7',
      messagingLimit: 'TIER_2K',
      marketingMessagesOnboarded: true,
    });
    expect(parsed.ok && parsed.value).toMatchObject({
      businessId: 'portfolio-7',
      messagingLimit: 'TIER_2K',
      marketingMessagesOnboarded: true,
    });
  });

  it('names a bad messaging limit, business id or onboarding flag', () => {
    const parsed = parsePhoneNumberRegistration('1001', {
      ...body,
      businessId: 'has space',
      messagingLimit: 'TIER_1K',
      marketingMessagesOnboarded: 'yes',
    });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems).toEqual([
      expect.stringContaining('businessId'),
      'messagingLimit: must be one of TIER_250, TIER_2K, TIER_10K, TIER_100K, TIER_UNLIMITED (got "TIER_1K")',
      'marketingMessagesOnboarded: must be true or false',
    ]);
  });

  it('takes a webhook URL and a throughput limit', () => {
    const parsed = parsePhoneNumberRegistration('1001', {
      ...body,
      webhookUrl: 'http://127.0.0.1:3000/webhooks/whatsapp',
      messagesPerSecond: 1000,
    });
    expect(parsed.ok && parsed.value).toMatchObject({
      webhookUrl: 'http://127.0.0.1:3000/webhooks/whatsapp',
      messagesPerSecond: 1000,
    });
  });

  it('lists every problem', () => {
    const parsed = parsePhoneNumberRegistration('1001', {
      wabaId: '2002',
      webhookUrl: 'ftp://x',
      messagesPerSecond: 0,
      extra: true,
    });
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.problems.sort()).toEqual([
      'accessToken: required',
      'appSecret: required',
      'displayPhoneNumber: required',
      'extra: unknown field',
      'messagesPerSecond: must be a whole number from 1 to 1000000',
      'webhookUrl: must be an http(s) URL',
    ]);
  });

  it('refuses an id in the body that differs from the one in the path', () => {
    expect(parsePhoneNumberRegistration('1001', { ...body, phoneNumberId: '9999' }).ok).toBe(false);
    expect(parsePhoneNumberRegistration(undefined, { ...body, phoneNumberId: '9999' }).ok).toBe(true);
  });
});
