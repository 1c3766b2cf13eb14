import { createHmac } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import type { AcceptedMessage, PhoneNumberRegistration, StoredTemplate } from './simulator.types';
import {
  inboundEnvelope,
  signatureOf,
  statusesEnvelope,
  statusItem,
  templateStatusEnvelope,
  webhookError,
} from './webhook-payload.util';

const phone: PhoneNumberRegistration = {
  phoneNumberId: '1001',
  wabaId: '2002',
  displayPhoneNumber: '15550001111',
  verifiedName: 'Acme',
  accessToken: 't',
  appSecret: 's3cret',
  webhookUrl: 'http://127.0.0.1:1/hook',
  messagesPerSecond: null,
  businessId: '2002',
  messagingLimit: 'TIER_UNLIMITED',
  marketingMessagesOnboarded: false,
};
const message: AcceptedMessage = {
  wamid: 'wamid.ABC',
  phoneNumberId: '1001',
  recipientId: '15551234567',
  callbackData: 'run:7',
  pricingCategory: 'marketing',
};

describe(signatureOf.name, () => {
  it('is sha256= and the hex HMAC-SHA256 of the exact body with the app secret', () => {
    const body = '{"a":1}';
    expect(signatureOf(body, 'k')).toBe(`sha256=${createHmac('sha256', 'k').update(body).digest('hex')}`);
    expect(signatureOf(Buffer.from(body), 'k')).toBe(signatureOf(body, 'k'));
    expect(signatureOf(body, 'other')).not.toBe(signatureOf(body, 'k'));
  });
});

describe(statusItem.name, () => {
  it('shapes a delivered status with the callback data echoed and per-message pricing', () => {
    expect(statusItem(message, 'delivered', 1_700_000_000_999, true)).toEqual({
      id: 'wamid.ABC',
      status: 'delivered',
      timestamp: '1700000000',
      recipient_id: '15551234567',
      biz_opaque_callback_data: 'run:7',
      pricing: { billable: true, pricing_model: 'PMP', type: 'regular', category: 'marketing' },
    });
  });

  it('gives a failed status the 131026 error and no pricing', () => {
    const item = statusItem({ ...message, callbackData: undefined }, 'failed', 0, true);
    expect(item.pricing).toBeUndefined();
    expect(item.biz_opaque_callback_data).toBeUndefined();
    expect(item.errors?.[0]).toMatchObject({ code: 131026, title: 'Message undeliverable' });
  });
});

describe(webhookError.name, () => {
  it("gives a failed status the failure's code, Meta's title as title and message, and details", () => {
    const item = statusItem({ ...message, failureCode: 131047 }, 'failed', 0, true);
    expect(item.errors).toEqual([
      {
        code: 131047,
        title: 'Re-engagement message',
        message: 'Re-engagement message',
        error_data: {
          details:
            'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
        },
        href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/',
      },
    ]);
    expect(webhookError(130472)).toMatchObject({ code: 130472, title: "User's number is part of an experiment" });
    expect(webhookError(131050).error_data.details).toContain('stop receiving marketing messages');
  });

  it('prices a free customer-service message as not billable', () => {
    const item = statusItem(
      { ...message, pricingCategory: 'service', billable: false, pricingType: 'free_customer_service' },
      'sent',
      0,
      true,
    );
    expect(item.pricing).toEqual({ billable: false, pricing_model: 'PMP', type: 'free_customer_service', category: 'service' });
  });
});

describe(statusesEnvelope.name, () => {
  it("wraps statuses in Meta's messages envelope for the phone number", () => {
    const envelope = statusesEnvelope(phone, [statusItem(message, 'sent', 0, false)]);
    expect(envelope).toEqual({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '2002',
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '15550001111', phone_number_id: '1001' },
                statuses: [
                  {
                    id: 'wamid.ABC',
                    status: 'sent',
                    timestamp: '0',
                    recipient_id: '15551234567',
                    biz_opaque_callback_data: 'run:7',
                  },
                ],
              },
            },
          ],
        },
      ],
    });
  });
});

describe(inboundEnvelope.name, () => {
  it('carries the contact profile and the message', () => {
    const envelope = inboundEnvelope(phone, { name: 'Ada', waId: '15551234567' }, { id: 'wamid.IN', type: 'text' });
    const value = envelope.entry[0]?.changes[0]?.value as Record<string, unknown>;
    expect(value.contacts).toEqual([{ profile: { name: 'Ada' }, wa_id: '15551234567' }]);
    expect(value.messages).toEqual([{ id: 'wamid.IN', type: 'text' }]);
  });
});

describe(templateStatusEnvelope.name, () => {
  it('reports the event, the template and the reason', () => {
    const template: StoredTemplate = {
      id: '100000000000123',
      wabaId: '2002',
      name: 'spring_sale',
      language: 'en_US',
      category: 'MARKETING',
      status: 'REJECTED',
      parameterFormat: 'POSITIONAL',
      components: [],
      rejectedReason: 'INCORRECT_CATEGORY',
      qualityScore: 'UNKNOWN',
      qualityScoreAt: 0,
    };
    const change = templateStatusEnvelope(template, 5000).entry[0]?.changes[0];
    expect(change).toEqual({
      field: 'message_template_status_update',
      value: {
        event: 'REJECTED',
        message_template_id: 100000000000123,
        message_template_name: 'spring_sale',
        message_template_language: 'en_US',
        reason: 'INCORRECT_CATEGORY',
        message_template_category: 'MARKETING',
      },
    });
  });
});
