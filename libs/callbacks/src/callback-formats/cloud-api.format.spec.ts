import { describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { AT_UNIX, inboundEvent, SENDER, statusEvent } from './callback-format.fixtures';
import { cloudApiSignature, renderCloudApi } from './cloud-api.format';

/* eslint-disable @typescript-eslint/no-explicit-any -- bodies are read as the loose JSON a receiver parses */

const bodyOf = (r: ReturnType<typeof renderCloudApi>): Record<string, any> => {
  if ('skip' in r) throw new Error(`skipped: ${r.skip}`);
  return JSON.parse(r.body) as Record<string, any>;
};

describe('renderCloudApi: message.status', () => {
  it("is Meta's webhook envelope with one status naming Herald's message id", () => {
    const body = bodyOf(renderCloudApi(statusEvent(), SENDER));
    expect(body).toEqual({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '102290129340398',
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '15550100001', phone_number_id: '106540352242922' },
                statuses: [
                  {
                    id: '0b8f0f7e-8a4e-4c1e-9d8e-1f2a3b4c5d6e',
                    status: 'delivered',
                    timestamp: String(AT_UNIX),
                    recipient_id: '447400800001',
                  },
                ],
              },
            },
          ],
        },
      ],
    });
  });

  it('keeps sent, delivered, read and failed; echoes biz_opaque_callback_data from the send', () => {
    for (const status of ['sent', 'delivered', 'read'])
      expect(bodyOf(renderCloudApi(statusEvent({ status }), SENDER)).entry[0].changes[0].value.statuses[0].status).toBe(status);
    const item = bodyOf(
      renderCloudApi(statusEvent({ status: 'read', customArgs: { biz_opaque_callback_data: 'cart-77' } }), SENDER),
    ).entry[0].changes[0].value.statuses[0];
    expect(item.biz_opaque_callback_data).toBe('cart-77');
  });

  it("passes Meta's failure through with its numeric code", () => {
    const item = bodyOf(
      renderCloudApi(
        statusEvent({
          status: 'failed',
          error: {
            code: '131049',
            title: 'This message was not delivered to maintain healthy ecosystem engagement.',
            details: 'In order to maintain a healthy ecosystem engagement, the message failed to be delivered.',
            docsUrl: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/',
          },
        }),
        SENDER,
      ),
    ).entry[0].changes[0].value.statuses[0];
    expect(item.status).toBe('failed');
    expect(item.errors).toEqual([
      {
        code: 131049,
        title: 'This message was not delivered to maintain healthy ecosystem engagement.',
        message: 'This message was not delivered to maintain healthy ecosystem engagement.',
        error_data: { details: 'In order to maintain a healthy ecosystem engagement, the message failed to be delivered.' },
        href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/',
      },
    ]);
  });

  it("maps Herald's own refusals onto Meta codes of the same meaning, the rest onto 131000", () => {
    const errorOf = (data: Record<string, unknown>) =>
      bodyOf(renderCloudApi(statusEvent(data), SENDER)).entry[0].changes[0].value.statuses[0];
    expect(errorOf({ status: 'skipped', skipReason: 'opted_out' })).toMatchObject({ status: 'failed', errors: [{ code: 131050 }] });
    expect(errorOf({ status: 'skipped', skipReason: 'not_on_whatsapp' }).errors[0].code).toBe(131026);
    expect(
      errorOf({ status: 'failed', providerMessageId: null, error: { code: 'outside_service_window', title: 'Outside the 24 h window', details: 'x', docsUrl: null } })
        .errors[0],
    ).toMatchObject({ code: 131047, error_data: { details: expect.stringContaining('outside_service_window') } });
    const expired = errorOf({ status: 'expired' });
    expect(expired.status).toBe('failed');
    expect(expired.errors[0]).toMatchObject({ code: 131000, error_data: { details: expect.stringContaining('validity') } });
    expect(errorOf({ status: 'cancelled' }).errors[0].code).toBe(131000);
  });

  it('skips the statuses Meta does not have', () => {
    for (const status of ['queued', 'scheduled', 'accepted', 'held']) {
      const r = renderCloudApi(statusEvent({ status }), SENDER);
      expect(r).toEqual({ skip: expect.stringContaining(`"${status}"`) });
    }
  });

  it('leaves the number empty for a channel that is gone, and skips a non-WhatsApp channel', () => {
    const value = bodyOf(renderCloudApi(statusEvent(), null)).entry[0].changes[0].value;
    expect(value.metadata).toEqual({ display_phone_number: '', phone_number_id: '' });
    expect(renderCloudApi(statusEvent(), { ...SENDER, kind: 'telegram' })).toEqual({ skip: expect.stringContaining('telegram') });
  });

  it('skips event types Meta has no webhook for', () => {
    expect(renderCloudApi({ ...statusEvent(), type: 'run.status' }, SENDER)).toEqual({ skip: expect.stringContaining('run.status') });
  });
});

