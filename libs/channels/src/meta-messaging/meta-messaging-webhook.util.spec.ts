import { describe, expect, it } from '@jest/globals';
import { parseMetaMessagingWebhook } from './meta-messaging-webhook.util';

/** Wraps documented `messaging[]` events in the envelope Meta sends them in. */
function page(...messaging: unknown[]) {
  return { object: 'page', entry: [{ id: '682498302938465', time: 1518479195594, messaging }] };
}
function instagram(...messaging: unknown[]) {
  return { object: 'instagram', entry: [{ id: '17841400000000000', time: 1569262486134, messaging }] };
}

/**
 * Read as the channel of the Page (account) the payload's first event is addressed to, as the applier does for the
 * channel whose URL it came to (`businessId` when given); events for other Pages are tested on their own below.
 */
function parseForPage(payload: unknown, platform: 'messenger' | 'instagram', businessId?: string) {
  const entry = (payload as { entry?: Array<{ messaging?: Array<{ recipient?: { id?: unknown } }>; changes?: Array<{ value?: { recipient?: { id?: unknown } } }> }> }).entry?.[0];
  const first = entry?.messaging?.[0]?.recipient?.id ?? entry?.changes?.[0]?.value?.recipient?.id;
  return parseMetaMessagingWebhook(payload, platform, businessId ?? String(first ?? ''));
}

