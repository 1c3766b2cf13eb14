import { describe, expect, it } from '@jest/globals';
import type { ActionButton, OutboundMessage } from '../channel-provider.types';
import {
  parseTelegramMessageId,
  telegramMessageId,
  toTelegramCall,
  validateTelegramMessage,
  visibleLength,
} from './telegram-message.util';

/** The fields named by the issues, for compact assertions. */
function fields(message: unknown): string[] {
  return validateTelegramMessage(message as OutboundMessage).map((issue) => issue.field);
}

const text = (body: string, extra: Record<string, unknown> = {}): unknown => ({ type: 'text', text: { body, ...extra } });
const buttons = (list: readonly unknown[], body = 'Pick one'): unknown => ({
  type: 'buttons',
  buttons: { text: body, buttons: list },
});
const postback = (payload: string): ActionButton => ({ type: 'postback', title: 'Yes', payload });
const url = (link: string): ActionButton => ({ type: 'url', title: 'Open', url: link });

describe(validateTelegramMessage.name, () => {
  describe('text', () => {
    it('takes 1 to 4096 characters', () => {
      expect(fields(text('a'))).toEqual([]);
      expect(fields(text('a'.repeat(4_096)))).toEqual([]);
      expect(fields(text('a'.repeat(4_097)))).toEqual(['text.body']);
      expect(fields(text(''))).toEqual(['text.body']);
      expect(fields(text('  \n '))).toEqual(['text.body']);
    });

    it('counts characters, not UTF-16 units or bytes', () => {
      expect(fields(text('😀'.repeat(4_096)))).toEqual([]);
      expect(fields(text('😀'.repeat(4_097)))).toEqual(['text.body']);
    });

    it('takes MarkdownV2 and HTML and refuses other parse modes', () => {
      expect(fields(text('*bold*', { parseMode: 'MarkdownV2' }))).toEqual([]);
      expect(fields(text('<b>bold</b>', { parseMode: 'HTML' }))).toEqual([]);
      expect(fields(text('*bold*', { parseMode: 'Markdown' }))).toEqual(['text.parseMode']);
    });

    it('counts a formatted text after its markup, as Telegram does', () => {
      const visible = 'a'.repeat(4_096);
      expect(fields(text(`<b>${visible}</b>`, { parseMode: 'HTML' }))).toEqual([]);
      expect(fields(text(`<b>${visible}a</b>`, { parseMode: 'HTML' }))).toEqual(['text.body']);
      expect(fields(text(`*${visible}*`, { parseMode: 'MarkdownV2' }))).toEqual([]);
      expect(fields(text(`*${visible}a*`, { parseMode: 'MarkdownV2' }))).toEqual(['text.body']);
      // Without a parse mode the same markup is text and counts.
      expect(fields(text(`<b>${visible}</b>`))).toEqual(['text.body']);
    });

    it('refuses quick replies, which Telegram does not have', () => {
      expect(fields({ ...(text('Hi') as object), quickReplies: [{ title: 'Yes', payload: 'Y' }] })).toEqual(['quickReplies']);
    });
  });

  describe('media', () => {
    it('takes http(s) links and refuses others', () => {
      expect(fields({ type: 'image', image: { link: 'https://example.com/a.jpg' } })).toEqual([]);
      expect(fields({ type: 'video', video: { link: 'http://example.com/a.mp4' } })).toEqual([]);
      expect(fields({ type: 'audio', audio: { link: 'ftp://example.com/a.mp3' } })).toEqual(['audio.link']);
      expect(fields({ type: 'image', image: { link: 'not a url' } })).toEqual(['image.link']);
      expect(fields({ type: 'image', image: {} })).toEqual(['image.link']);
    });

    it('takes captions up to 1024 characters', () => {
      const image = (caption: string): unknown => ({ type: 'image', image: { link: 'https://example.com/a.jpg', caption } });
      expect(fields(image('c'.repeat(1_024)))).toEqual([]);
      expect(fields(image('c'.repeat(1_025)))).toEqual(['image.caption']);
    });

    it('refuses a document filename rather than dropping it', () => {
      const issues = validateTelegramMessage({
        type: 'document',
        document: { link: 'https://example.com/report', filename: 'report.pdf' },
      });
      expect(issues).toEqual([{ field: 'document.filename', issue: expect.stringContaining('cannot be set') }]);
    });

    it('takes stickers only as .webp files', () => {
      expect(fields({ type: 'sticker', sticker: { link: 'https://example.com/s/hello.WEBP?v=2' } })).toEqual([]);
      expect(fields({ type: 'sticker', sticker: { link: 'https://example.com/s/hello.tgs' } })).toEqual(['sticker.link']);
    });
  });

  describe('location', () => {
    const at = { latitude: 52.37, longitude: 4.89 };
    it('takes a point, or a place with both name and address', () => {
      expect(fields({ type: 'location', location: at })).toEqual([]);
      expect(fields({ type: 'location', location: { ...at, name: 'Dam', address: 'Dam 1, Amsterdam' } })).toEqual([]);
    });
    it('refuses a name or an address alone', () => {
      expect(fields({ type: 'location', location: { ...at, name: 'Dam' } })).toEqual(['location.name']);
      expect(fields({ type: 'location', location: { ...at, address: 'Dam 1' } })).toEqual(['location.address']);
    });
    it('refuses coordinates out of range', () => {
      expect(fields({ type: 'location', location: { latitude: 90.01, longitude: -180.01 } })).toEqual([
        'location.latitude',
        'location.longitude',
      ]);
    });
  });

  describe('buttons', () => {
    it('takes 1 to 100 buttons', () => {
      expect(fields(buttons([postback('Y')]))).toEqual([]);
      expect(fields(buttons(Array.from({ length: 100 }, (_, i) => postback(`p${i}`))))).toEqual([]);
      expect(fields(buttons(Array.from({ length: 101 }, (_, i) => postback(`p${i}`))))).toEqual(['buttons.buttons']);
      expect(fields(buttons([]))).toEqual(['buttons.buttons']);
    });

    it('takes a text of 1 to 4096 characters', () => {
      expect(fields(buttons([postback('Y')], 'a'.repeat(4_096)))).toEqual([]);
      expect(fields(buttons([postback('Y')], 'a'.repeat(4_097)))).toEqual(['buttons.text']);
      expect(fields(buttons([postback('Y')], ''))).toEqual(['buttons.text']);
    });

    it('bounds a payload by 64 bytes of UTF-8, not characters', () => {
      expect(fields(buttons([postback('p'.repeat(64))]))).toEqual([]);
      expect(fields(buttons([postback('p'.repeat(65))]))).toEqual(['buttons.buttons[0].payload']);
      // 32 × 'é' is 64 bytes; 33 is 66 bytes though only 33 characters.
      expect(fields(buttons([postback('é'.repeat(32))]))).toEqual([]);
      expect(fields(buttons([postback('é'.repeat(33))]))).toEqual(['buttons.buttons[0].payload']);
      expect(fields(buttons([postback('')]))).toEqual(['buttons.buttons[0].payload']);
    });

    it('takes http(s) and tg:// links', () => {
      expect(fields(buttons([url('https://example.com'), url('tg://resolve?domain=herald')]))).toEqual([]);
      expect(fields(buttons([url('javascript:alert(1)'), url('mailto:a@example.com')]))).toEqual([
        'buttons.buttons[0].url',
        'buttons.buttons[1].url',
      ]);
    });

    it('needs a title and a known type on each button', () => {
      expect(fields(buttons([{ type: 'postback', title: ' ', payload: 'Y' }]))).toEqual(['buttons.buttons[0].title']);
      expect(fields(buttons([{ type: 'call', title: 'Call', payload: '+1' }]))).toEqual(['buttons.buttons[0].type']);
    });
  });

  it('refuses what Telegram does not carry, each on its field', () => {
    expect(fields({ type: 'template', template: { name: 'hello', language: 'en' } })).toEqual(['type']);
    expect(fields({ type: 'interactive', interactive: {} })).toEqual(['type']);
    expect(fields({ type: 'cards', cards: { elements: [] } })).toEqual(['type']);
    expect(fields({ ...(text('Hi') as object), tag: 'HUMAN_AGENT' })).toEqual(['tag']);
    expect(fields({ type: 'reaction' })).toEqual(['type']);
  });

  it("takes a replyTo only as a Telegram message id of Herald's", () => {
    expect(fields({ ...(text('Hi') as object), replyTo: '1111111:1365' })).toEqual([]);
    expect(fields({ ...(text('Hi') as object), replyTo: '1365' })).toEqual(['replyTo']);
    expect(fields({ ...(text('Hi') as object), replyTo: 'wamid.HBgL' })).toEqual(['replyTo']);
  });
});

