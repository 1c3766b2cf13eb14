import { describe, expect, it } from '@jest/globals';
import { AT_UNIX, inboundEvent, SENDER, statusEvent } from './callback-format.fixtures';
import { renderEngagelab } from './engagelab.format';

/* eslint-disable @typescript-eslint/no-explicit-any -- bodies are read as the loose JSON a receiver parses */

const bodyOf = (r: ReturnType<typeof renderEngagelab>): Record<string, any> => {
  if ('skip' in r) throw new Error(`skipped: ${r.skip}`);
  return JSON.parse(r.body) as Record<string, any>;
};

describe('renderEngagelab', () => {
  it("is EngageLab's {total, rows} callback carrying message_id, request_id and custom_args as sent", () => {
    expect(bodyOf(renderEngagelab(statusEvent(), SENDER))).toEqual({
      total: 1,
      rows: [
        {
          message_id: '0b8f0f7e-8a4e-4c1e-9d8e-1f2a3b4c5d6e',
          request_id: 'order-1',
          from: '+15550100001',
          to: '+447400800001',
          server: 'whatsapp',
          channel: 'whatsapp',
          itime: AT_UNIX,
          custom_args: { orderId: 1, arg1: 'string val' },
          status: {
            message_status: 'delivered',
            status_data: { msg_time: AT_UNIX, channel_message_id: 'wamid.HBgMNDQ3NDAwODAwMDAxFQIAERgSQ0Q3' },
            error_code: 0,
          },
        },
      ],
    });
  });

  it('reports a failure with its code and message: sent_fail before WhatsApp took it, delivered_fail after', () => {
    const row = (data: Record<string, unknown>) => bodyOf(renderEngagelab(statusEvent(data), SENDER)).rows[0];
    const metaFailure = row({
      status: 'failed',
      error: { code: '131026', title: 'Message undeliverable', details: 'Unable to deliver message', docsUrl: null },
    });
    expect(metaFailure.status).toEqual({
      message_status: 'delivered_fail',
      status_data: { msg_time: AT_UNIX, channel_message_id: 'wamid.HBgMNDQ3NDAwODAwMDAxFQIAERgSQ0Q3' },
      error_code: 131026,
      error_detail: { message: 'Message undeliverable: Unable to deliver message' },
    });
    const refused = row({ status: 'skipped', skipReason: 'opted_out', providerMessageId: null });
    expect(refused.status).toMatchObject({ message_status: 'sent_fail', error_code: 131050 });
    expect(refused.status.error_detail.message).toContain('opted_out');
  });

  it('omits request_id when the send had none and keeps custom_args an object', () => {
    const row = bodyOf(renderEngagelab(statusEvent({ requestId: null, customArgs: {} }), SENDER)).rows[0];
    expect(row).not.toHaveProperty('request_id');
    expect(row.custom_args).toEqual({});
  });

  it("skips Herald's steps before the provider sent it, and other event types", () => {
    for (const status of ['queued', 'scheduled', 'accepted', 'held'])
      expect(renderEngagelab(statusEvent({ status }), SENDER)).toHaveProperty('skip');
    expect(renderEngagelab(inboundEvent(), SENDER)).toEqual({ skip: expect.stringContaining('message.inbound') });
  });
});
