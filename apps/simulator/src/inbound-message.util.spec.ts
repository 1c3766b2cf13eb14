import { describe, expect, it } from '@jest/globals';
import { inboundMessage, parseInboundRequest } from './inbound-message.util';
import type { PhoneNumberRegistration } from './simulator.types';

const phone: PhoneNumberRegistration = {
  phoneNumberId: '1001',
  wabaId: '2002',
  displayPhoneNumber: '15550001111',
  verifiedName: 'Acme',
  accessToken: 't',
  appSecret: 's',
  webhookUrl: 'http://127.0.0.1:1/hook',
  messagesPerSecond: null,
  businessId: '2002',
  messagingLimit: 'TIER_UNLIMITED',
  marketingMessagesOnboarded: false,
};

function build(body: unknown) {
  const parsed = parseInboundRequest(body);
  if (!parsed.ok) throw new Error(parsed.problems.join('; '));
  return inboundMessage(parsed.value, phone, 'wamid.IN', 1_700_000_000_000);
}

describe(parseInboundRequest.name, () => {
  it('builds a text message from the user', () => {
    expect(build({ phoneNumberId: '1001', from: '+1 555 123 4567', text: 'STOP' })).toEqual({
      from: '15551234567',
      id: 'wamid.IN',
      timestamp: '1700000000',
      type: 'text',
      text: { body: 'STOP' },
    });
  });

  it('builds a quick-reply button tap answering a template message', () => {
    expect(
      build({
        phoneNumberId: '1001',
        from: '+15551234567',
        button: { payload: 'STOP_PROMOS', text: 'Stop' },
        contextMessageId: 'wamid.OUT',
      }),
    ).toMatchObject({
      context: { from: '15550001111', id: 'wamid.OUT' },
      type: 'button',
      button: { payload: 'STOP_PROMOS', text: 'Stop' },
    });
  });

  it('builds interactive button and list replies', () => {
    expect(build({ phoneNumberId: '1001', from: '+15551234567', buttonReply: { id: 'yes', title: 'Yes' } })).toMatchObject({
      type: 'interactive',
      interactive: { type: 'button_reply', button_reply: { id: 'yes', title: 'Yes' } },
    });
    expect(build({ phoneNumberId: '1001', from: '+15551234567', listReply: { id: 'r1', title: 'Row' } })).toMatchObject({
      interactive: { type: 'list_reply', list_reply: { id: 'r1', title: 'Row' } },
    });
  });

  it('needs exactly one kind of content, a sender, and a context for template button taps', () => {
    const problems = (body: unknown) => {
      const parsed = parseInboundRequest(body);
      return parsed.ok ? [] : parsed.problems;
    };
    expect(problems({ phoneNumberId: '1001', from: '+15551234567' })).toEqual([
      'give exactly one of text, button, buttonReply, listReply',
    ]);
    expect(
      problems({ phoneNumberId: '1001', from: '+15551234567', text: 'a', buttonReply: { id: 'a', title: 'b' } }),
    ).toHaveLength(1);
    expect(problems({ phoneNumberId: '1001', text: 'a' })[0]).toContain('from');
    expect(problems({ phoneNumberId: '1001', from: '+15551234567', button: { payload: 'p', text: 't' } })[0]).toContain(
      'contextMessageId',
    );
    expect(problems({ phoneNumberId: '1001', from: '+15551234567', text: 'a', colour: 'red' })).toEqual([
      'colour: unknown field',
    ]);
  });
});