describe(parseMetaMessagingWebhook.name, () => {
  describe('Messenger messages (Meta, Webhook Event Reference > messages)', () => {
    it('reads a text with a quick-reply payload as a button press', () => {
      // https://developers.facebook.com/docs/messenger-platform/reference/webhook-events/messages (quick reply example)
      const event = {
        sender: { id: '<PSID>' },
        recipient: { id: '<PAGE_ID>' },
        timestamp: 1458692752478,
        message: {
          mid: 'mid.1457764197618:41d102a3e1ae206a38',
          text: 'hello, world!',
          quick_reply: { payload: '<DEVELOPER_DEFINED_PAYLOAD>' },
        },
      };
      expect(parseForPage(page(event), 'messenger')).toEqual({
        statuses: [],
        watermarks: [],
        unreachable: [],
        otherSenders: [],
        problems: [],
        inbound: [
          {
            providerMessageId: 'mid.1457764197618:41d102a3e1ae206a38',
            from: '<PSID>',
            phoneNumberId: '<PAGE_ID>',
            timestamp: new Date(1458692752478),
            type: 'button',
            button: { payload: '<DEVELOPER_DEFINED_PAYLOAD>', text: 'hello, world!' },
          },
        ],
      });
    });

    it('reads a reply as a text with its context', () => {
      // Same page, reply_to example.
      const event = {
        sender: { id: '<PSID>' },
        recipient: { id: '<PAGE_ID>' },
        timestamp: 1458692752478,
        message: {
          mid: 'm_1457764197618:41d102a3e1ae206a38',
          text: 'hello, world!',
          reply_to: { mid: 'm_1fTq8oLumEyIp3Q2MR-aY7IfLZDamVrALniheU' },
        },
      };
      const { inbound, problems } = parseForPage(page(event), 'messenger');
      expect(problems).toEqual([]);
      expect(inbound).toEqual([
        {
          providerMessageId: 'm_1457764197618:41d102a3e1ae206a38',
          from: '<PSID>',
          phoneNumberId: '<PAGE_ID>',
          timestamp: new Date(1458692752478),
          type: 'text',
          text: 'hello, world!',
          contextMessageId: 'm_1fTq8oLumEyIp3Q2MR-aY7IfLZDamVrALniheU',
        },
      ]);
    });

    it('reads an attachment as media whose id is its URL', () => {
      // Same page, attachments example (the whole entry as documented, with one of the listed types filled in).
      const payload = {
        object: 'page',
        entry: [
          {
            id: '682498302938465',
            time: 1518479195594,
            messaging: [
              {
                sender: { id: '<PSID>' },
                recipient: { id: '<PAGE_ID>' },
                timestamp: 1518479195308,
                message: {
                  mid: 'mid.$cAAJdkrCd2ORnva8ErFhjGm0X_Q_c',
                  attachments: [{ type: 'image', payload: { url: '<ATTACHMENT_URL>' } }],
                },
              },
            ],
          },
        ],
      };
      expect(parseForPage(payload, 'messenger').inbound).toEqual([
        {
          providerMessageId: 'mid.$cAAJdkrCd2ORnva8ErFhjGm0X_Q_c',
          from: '<PSID>',
          phoneNumberId: '<PAGE_ID>',
          timestamp: new Date(1518479195308),
          type: 'image',
          media: { id: '<ATTACHMENT_URL>' },
        },
      ]);
    });

    it('keeps every file of one message, in order, under ids derived from the mid', () => {
      const event = {
        sender: { id: '111' },
        recipient: { id: '222' },
        timestamp: 1518479195308,
        message: {
          mid: 'm_abc',
          text: 'the receipts',
          attachments: [
            { type: 'file', payload: { url: 'https://cdn.example/a.pdf' } },
            { type: 'fallback', payload: { url: 'https://example.com', title: 'A link' } },
            { type: 'video', payload: { url: 'https://cdn.example/b.mp4' } },
            { type: 'audio', payload: { url: 'https://cdn.example/c.mp4' } },
          ],
        },
      };
      const { inbound, problems } = parseForPage(page(event), 'messenger');
      expect(inbound.map((m) => [m.providerMessageId, m.type, m.media])).toEqual([
        ['m_abc', 'document', { id: 'https://cdn.example/a.pdf', caption: 'the receipts' }],
        ['m_abc#2', 'video', { id: 'https://cdn.example/b.mp4' }],
        ['m_abc#3', 'audio', { id: 'https://cdn.example/c.mp4' }],
      ]);
      expect(problems).toEqual([{ path: 'entry[0].messaging[0].message.attachments[1].type', issue: '"fallback" is not a file Herald stores' }]);
    });

    it('keeps a message of nothing Herald can show as unsupported', () => {
      const event = {
        sender: { id: '111' },
        recipient: { id: '222' },
        timestamp: 1518479195308,
        message: { mid: 'm_share', attachments: [{ type: 'fallback', payload: { url: 'https://example.com' } }] },
      };
      const { inbound, problems } = parseForPage(page(event), 'messenger');
      expect(inbound).toEqual([expect.objectContaining({ providerMessageId: 'm_share', type: 'unsupported' })]);
      expect(problems).toHaveLength(1);
    });

    it('skips echoes of the business own messages silently', () => {
      const echo = {
        sender: { id: '<PAGE_ID>' },
        recipient: { id: '<PSID>' },
        timestamp: 1458692752478,
        message: { is_echo: true, app_id: 1517776481860111, mid: 'mid.1457764197618:41d102a3e1ae206a38', text: 'hello' },
      };
      expect(parseForPage(page(echo), 'messenger')).toEqual({
        statuses: [],
        watermarks: [],
        inbound: [],
        unreachable: [],
        otherSenders: [],
        problems: [],
      });
    });
  });

  describe('Messenger postbacks', () => {
    it('reads a postback without mid under a stable derived id', () => {
      // The Messenger docs' older postback example, as kept in fbmessenger-api's test files (hackage).
      const payload = {
        object: 'page',
        entry: [
          {
            id: '111111',
            time: 1458692752478,
            messaging: [
              { sender: { id: 'USER_ID' }, recipient: { id: 'PAGE_ID' }, timestamp: 1458692752478, postback: { payload: 'USER_DEFINED_PAYLOAD' } },
            ],
          },
        ],
      };
      const first = parseForPage(payload, 'messenger');
      expect(first.inbound).toEqual([
        {
          providerMessageId: 'pb:USER_ID:1458692752478',
          from: 'USER_ID',
          phoneNumberId: 'PAGE_ID',
          timestamp: new Date(1458692752478),
          type: 'button',
          button: { payload: 'USER_DEFINED_PAYLOAD', text: '' },
        },
      ]);
      // Meta redelivers the same event when Herald did not answer in time: same id, so it is stored once.
      expect(parseForPage(payload, 'messenger').inbound[0]!.providerMessageId).toBe(first.inbound[0]!.providerMessageId);
    });

    it('reads the postback mid and title when given', () => {
      const event = {
        sender: { id: '111' },
        recipient: { id: '222' },
        timestamp: 1527459824123,
        postback: { mid: 'm_MESSAGE-ID', title: 'TITLE-FOR-THE-CTA', payload: 'USER-DEFINED-PAYLOAD' },
      };
      expect(parseForPage(page(event), 'messenger').inbound).toEqual([
        {
          providerMessageId: 'm_MESSAGE-ID',
          from: '111',
          phoneNumberId: '222',
          timestamp: new Date(1527459824123),
          type: 'button',
          button: { payload: 'USER-DEFINED-PAYLOAD', text: 'TITLE-FOR-THE-CTA' },
        },
      ]);
    });

    it('reads the App Dashboard test notification, and refuses its user_ref sender', () => {
      // https://developers.facebook.com/documentation/business-messaging/messenger-platform/webhooks/webhook-events/messaging_postbacks
      // (the example notification, in the `changes[]` envelope test notifications come in).
      const documented = {
        field: 'messaging_postbacks',
        value: {
          sender: { user_ref: 'USER-REF-ID' },
          recipient: { id: 'PAGE-ID' },
          timestamp: '1527459824',
          postback: {
            mid: 'm_MESSAGE-ID',
            title: 'TITLE-FOR-THE-CTA',
            payload: 'USER-DEFINED-PAYLOAD',
            referral: { ref: 'USER-DEFINED-REFERRAL-PARAM', source: 'SHORT-URL', type: 'OPEN_THREAD' },
          },
        },
      };
      const refused = parseForPage({ object: 'page', entry: [{ id: '0', time: 1527459824, changes: [documented] }] }, 'messenger');
      expect(refused.inbound).toEqual([]);
      expect(refused.problems).toEqual([{ path: 'entry[0].changes[0].value.sender.id', issue: expect.stringContaining('user_ref') }]);

      // With a PSID sender the same notification is a press; its timestamp string is in seconds.
      const withPsid = { ...documented, value: { ...documented.value, sender: { id: '4242' } } };
      const read = parseForPage({ object: 'page', entry: [{ id: '0', time: 1527459824, changes: [withPsid] }] }, 'messenger');
      expect(read.problems).toEqual([]);
      expect(read.inbound).toEqual([
        {
          providerMessageId: 'm_MESSAGE-ID',
          from: '4242',
          phoneNumberId: 'PAGE-ID',
          timestamp: new Date(1527459824_000),
          type: 'button',
          button: { payload: 'USER-DEFINED-PAYLOAD', text: 'TITLE-FOR-THE-CTA' },
        },
      ]);
    });
  });

  describe('Messenger deliveries and reads', () => {
    it('reads a delivery as statuses per mid and a watermark', () => {
      // https://developers.facebook.com/documentation/business-messaging/messenger-platform/webhooks/webhook-events/message-deliveries
      const event = {
        sender: { id: '<PSID>' },
        recipient: { id: '<PAGE_ID>' },
        delivery: { mids: ['mid.1458668856218:ed81099e15d3f4f233'], watermark: 1458668856253 },
      };
      expect(parseForPage(page(event), 'messenger')).toEqual({
        statuses: [
          {
            providerMessageId: 'mid.1458668856218:ed81099e15d3f4f233',
            status: 'delivered',
            timestamp: new Date(1458668856253),
            recipientId: '<PSID>',
          },
        ],
        watermarks: [{ recipientId: '<PSID>', status: 'delivered', upTo: new Date(1458668856253) }],
        inbound: [],
        unreachable: [],
        otherSenders: [],
        problems: [],
      });
    });

    it('reads a delivery without mids as a watermark alone', () => {
      const event = { sender: { id: '1' }, recipient: { id: '2' }, timestamp: 1458668856300, delivery: { watermark: 1458668856253 } };
      const parsed = parseForPage(page(event), 'messenger');
      expect(parsed.statuses).toEqual([]);
      expect(parsed.watermarks).toEqual([{ recipientId: '1', status: 'delivered', upTo: new Date(1458668856253) }]);
    });

    it('reads a read as a watermark', () => {
      // https://developers.facebook.com/documentation/business-messaging/messenger-platform/webhooks/webhook-events/message-reads
      const event = { sender: { id: '<PSID>' }, recipient: { id: '<PAGE_ID>' }, timestamp: 1458668856463, read: { watermark: 1458668856253 } };
      const parsed = parseForPage(page(event), 'messenger');
      expect(parsed.watermarks).toEqual([{ recipientId: '<PSID>', status: 'read', upTo: new Date(1458668856253) }]);
      expect(parsed.statuses).toEqual([]);
      expect(parsed.problems).toEqual([]);
    });
  });

  describe('reactions', () => {
    it('reads a reaction', () => {
      // https://developers.facebook.com/documentation/business-messaging/messenger-platform/webhooks/webhook-events/message-reactions
      // (the documented "\u{2764}\u{FE0F}" written as the emoji itself, and one value picked from each list).
      const event = {
        sender: { id: '<PSID>' },
        recipient: { id: '<PAGE_ID>' },
        timestamp: 1458668856463,
        reaction: { reaction: 'love', emoji: '\u2764\uFE0F', action: 'react', mid: '<MID_OF_ReactedTo_Message>' },
      };
      expect(parseForPage(page(event), 'messenger').inbound).toEqual([
        {
          providerMessageId: 'rx:<PSID>:1458668856463',
          from: '<PSID>',
          phoneNumberId: '<PAGE_ID>',
          timestamp: new Date(1458668856463),
          type: 'reaction',
          reaction: { messageId: '<MID_OF_ReactedTo_Message>', emoji: '\u2764\uFE0F' },
        },
      ]);
    });

    it('reads an unreact as a reaction without emoji', () => {
      const event = {
        sender: { id: '1' },
        recipient: { id: '2' },
        timestamp: 1458668856999,
        reaction: { reaction: 'love', emoji: '\u2764\uFE0F', action: 'unreact', mid: 'm_1' },
      };
      expect(parseForPage(instagram(event), 'instagram').inbound[0]!.reaction).toEqual({ messageId: 'm_1' });
    });
  });

  describe('Instagram', () => {
    it('reads a message (Meta, Webhooks for Instagram Messaging, messages example)', () => {
      // https://developers.facebook.com/documentation/business-messaging/instagram-messaging/webhooks
      const payload = {
        object: 'instagram',
        entry: [
          {
            id: 'IGID',
            time: 1569262486134,
            messaging: [
              {
                sender: { id: 'IGSID' },
                recipient: { id: 'IGID' },
                timestamp: 1569262485349,
                message: { mid: 'MESSAGE-ID', text: 'MESSAGE-TEXT' },
              },
            ],
          },
        ],
      };
      expect(parseForPage(payload, 'instagram')).toEqual({
        statuses: [],
        watermarks: [],
        unreachable: [],
        otherSenders: [],
        problems: [],
        inbound: [
          {
            providerMessageId: 'MESSAGE-ID',
            from: 'IGSID',
            phoneNumberId: 'IGID',
            timestamp: new Date(1569262485349),
            type: 'text',
            text: 'MESSAGE-TEXT',
          },
        ],
      });
    });

    it('reads messaging_seen as a read status of that message', () => {
      // Meta's Instagram webhook examples page, messaging_seen payload as copied in public repositories
      // (shared/CHANNEL-FACTS.md §2, source S25).
      const event = { sender: { id: 'IGSID' }, recipient: { id: 'IGID' }, timestamp: 1569262485349, read: { mid: 'MESSAGE-ID' } };
      const parsed = parseForPage(instagram(event), 'instagram');
      expect(parsed.statuses).toEqual([{ providerMessageId: 'MESSAGE-ID', status: 'read', timestamp: new Date(1569262485349), recipientId: 'IGSID' }]);
      expect(parsed.watermarks).toEqual([]);
    });

    it('skips echoes and reports deleted messages', () => {
      const echo = { sender: { id: 'IGID' }, recipient: { id: 'IGSID' }, timestamp: 1, message: { mid: 'a', text: 'x', is_echo: true } };
      const deleted = { sender: { id: 'IGSID' }, recipient: { id: 'IGID' }, timestamp: 1569262485349, message: { mid: 'b', is_deleted: true } };
      const parsed = parseForPage(instagram(echo, deleted), 'instagram', 'IGID');
      expect(parsed.inbound).toEqual([]);
      expect(parsed.problems).toEqual([{ path: 'entry[0].messaging[1].message', issue: 'the user deleted message b' }]);
    });
  });

  describe('what it refuses, without throwing', () => {
    it('a payload of the other platform', () => {
      expect(parseForPage(page(), 'instagram').problems).toEqual([
        { path: 'object', issue: 'must be "instagram" for instagram, is "page"' },
      ]);
      expect(parseForPage(instagram(), 'messenger').problems).toEqual([
        { path: 'object', issue: 'must be "page" for messenger, is "instagram"' },
      ]);
    });

    it.each([
      ['not an object', 'nope', ''],
      ['no entry array', { object: 'page', entry: {} }, 'entry'],
      ['an entry that is not an object', { object: 'page', entry: [7] }, 'entry[0]'],
      ['an entry without events', { object: 'page', entry: [{ id: '1', time: 1 }] }, 'entry[0]'],
      ['an event that is not an object', page(null), 'entry[0].messaging[0]'],
      ['an event of no known kind', page({ sender: { id: '1' }, recipient: { id: '2' }, timestamp: 1, optin: { ref: 'x' } }), 'entry[0].messaging[0]'],
      ['a message without mid', page({ sender: { id: '1' }, recipient: { id: '2' }, timestamp: 1458692752478, message: { text: 'x' } }), 'entry[0].messaging[0].message.mid'],
      [
        'a message without time',
        { object: 'page', entry: [{ id: '2', messaging: [{ sender: { id: '1' }, recipient: { id: '2' }, message: { mid: 'm', text: 'x' } }] }] },
        'entry[0].messaging[0].timestamp',
      ],
      ['a recipient without id', page({ sender: { id: '1' }, recipient: {}, timestamp: 1, message: { mid: 'm' } }), 'entry[0].messaging[0].recipient.id'],
      ['a message that is not an object', page({ sender: { id: '1' }, recipient: { id: '2' }, timestamp: 1, message: 'x' }), 'entry[0].messaging[0].message'],
      ['a delivery without watermark', page({ sender: { id: '1' }, recipient: { id: '2' }, delivery: { mids: ['a'] } }), 'entry[0].messaging[0].delivery.watermark'],
      ['a read of nothing', page({ sender: { id: '1' }, recipient: { id: '2' }, timestamp: 1, read: {} }), 'entry[0].messaging[0].read'],
      ['a postback without payload', page({ sender: { id: '1' }, recipient: { id: '2' }, timestamp: 1, postback: { title: 'x' } }), 'entry[0].messaging[0].postback.payload'],
      ['a reaction without mid', page({ sender: { id: '1' }, recipient: { id: '2' }, timestamp: 1, reaction: { action: 'react', emoji: 'x' } }), 'entry[0].messaging[0].reaction.mid'],
      ['a reaction without emoji', page({ sender: { id: '1' }, recipient: { id: '2' }, timestamp: 1, reaction: { action: 'react', mid: 'm' } }), 'entry[0].messaging[0].reaction.emoji'],
      ['a change of another field', { object: 'page', entry: [{ id: '1', time: 1, changes: [{ field: 'feed', value: {} }] }] }, 'entry[0].changes[0]'],
      ['standby events', { object: 'page', entry: [{ id: '1', time: 1, standby: [{}] }] }, 'entry[0].standby'],
    ])('%s', (_name, payload, path) => {
      const parsed = parseForPage(payload, 'messenger');
      expect(parsed.inbound).toEqual([]);
      expect(parsed.statuses).toEqual([]);
      expect(parsed.problems.map((p) => p.path)).toEqual([path]);
    });

    it('dates a message without timestamp by when Meta sent the notification', () => {
      const event = { sender: { id: '1' }, recipient: { id: '2' }, message: { mid: 'm', text: 'x' } };
      expect(parseForPage(page(event), 'messenger').inbound[0]!.timestamp).toEqual(new Date(1518479195594));
    });

    it("reads none of another Page's events as this channel's: it names the Pages they were for", () => {
      // Meta posts every Page of an app to the app's one callback URL: here Page 2's channel got Page 3's events too.
      const ours = { sender: { id: '1' }, recipient: { id: '2' }, timestamp: 1458692752478, message: { mid: 'm_ours', text: 'hi' } };
      const theirs = { sender: { id: '9' }, recipient: { id: '3' }, timestamp: 1458692752478, message: { mid: 'm_theirs', text: 'private' } };
      const theirRead = { sender: { id: '9' }, recipient: { id: '3' }, timestamp: 1458692752478, read: { watermark: 1458692752000 } };
      const payload = { object: 'page', entry: [{ id: '2', time: 1, messaging: [ours] }, { id: '3', time: 1, messaging: [theirs, theirRead] }] };
      const forPage2 = parseMetaMessagingWebhook(payload, 'messenger', '2');
      expect(forPage2.inbound.map((m) => m.providerMessageId)).toEqual(['m_ours']);
      expect([forPage2.watermarks, forPage2.otherSenders, forPage2.problems]).toEqual([[], ['3'], []]);
      const forPage3 = parseMetaMessagingWebhook(payload, 'messenger', '3');
      expect(forPage3.inbound.map((m) => m.providerMessageId)).toEqual(['m_theirs']);
      expect([forPage3.watermarks.length, forPage3.otherSenders]).toEqual([1, ['2']]);
    });

    it('reads the good events beside a bad one', () => {
      const good = { sender: { id: '1' }, recipient: { id: '2' }, timestamp: 1458692752478, message: { mid: 'm_ok', text: 'hi' } };
      const parsed = parseForPage(page('garbage', good), 'messenger', '2');
      expect(parsed.inbound.map((m) => m.providerMessageId)).toEqual(['m_ok']);
      expect(parsed.problems.map((p) => p.path)).toEqual(['entry[0].messaging[0]']);
    });
  });
});
