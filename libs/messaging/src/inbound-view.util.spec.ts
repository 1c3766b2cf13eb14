import { describe, expect, it } from '@jest/globals';
import { inboundColumns, toInboundView, type InboundMessageRow } from './inbound-view.util';

const BASE = {
  providerMessageId: 'wamid.IN',
  from: '447400810001',
  timestamp: new Date('2026-12-03T10:00:00Z'),
  phoneNumberId: '1001',
};

const row = (over: Partial<InboundMessageRow>): InboundMessageRow => ({
  id: '7c1d1f2e-5a7b-4d0e-9a1c-3b2f4e6d8a90',
  workspace_id: 'ws',
  channel_id: 'ch',
  provider_message_id: 'wamid.IN',
  from_number: '+447400810001',
  contact_id: '7',
  type: 'text',
  text: null,
  payload: null,
  profile_name: null,
  media: null,
  location: null,
  reaction: null,
  content: null,
  context_provider_message_id: null,
  reply_to_message_id: null,
  received_at: new Date('2026-12-03T10:00:00Z'),
  created_at: new Date('2026-12-03T10:00:01Z'),
  ...over,
});

describe(inboundColumns.name, () => {
  it('splits what a message carried into media, location, reaction and the rest', () => {
    expect(inboundColumns({ ...BASE, type: 'document', media: { id: '9', mimeType: 'application/pdf', filename: 'a.pdf' }, profileName: 'Ada' })).toEqual({
      media: { id: '9', mimeType: 'application/pdf', sha256: null, caption: null, filename: 'a.pdf' },
      location: null,
      reaction: null,
      content: null,
      profileName: 'Ada',
      context: null,
    });
    const reacted = inboundColumns({ ...BASE, type: 'reaction', reaction: { messageId: 'wamid.OURS' } });
    expect([reacted.reaction, reacted.context]).toEqual([{ messageId: 'wamid.OURS', emoji: null }, 'wamid.OURS']);
    const cards = inboundColumns({ ...BASE, type: 'contacts', contacts: [{ name: 'Cy', phones: [], emails: [] }], contextMessageId: 'wamid.Q' });
    expect([cards.content, cards.context]).toEqual([{ contacts: [{ name: 'Cy', phones: [], emails: [] }] }, 'wamid.Q']);
    expect(inboundColumns({ ...BASE, type: 'location', location: { latitude: 1, longitude: 2 } }).location).toEqual({ latitude: 1, longitude: 2, name: null, address: null, url: null });
  });
});

describe(toInboundView.name, () => {
  it('shows the media with its download URL, the reply target and the content by kind', () => {
    const view = toInboundView(
      row({
        type: 'image',
        media: { id: '9', mimeType: 'image/png', sha256: 's', caption: 'c', filename: null },
        content: { interactive: { type: 'button_reply', id: 'y', title: 'Yes' } },
        context_provider_message_id: 'wamid.OURS',
        reply_to_message_id: '0b8f0f7e-8a4e-4c1e-9d8e-1f2a3b4c5d6e',
      }),
      { mediaUrl: (r) => `https://h/v1/inbound-messages/${r.id}/media?token=t` },
    );
    expect(view).toMatchObject({
      media: { id: '9', downloadUrl: 'https://h/v1/inbound-messages/7c1d1f2e-5a7b-4d0e-9a1c-3b2f4e6d8a90/media?token=t' },
      interactive: { type: 'button_reply', id: 'y', title: 'Yes' },
      contacts: null,
      replyTo: { messageId: '0b8f0f7e-8a4e-4c1e-9d8e-1f2a3b4c5d6e', providerMessageId: 'wamid.OURS' },
    });
  });

  it('has no download URL without a signer, and no replyTo without a context', () => {
    const view = toInboundView(row({ media: { id: '9', mimeType: null, sha256: null, caption: null, filename: null } }));
    expect([view.media?.downloadUrl, view.replyTo]).toEqual([null, null]);
  });
});
