import { describe, expect, it } from '@jest/globals';
import { inboundMessage, parseInboundRequest } from './inbound-message.util';
import type { StoredMedia } from './media-store.service';
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

function build(body: unknown, media?: StoredMedia) {
  const parsed = parseInboundRequest(body);
  if (!parsed.ok) throw new Error(parsed.problems.join('; '));
  return inboundMessage(parsed.value, phone, 'wamid.IN', 1_700_000_000_000, media);
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
      'give exactly one of text, button, buttonReply, listReply, image, video, audio, document, sticker, location, contacts, reaction',
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

  it('builds media messages from the stored file: caption, filename, mime type, sha256, id', () => {
    const parsed = parseInboundRequest({ phoneNumberId: '1001', from: '+15551234567', document: { filename: 'inv.pdf', caption: 'Invoice', sizeBytes: 10 } });
    if (!parsed.ok) throw new Error(parsed.problems.join('; '));
    expect(parsed.value.content).toMatchObject({ type: 'media', kind: 'document', mimeType: 'application/pdf', filename: 'inv.pdf' });
    expect((parsed.value.content as { bytes: Buffer }).bytes).toHaveLength(10);
    const stored: StoredMedia = { id: '1234567890123456', phoneNumberId: '1001', wabaId: '2002', mimeType: 'application/pdf', sha256: 'c2hh', bytes: Buffer.alloc(10) };
    expect(inboundMessage(parsed.value, phone, 'wamid.IN', 1_700_000_000_000, stored)).toEqual({
      from: '15551234567',
      id: 'wamid.IN',
      timestamp: '1700000000',
      type: 'document',
      document: { caption: 'Invoice', filename: 'inv.pdf', mime_type: 'application/pdf', sha256: 'c2hh', id: '1234567890123456' },
    });
    expect(build({ phoneNumberId: '1001', from: '+15551234567', audio: { voice: true } }, { ...stored, mimeType: 'audio/ogg' })).toMatchObject({
      type: 'audio',
      audio: { mime_type: 'audio/ogg', voice: true, id: '1234567890123456' },
    });
  });

  it('builds location, contacts and reaction messages', () => {
    expect(build({ phoneNumberId: '1001', from: '+15551234567', location: { latitude: 52.52, longitude: 13.405, name: 'Alexanderplatz' } })).toMatchObject({
      type: 'location',
      location: { latitude: 52.52, longitude: 13.405, name: 'Alexanderplatz' },
    });
    const cards = [{ name: { formatted_name: 'Ann Lee' }, phones: [{ phone: '+1 555 000 1111', wa_id: '15550001111' }] }];
    expect(build({ phoneNumberId: '1001', from: '+15551234567', contacts: cards })).toMatchObject({ type: 'contacts', contacts: cards });
    expect(build({ phoneNumberId: '1001', from: '+15551234567', reaction: { messageId: 'wamid.OURS', emoji: 'ok' } })).toMatchObject({
      type: 'reaction',
      reaction: { message_id: 'wamid.OURS', emoji: 'ok' },
    });
    expect(build({ phoneNumberId: '1001', from: '+15551234567', reaction: { messageId: 'wamid.OURS' } }).reaction).toEqual({ message_id: 'wamid.OURS' });
  });

  it('refuses bad media, location, contacts and reactions, naming each problem', () => {
    const problems = (body: object) => {
      const parsed = parseInboundRequest({ phoneNumberId: '1001', from: '+15551234567', ...body });
      return parsed.ok ? [] : parsed.problems;
    };
    expect(problems({ sticker: { caption: 'no' } })).toEqual(['sticker.caption: a sticker has no caption']);
    expect(problems({ image: { data: 'not base64!', filename: 'x.jpg' } })).toEqual([
      'image.filename: only a document has one (1–240 characters)',
      "image.data: must be the file's bytes in base64",
    ]);
    expect(problems({ video: { sizeBytes: 0 } })).toEqual([expect.stringContaining('video.sizeBytes')]);
    expect(problems({ location: { latitude: 91, longitude: 0 } })).toEqual([expect.stringContaining('location: must be')]);
    expect(problems({ contacts: [] })).toEqual([expect.stringContaining('contacts: must be')]);
    expect(problems({ reaction: { emoji: 'x' } })).toEqual([expect.stringContaining('reaction: must be')]);
    expect(problems({ text: 'hi', image: {} })).toEqual([expect.stringContaining('give exactly one of text, button')]);
  });
});