describe('renderCloudApi: message.inbound', () => {
  it('is messages[] and contacts[] with the context naming the message it answers by Herald id', () => {
    const value = bodyOf(renderCloudApi(inboundEvent(), SENDER)).entry[0].changes[0].value;
    expect(value.contacts).toEqual([{ profile: { name: 'Ada' }, wa_id: '447400800001' }]);
    expect(value.messages).toEqual([
      {
        from: '447400800001',
        id: 'wamid.HBgMNDQ3NDAwODAwMDAxFQIAEhgUM0VCMEM2',
        timestamp: '1796322300',
        type: 'text',
        context: { from: '15550100001', id: '0b8f0f7e-8a4e-4c1e-9d8e-1f2a3b4c5d6e' },
        text: { body: 'Yes please' },
      },
    ]);
  });

  it('renders buttons, interactive replies, media, locations and reactions in Meta words', () => {
    const message = (data: Record<string, unknown>) =>
      bodyOf(renderCloudApi(inboundEvent({ replyTo: null, ...data }), SENDER)).entry[0].changes[0].value.messages[0];
    expect(message({ type: 'button', text: 'Stop', button: { payload: 'STOP', text: 'Stop' } }).button).toEqual({
      payload: 'STOP',
      text: 'Stop',
    });
    expect(message({ type: 'interactive', interactive: { type: 'list_reply', id: 'r1', title: 'Red', description: 'A red one' } }).interactive).toEqual({
      type: 'list_reply',
      list_reply: { id: 'r1', title: 'Red', description: 'A red one' },
    });
    expect(
      message({ type: 'image', media: { id: '1234567890', mimeType: 'image/jpeg', sha256: 'abc=', caption: 'Receipt', filename: null } }).image,
    ).toEqual({ id: '1234567890', mime_type: 'image/jpeg', sha256: 'abc=', caption: 'Receipt' });
    expect(message({ type: 'location', location: { latitude: 51.5, longitude: -0.12, name: 'Office', address: null, url: null } }).location).toEqual({
      latitude: 51.5,
      longitude: -0.12,
      name: 'Office',
    });
    const reaction = message({
      type: 'reaction',
      reaction: { messageId: 'wamid.X', emoji: '👍' },
      replyTo: { messageId: '0b8f0f7e-8a4e-4c1e-9d8e-1f2a3b4c5d6e', providerMessageId: 'wamid.X' },
    });
    expect(reaction.reaction).toEqual({ message_id: '0b8f0f7e-8a4e-4c1e-9d8e-1f2a3b4c5d6e', emoji: '👍' });
    expect(reaction.context).toBeUndefined();
  });
});

describe('cloudApiSignature', () => {
  it("is Meta's X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>", () => {
    const body = '{"object":"whatsapp_business_account","entry":[]}';
    expect(cloudApiSignature('whsec_k', body)).toBe(`sha256=${createHmac('sha256', 'whsec_k').update(body).digest('hex')}`);
  });
});