describe(visibleLength.name, () => {
  it('leaves out HTML tags and counts a character reference as one character', () => {
    expect(visibleLength('<b>bold</b> &amp; <a href="https://example.com">link</a>', 'HTML')).toBe('bold & link'.length);
  });

  it('leaves out MarkdownV2 markup, escapes and link targets', () => {
    expect(visibleLength('*bold* \\. [link](https://example.com/a\\)b)', 'MarkdownV2')).toBe('bold . link'.length);
    expect(visibleLength('```typescript\nlet a\n```', 'MarkdownV2')).toBe('\nlet a\n'.length);
  });
});

describe(toTelegramCall.name, () => {
  it('refers to a quoted message of another chat by its chat too', () => {
    const call = toTelegramCall('1111111', { type: 'text', text: { body: 'Hi' }, replyTo: '2222222:7' });
    expect(call?.body['reply_parameters']).toEqual({ message_id: 7, chat_id: '2222222', allow_sending_without_reply: true });
  });

  it('has no call for kinds Telegram does not carry', () => {
    expect(toTelegramCall('1', { type: 'template', template: { name: 'hello', language: 'en' } })).toBeUndefined();
  });
});

describe(telegramMessageId.name, () => {
  it('round-trips through parseTelegramMessageId, group ids included', () => {
    expect(parseTelegramMessageId(telegramMessageId(-1001234567890, 42))).toEqual({ chatId: '-1001234567890', messageId: 42 });
    expect(parseTelegramMessageId('cq:4382bfdwdsb323b2d9')).toBeUndefined();
  });
});
