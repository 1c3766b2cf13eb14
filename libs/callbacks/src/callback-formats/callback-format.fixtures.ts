import type { CallbackEnvelope, SenderFacts } from './callback-format.types';

/** Realistic events for the format specs: exactly what the outbox stores (docs/CALLBACKS.md, event payloads). */
export const SENDER: SenderFacts = {
  kind: 'whatsapp',
  phoneNumberId: '106540352242922',
  displayPhoneNumber: '+1 555-010-0001',
  wabaId: '102290129340398',
};

export function statusEvent(data: Record<string, unknown> = {}): CallbackEnvelope {
  return {
    id: '8d4f0a52-1c6e-4f0b-b0a4-7f3e1c9d2b11',
    type: 'message.status',
    createdAt: '2026-12-03T18:20:11.000Z',
    workspaceId: '2b0c1c4e-0d1f-4f60-9a8e-52b1d2b0c111',
    data: {
      messageId: '0b8f0f7e-8a4e-4c1e-9d8e-1f2a3b4c5d6e',
      status: 'delivered',
      at: '2026-12-03T18:20:11.000Z',
      to: '+447400800001',
      channelId: '5d1c6f3a-7b2e-4c1d-8e9f-0a1b2c3d4e5f',
      providerMessageId: 'wamid.HBgMNDQ3NDAwODAwMDAxFQIAERgSQ0Q3',
      requestId: 'order-1',
      customArgs: { orderId: 1, arg1: 'string val' },
      tags: ['orders'],
      campaignId: null,
      blastId: null,
      runId: null,
      skipReason: null,
      error: null,
      ...data,
    },
  };
}

export function inboundEvent(data: Record<string, unknown> = {}): CallbackEnvelope {
  return {
    id: '1f0e9d8c-7b6a-4543-8210-fedcba987654',
    type: 'message.inbound',
    createdAt: '2026-12-03T18:25:00.000Z',
    workspaceId: '2b0c1c4e-0d1f-4f60-9a8e-52b1d2b0c111',
    data: {
      id: 'a7c1e2d3-4b5f-4a6b-9c8d-7e6f5a4b3c2d',
      channelId: '5d1c6f3a-7b2e-4c1d-8e9f-0a1b2c3d4e5f',
      contactId: 'c0ffee00-1111-4222-8333-444455556666',
      from: '+447400800001',
      profileName: 'Ada',
      type: 'text',
      text: 'Yes please',
      payload: null,
      media: null,
      location: null,
      contacts: null,
      reaction: null,
      interactive: null,
      button: null,
      errors: null,
      replyTo: { messageId: '0b8f0f7e-8a4e-4c1e-9d8e-1f2a3b4c5d6e', providerMessageId: 'wamid.HBgMNDQ3NDAwODAwMDAxFQIAERgSQ0Q3' },
      providerMessageId: 'wamid.HBgMNDQ3NDAwODAwMDAxFQIAEhgUM0VCMEM2',
      receivedAt: '2026-12-03T18:25:00.000Z',
      createdAt: '2026-12-03T18:25:00.100Z',
      ...data,
    },
  };
}

/** 2026-12-03T18:20:11Z in unix seconds. */
export const AT_UNIX = 1_796_322_011;
