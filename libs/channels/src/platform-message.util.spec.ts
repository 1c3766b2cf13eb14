import { describe, expect, it } from '@jest/globals';
import { checkMessageFor, parseMessageFor } from './platform-message.util';

const fields = (kind: Parameters<typeof parseMessageFor>[0], body: unknown) => {
  const parsed = parseMessageFor(kind, body);
  return parsed.ok ? [] : parsed.errors.map((e) => e.field);
};

describe('parseMessageFor', () => {
  it('reads each platform kind into the neutral shape, with tag, quick replies and reply', () => {
    expect(parseMessageFor('messenger', { type: 'text', text: { body: 'Hi' }, quickReplies: [{ title: 'Yes', payload: 'Y' }], tag: 'ACCOUNT_UPDATE' })).toEqual({
      ok: true,
      message: { type: 'text', text: { body: 'Hi' }, quickReplies: [{ title: 'Yes', payload: 'Y' }], tag: 'ACCOUNT_UPDATE' },
    });
    expect(parseMessageFor('telegram', { type: 'buttons', buttons: { text: 'Pick', buttons: [{ type: 'url', title: 'Shop', url: 'https://x.test' }, { type: 'postback', title: 'Yes', payload: 'Y' }] } })).toEqual({
      ok: true,
      message: { type: 'buttons', buttons: { text: 'Pick', buttons: [{ type: 'url', title: 'Shop', url: 'https://x.test' }, { type: 'postback', title: 'Yes', payload: 'Y' }] } },
    });
    expect(parseMessageFor('instagram', { type: 'cards', cards: { elements: [{ title: 'A', imageUrl: 'https://x.test/a.png', buttons: [{ type: 'postback', title: 'Buy', payload: 'B' }] }] } })).toMatchObject({
      ok: true,
      message: { type: 'cards', cards: { elements: [{ title: 'A', imageUrl: 'https://x.test/a.png' }] } },
    });
    expect(parseMessageFor('telegram', { type: 'location', location: { latitude: 52.5, longitude: 13.4 }, replyTo: '42:7' })).toEqual({
      ok: true,
      message: { type: 'location', location: { latitude: 52.5, longitude: 13.4 }, replyTo: '42:7' },
    });
  });

  it('names the field of what a platform does not carry', () => {
    expect(fields('telegram', { type: 'cards', cards: { elements: [{ title: 'A' }] } })).toEqual(['type']);
    expect(fields('instagram', { type: 'video', video: { link: 'https://x.test/v.mp4' } })).toEqual(['type']);
    expect(fields('messenger', { type: 'template', template: { name: 't', language: 'en' } })).toEqual(['type']);
    expect(fields('telegram', { type: 'text', text: { body: 'Hi' }, tag: 'ACCOUNT_UPDATE' })).toEqual(['tag']);
    expect(fields('instagram', { type: 'text', text: { body: 'Hi' }, tag: 'ACCOUNT_UPDATE' })).toEqual(['tag']);
    expect(fields('messenger', { type: 'text', text: { body: 'x'.repeat(2001) } })).toEqual(['text.body']);
    expect(fields('whatsapp', { type: 'text', text: { body: 'Hi' }, quickReplies: [{ title: 'Y', payload: 'Y' }] })).toEqual(['quickReplies']);
    expect(fields('whatsapp', { type: 'buttons', buttons: { text: 'x', buttons: [] } })).toEqual(['type']);
  });

  it('reports shapes it cannot read, each by its field, all at once', () => {
    expect(fields('telegram', { type: 'buttons', buttons: { text: '', buttons: [{ type: 'call', title: 'x' }] } }).sort()).toEqual(['buttons.buttons[0].type', 'buttons.text']);
    expect(fields('messenger', { type: 'image', image: { link: 'ftp://x.test/a.png', extra: 1 } }).sort()).toEqual(['image.extra', 'image.link']);
    expect(fields('messenger', { type: 'image', image: { link: 'https://x.test/a.png' }, quickReplies: [] })).toEqual(['quickReplies']);
    expect(fields('telegram', { type: 'text', text: { body: 'Hi', parseMode: 'Markdown' } })).toEqual(['text.parseMode']);
    expect(fields('telegram', { type: 'text', text: { body: 'Hi' }, image: { link: 'https://x.test' } })).toEqual(['image']);
    expect(fields('telegram', 'hello')).toEqual(['']);
  });
});

describe('checkMessageFor', () => {
  it('checks a message Herald built against the platform', () => {
    expect(checkMessageFor('telegram', { type: 'text', text: { body: 'Hi' } })).toEqual([]);
    expect(checkMessageFor('messenger', { type: 'buttons', buttons: { text: 'x', buttons: [1, 2, 3, 4].map((i) => ({ type: 'postback' as const, title: `B${i}`, payload: `p${i}` })) } }).map((i) => i.field)).toEqual([
      'buttons.buttons',
    ]);
    expect(checkMessageFor('whatsapp', { type: 'text', text: { body: 'Hi' } })).toEqual([]);
  });
});
