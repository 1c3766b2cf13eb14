import { describe, expect, it } from '@jest/globals';
import { createHash, createHmac } from 'node:crypto';
import { birdSignature, renderBird } from './bird.format';
import { inboundEvent, SENDER, statusEvent } from './callback-format.fixtures';

/* eslint-disable @typescript-eslint/no-explicit-any -- bodies are read as the loose JSON a receiver parses */

const bodyOf = (r: ReturnType<typeof renderBird>): Record<string, any> => {
  if ('skip' in r) throw new Error(`skipped: ${r.skip}`);
  return JSON.parse(r.body) as Record<string, any>;
};

describe('renderBird', () => {
  it("is Bird's whatsapp.outbound event: the message with Herald's id, channelId, status, tags and times", () => {
    expect(bodyOf(renderBird(statusEvent(), SENDER))).toEqual({
      service: 'channels',
      event: 'whatsapp.outbound',
      payload: {
        id: '0b8f0f7e-8a4e-4c1e-9d8e-1f2a3b4c5d6e',
        channelId: '5d1c6f3a-7b2e-4c1d-8e9f-0a1b2c3d4e5f',
        sender: { connector: { id: '5d1c6f3a-7b2e-4c1d-8e9f-0a1b2c3d4e5f', identifierValue: '+15550100001' } },
        receiver: { contacts: [{ identifierKey: 'phonenumber', identifierValue: '+447400800001' }] },
        reference: 'order-1',
        parts: [{ platformReference: 'wamid.HBgMNDQ3NDAwODAwMDAxFQIAERgSQ0Q3' }],
        status: 'delivered',
        direction: 'outgoing',
        tags: ['orders'],
        lastStatusAt: '2026-12-03T18:20:11.000Z',
        createdAt: '2026-12-03T18:20:11.000Z',
        updatedAt: '2026-12-03T18:20:11.000Z',
      },
    });
  });

  it("maps Herald's statuses onto Bird's, with the reason of a failure", () => {
    const payload = (data: Record<string, unknown>) => bodyOf(renderBird(statusEvent(data), SENDER)).payload;
    expect(payload({ status: 'queued' }).status).toBe('accepted');
    expect(payload({ status: 'scheduled' }).status).toBe('scheduled');
    expect(payload({ status: 'accepted' }).status).toBe('processing');
    expect(payload({ status: 'sent' }).status).toBe('sent');
    expect(payload({ status: 'cancelled' }).status).toBe('deleted');
    expect(payload({ status: 'skipped', skipReason: 'frequency_cap' })).toMatchObject({ status: 'skipped', reason: 'frequency_cap' });
    const failed = payload({
      status: 'failed',
      error: { code: '131026', title: 'Message undeliverable', details: 'Unable to deliver message', docsUrl: null },
    });
    expect(failed).toMatchObject({ status: 'delivery_failed', reason: 'Message undeliverable', details: '131026: Unable to deliver message' });
    expect(payload({ status: 'failed', providerMessageId: null, error: { code: 'unreachable', title: 'x', details: 'y', docsUrl: null } }).status).toBe(
      'sending_failed',
    );
  });

  it('reports a read as an opened interaction of the message', () => {
    const body = bodyOf(renderBird(statusEvent({ status: 'read' }), SENDER));
    expect(body.event).toBe('whatsapp.interaction');
    expect(body.payload).toMatchObject({ messageId: '0b8f0f7e-8a4e-4c1e-9d8e-1f2a3b4c5d6e', type: 'opened', channelId: '5d1c6f3a-7b2e-4c1d-8e9f-0a1b2c3d4e5f' });
  });

  it('renders an inbound message as whatsapp.inbound from the contact', () => {
    const body = bodyOf(renderBird(inboundEvent(), SENDER));
    expect(body.event).toBe('whatsapp.inbound');
    expect(body.payload).toMatchObject({
      id: 'a7c1e2d3-4b5f-4a6b-9c8d-7e6f5a4b3c2d',
      direction: 'incoming',
      status: 'delivered',
      sender: { contact: { identifierKey: 'phonenumber', identifierValue: '+447400800001', annotations: { name: 'Ada' } } },
      body: { type: 'text', text: { text: 'Yes please' } },
      replyTo: { id: '0b8f0f7e-8a4e-4c1e-9d8e-1f2a3b4c5d6e', type: 'message' },
    });
  });

  it('skips event types Bird has no webhook for', () => {
    expect(renderBird({ ...statusEvent(), type: 'import.status' }, SENDER)).toHaveProperty('skip');
  });
});

describe('birdSignature', () => {
  it("is Bird's: base64 HMAC-SHA256 of \"<timestamp>\\n<url>\\n<raw sha256 of the body>\" under the signing key", () => {
    const body = '{"service":"channels","event":"whatsapp.outbound","payload":{}}';
    const url = 'https://hooks.example.com/bird';
    const expected = createHmac('sha256', 'secureSigningKey')
      .update(Buffer.concat([Buffer.from(`1719823259\n${url}\n`), createHash('sha256').update(body).digest()]))
      .digest('base64');
    expect(birdSignature('secureSigningKey', 1719823259, url, body)).toBe(expected);
    // Bird's published verifier (latin1 strings joined by "\n") agrees.
    const latin1 = ['1719823259', url, createHash('sha256').update(body).digest().toString('latin1')].join('\n');
    expect(createHmac('sha256', Buffer.from('secureSigningKey', 'latin1')).update(Buffer.from(latin1, 'latin1')).digest('base64')).toBe(expected);
  });
});
