import { describe, expect, it } from '@jest/globals';
import type { ActionButton, Card, OutboundMessage } from '../channel-provider.types';
import {
  META_MESSAGING_LIMITS as L,
  toMetaSendBody,
  validateInstagramMessage,
  validateMessengerMessage,
  validateMetaMessage,
} from './meta-messaging-message.util';

/** Lets a spec hand the validator what an API caller could send, right or wrong. */
function loose(value: unknown): OutboundMessage {
  return value as OutboundMessage;
}

function fields(issues: Array<{ field: string }>): string[] {
  return issues.map((i) => i.field);
}

const URL_BUTTON: ActionButton = { type: 'url', title: 'Open', url: 'https://example.com/a' };
const POSTBACK_BUTTON: ActionButton = { type: 'postback', title: 'Yes', payload: 'YES' };
const CARD: Card = { title: 'Shoes', subtitle: 'Red', imageUrl: 'https://example.com/s.jpg', defaultUrl: 'https://example.com/s', buttons: [URL_BUTTON] };

describe(validateMetaMessage.name, () => {
  describe('what each platform carries', () => {
    const every: OutboundMessage[] = [
      { type: 'text', text: { body: 'Hi' } },
      { type: 'image', image: { link: 'https://example.com/a.jpg' } },
      { type: 'video', video: { link: 'https://example.com/a.mp4' } },
      { type: 'audio', audio: { link: 'https://example.com/a.mp3' } },
      { type: 'document', document: { link: 'https://example.com/a.pdf' } },
      { type: 'buttons', buttons: { text: 'Pick', buttons: [URL_BUTTON, POSTBACK_BUTTON] } },
      { type: 'cards', cards: { elements: [CARD] } },
    ];

    it.each(every.map((m) => [m.type, m] as const))('Messenger takes %s', (_type, message) => {
      expect(validateMessengerMessage(message)).toEqual([]);
    });

    it('Instagram takes text, image and cards and names them when refusing the rest', () => {
      const taken = every.filter((m) => validateInstagramMessage(m).length === 0).map((m) => m.type);
      expect(taken).toEqual(['text', 'image', 'cards']);
      expect(validateInstagramMessage(every[2]!)).toEqual([{ field: 'type', issue: 'must be one of text, image, cards on Instagram' }]);
    });

    it.each([
      ['template', { type: 'template', template: { name: 'x', language: 'en' } }],
      ['sticker', { type: 'sticker', sticker: { link: 'https://example.com/s.webp' } }],
      ['location', { type: 'location', location: { latitude: 1, longitude: 2 } }],
      ['interactive', { type: 'interactive', interactive: { type: 'button', body: { text: 'x' }, action: { buttons: [] } } }],
    ])('refuses WhatsApp-only %s on both', (_type, message) => {
      expect(fields(validateMessengerMessage(loose(message)))).toEqual(['type']);
      expect(fields(validateInstagramMessage(loose(message)))).toEqual(['type']);
    });

    it('refuses what is not a message', () => {
      expect(validateMessengerMessage(loose(null))).toEqual([{ field: '', issue: 'must be an object' }]);
      expect(fields(validateMessengerMessage(loose({ type: 'text' })))).toEqual(['text']);
    });
  });

  describe('text', () => {
    it('Messenger: at most 2,000 characters, counted as code points', () => {
      expect(validateMessengerMessage({ type: 'text', text: { body: 'a'.repeat(L.messengerText) } })).toEqual([]);
      expect(validateMessengerMessage({ type: 'text', text: { body: '😀'.repeat(L.messengerText) } })).toEqual([]);
      expect(fields(validateMessengerMessage({ type: 'text', text: { body: 'a'.repeat(L.messengerText + 1) } }))).toEqual(['text.body']);
    });

    it('Instagram: at most 1,000 bytes of UTF-8', () => {
      expect(validateInstagramMessage({ type: 'text', text: { body: 'a'.repeat(1_000) } })).toEqual([]);
      expect(validateInstagramMessage({ type: 'text', text: { body: '😀'.repeat(250) } })).toEqual([]);
      const over = validateInstagramMessage({ type: 'text', text: { body: `${'😀'.repeat(250)}a` } });
      expect(over).toEqual([{ field: 'text.body', issue: 'must be at most 1000 bytes of UTF-8 on Instagram (is 1001)' }]);
    });

    it('refuses an empty body', () => {
      expect(fields(validateMessengerMessage({ type: 'text', text: { body: '  ' } }))).toEqual(['text.body']);
    });

    it('refuses WhatsApp and Telegram text options instead of dropping them', () => {
      expect(fields(validateMessengerMessage({ type: 'text', text: { body: 'x', previewUrl: true } }))).toEqual(['text.previewUrl']);
      expect(fields(validateInstagramMessage({ type: 'text', text: { body: 'x', parseMode: 'HTML' } }))).toEqual(['text.parseMode']);
    });

    it('refuses unknown fields, e.g. Meta spelling', () => {
      expect(fields(validateMessengerMessage(loose({ type: 'text', text: { body: 'x', quick_replies: [] } })))).toEqual(['text.quick_replies']);
    });
  });

  describe('quick replies', () => {
    const replies = (n: number) => Array.from({ length: n }, (_, i) => ({ title: `Option ${i}`, payload: `P${i}` }));

    it.each(['messenger', 'instagram'] as const)('%s: 1 to 13 of them', (platform) => {
      expect(validateMetaMessage(platform, { type: 'text', text: { body: 'x' }, quickReplies: replies(L.quickReplies) })).toEqual([]);
      expect(fields(validateMetaMessage(platform, { type: 'text', text: { body: 'x' }, quickReplies: replies(L.quickReplies + 1) }))).toEqual([
        'quickReplies',
      ]);
      expect(fields(validateMetaMessage(platform, { type: 'text', text: { body: 'x' }, quickReplies: [] }))).toEqual(['quickReplies']);
    });

    it.each(['messenger', 'instagram'] as const)('%s: titles of at most 20 characters, payloads of at most 1,000', (platform) => {
      const at = (title: string, payload: string) =>
        fields(validateMetaMessage(platform, { type: 'text', text: { body: 'x' }, quickReplies: [{ title, payload }] }));
      expect(at('t'.repeat(L.quickReplyTitle), 'p'.repeat(L.payload))).toEqual([]);
      expect(at('t'.repeat(L.quickReplyTitle + 1), 'p')).toEqual(['quickReplies[0].title']);
      expect(at('t', 'p'.repeat(L.payload + 1))).toEqual(['quickReplies[0].payload']);
      expect(at('t', '')).toEqual(['quickReplies[0].payload']);
    });

    it('ride only on a text', () => {
      const message = loose({ type: 'image', image: { link: 'https://example.com/a.jpg' }, quickReplies: [{ title: 'a', payload: 'b' }] });
      expect(fields(validateMessengerMessage(message))).toEqual(['quickReplies']);
    });
  });

  describe('media', () => {
    it.each(['image', 'video', 'audio', 'document'] as const)('%s needs an http(s) link', (type) => {
      const of = (link: string) => fields(validateMessengerMessage(loose({ type, [type]: { link } })));
      expect(of('http://example.com/f')).toEqual([]);
      expect(of('ftp://example.com/f')).toEqual([`${type}.link`]);
      expect(of('not a url')).toEqual([`${type}.link`]);
    });

    it.each(['image', 'video', 'document'] as const)('refuses a caption on %s rather than dropping it', (type) => {
      const issues = validateMessengerMessage(loose({ type, [type]: { link: 'https://example.com/f', caption: 'Look' } }));
      expect(issues).toEqual([{ field: `${type}.caption`, issue: 'cannot ride along on this platform: send the text as its own message' }]);
      expect(fields(validateInstagramMessage(loose({ type: 'image', image: { link: 'https://example.com/f', caption: 'Look' } })))).toEqual([
        'image.caption',
      ]);
    });

    it('refuses a document filename', () => {
      expect(fields(validateMessengerMessage({ type: 'document', document: { link: 'https://example.com/f.pdf', filename: 'f.pdf' } }))).toEqual([
        'document.filename',
      ]);
    });
  });

  describe('buttons (Messenger button template)', () => {
    const buttons = (text: string, list: unknown[]) => fields(validateMessengerMessage(loose({ type: 'buttons', buttons: { text, buttons: list } })));

    it('text of at most 640 characters', () => {
      expect(buttons('t'.repeat(L.buttonsText), [POSTBACK_BUTTON])).toEqual([]);
      expect(buttons('t'.repeat(L.buttonsText + 1), [POSTBACK_BUTTON])).toEqual(['buttons.text']);
    });

    it('1 to 3 buttons', () => {
      expect(buttons('x', [POSTBACK_BUTTON, POSTBACK_BUTTON, URL_BUTTON])).toEqual([]);
      expect(buttons('x', [])).toEqual(['buttons.buttons']);
      expect(buttons('x', [POSTBACK_BUTTON, POSTBACK_BUTTON, URL_BUTTON, URL_BUTTON])).toEqual(['buttons.buttons']);
    });

    it('titles of at most 20 characters, payloads of at most 1,000, http(s) urls, known types', () => {
      expect(buttons('x', [{ ...POSTBACK_BUTTON, title: 't'.repeat(L.buttonTitle) }])).toEqual([]);
      expect(buttons('x', [{ ...POSTBACK_BUTTON, title: 't'.repeat(L.buttonTitle + 1) }])).toEqual(['buttons.buttons[0].title']);
      expect(buttons('x', [{ ...POSTBACK_BUTTON, payload: 'p'.repeat(L.payload) }])).toEqual([]);
      expect(buttons('x', [{ ...POSTBACK_BUTTON, payload: 'p'.repeat(L.payload + 1) }])).toEqual(['buttons.buttons[0].payload']);
      expect(buttons('x', [{ ...URL_BUTTON, url: 'javascript:alert(1)' }])).toEqual(['buttons.buttons[0].url']);
      expect(buttons('x', [{ type: 'phone_number', title: 'Call', payload: '+1' }])).toEqual(['buttons.buttons[0].type']);
      expect(buttons('x', [{ ...URL_BUTTON, payload: 'x' }])).toEqual(['buttons.buttons[0].payload']);
    });
  });

  describe('cards (generic template)', () => {
    const cards = (platform: 'messenger' | 'instagram', elements: unknown[]) =>
      fields(validateMetaMessage(platform, loose({ type: 'cards', cards: { elements } })));

    it.each(['messenger', 'instagram'] as const)('%s: 1 to 10 cards', (platform) => {
      expect(cards(platform, Array.from({ length: L.cardsMax }, () => CARD))).toEqual([]);
      expect(cards(platform, Array.from({ length: L.cardsMax + 1 }, () => CARD))).toEqual(['cards.elements']);
      expect(cards(platform, [])).toEqual(['cards.elements']);
    });

    it.each(['messenger', 'instagram'] as const)('%s: title and subtitle of at most 80 characters', (platform) => {
      expect(cards(platform, [{ title: 't'.repeat(L.cardTitle), subtitle: 's'.repeat(L.cardSubtitle) }])).toEqual([]);
      expect(cards(platform, [{ title: 't'.repeat(L.cardTitle + 1) }])).toEqual(['cards.elements[0].title']);
      expect(cards(platform, [{ title: 't', subtitle: 's'.repeat(L.cardSubtitle + 1) }])).toEqual(['cards.elements[0].subtitle']);
      expect(cards(platform, [{ subtitle: 's' }])).toEqual(['cards.elements[0].title']);
    });

    it('at most 3 buttons a card, and http(s) image and default URLs', () => {
      expect(cards('messenger', [{ title: 't', buttons: [URL_BUTTON, POSTBACK_BUTTON, URL_BUTTON] }])).toEqual([]);
      expect(cards('messenger', [{ title: 't', buttons: [URL_BUTTON, POSTBACK_BUTTON, URL_BUTTON, URL_BUTTON] }])).toEqual([
        'cards.elements[0].buttons',
      ]);
      expect(cards('messenger', [{ title: 't', imageUrl: 'file:///etc/passwd', defaultUrl: 'nope' }])).toEqual([
        'cards.elements[0].imageUrl',
        'cards.elements[0].defaultUrl',
      ]);
      expect(cards('messenger', [{ title: 't', image_url: 'https://example.com/i.jpg' }])).toEqual(['cards.elements[0].image_url']);
    });
  });

  describe('tags and the rest of the envelope', () => {
    it.each(['CONFIRMED_EVENT_UPDATE', 'POST_PURCHASE_UPDATE', 'ACCOUNT_UPDATE', 'HUMAN_AGENT'] as const)('Messenger takes %s', (tag) => {
      expect(validateMessengerMessage({ type: 'text', text: { body: 'x' }, tag })).toEqual([]);
    });

    it('Instagram takes only HUMAN_AGENT', () => {
      expect(validateInstagramMessage({ type: 'text', text: { body: 'x' }, tag: 'HUMAN_AGENT' })).toEqual([]);
      expect(validateInstagramMessage({ type: 'text', text: { body: 'x' }, tag: 'ACCOUNT_UPDATE' })).toEqual([
        { field: 'tag', issue: 'must be one of HUMAN_AGENT on Instagram' },
      ]);
      expect(fields(validateMessengerMessage(loose({ type: 'text', text: { body: 'x' }, tag: 'PROMOTION' })))).toEqual(['tag']);
    });

    it('refuses a quoted reply, which the Send API cannot make', () => {
      expect(fields(validateMessengerMessage({ type: 'text', text: { body: 'x' }, replyTo: 'm_1' }))).toEqual(['replyTo']);
    });

    it('refuses content of another type beside the message', () => {
      expect(fields(validateMessengerMessage(loose({ type: 'text', text: { body: 'x' }, image: { link: 'https://e.com/a' } })))).toEqual([
        'image',
      ]);
    });
  });
});

describe(toMetaSendBody.name, () => {
  it('sends the tag only with MESSAGE_TAG', () => {
    const message: OutboundMessage = { type: 'text', text: { body: 'Your order shipped' }, tag: 'POST_PURCHASE_UPDATE' };
    expect(toMetaSendBody('messenger', '123', 'MESSAGE_TAG', message)).toEqual({
      recipient: { id: '123' },
      messaging_type: 'MESSAGE_TAG',
      tag: 'POST_PURCHASE_UPDATE',
      message: { text: 'Your order shipped' },
    });
    expect(toMetaSendBody('messenger', '123', 'RESPONSE', message)).toEqual({
      recipient: { id: '123' },
      messaging_type: 'RESPONSE',
      message: { text: 'Your order shipped' },
    });
  });

  it('has no body for a kind no Meta platform carries', () => {
    expect(toMetaSendBody('messenger', '123', 'RESPONSE', { type: 'sticker', sticker: { link: 'https://e.com/s.webp' } })).toBeUndefined();
  });
});
