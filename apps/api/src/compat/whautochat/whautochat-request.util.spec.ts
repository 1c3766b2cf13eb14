import { describe, expect, it } from '@jest/globals';
import { mediaTypeOf, toNativeSend } from './whautochat-request.util';

const fieldOf = (f: () => unknown) => {
  try {
    f();
  } catch (error) {
    return (error as { details: Array<{ field: string }> }).details[0]!.field;
  }
  return undefined;
};

describe("WhautoChat's sends as native messages", () => {
  it('reads its document examples: contact or recepient, text, media by MIME type, schedule', () => {
    expect(toNativeSend('whatsapp', 'sendtext', { recepient: { phoneNumber: '+919739978284' }, workspace: { id: 'w' }, textMessage: 'Hi', scheduleDateTime: '2026-12-24T09:00:00Z' })).toEqual({
      body: { to: { number: '+919739978284' }, scheduleDateTime: '2026-12-24T09:00:00Z', type: 'text', text: { body: 'Hi' } },
    });
    expect(toNativeSend('messenger', 'sendmedia', { contact: { id: '42' }, workspace: { id: 'w' }, mediaUrl: 'https://x.test/v.mp4', mimeType: 'video/mp4' })).toEqual({
      body: { contactId: '42', type: 'video', video: { link: 'https://x.test/v.mp4' } },
    });
    expect(toNativeSend('whatsapp', 'sendtemplate', { contact: { id: 7 }, workspace: { id: 'w' }, template: 'order_update' })).toEqual({
      body: { contactId: '7', type: 'template' },
      templateName: 'order_update',
    });
    expect(mediaTypeOf('application/pdf')).toBe('document');
    expect(mediaTypeOf('IMAGE/PNG')).toBe('image');
  });

  it("turns Messenger's and Instagram's elements into cards and Telegram's buttons into a keyboard, whichever button shape is given", () => {
    expect(
      toNativeSend('messenger', 'sendtemplate', {
        contact: { id: '1' },
        workspace: { id: 'w' },
        elements: [{ title: 'A', subtitle: 'B', image_url: 'https://x.test/a.png', buttons: [{ type: 'web_url', url: 'https://x.test', title: 'Go' }, { type: 'postback', title: 'Yes', payload: 'Y' }] }],
      }).body,
    ).toEqual({
      contactId: '1',
      type: 'cards',
      cards: { elements: [{ title: 'A', subtitle: 'B', imageUrl: 'https://x.test/a.png', buttons: [{ type: 'url', title: 'Go', url: 'https://x.test' }, { type: 'postback', title: 'Yes', payload: 'Y' }] }] },
    });
    expect(toNativeSend('telegram', 'sendtemplate', { contact: { id: '1' }, workspace: { id: 'w' }, textMessage: 'Deal?', buttons: [{ text: 'Yes', callback_data: 'Y' }, { text: 'Shop', url: 'https://x.test' }] }).body).toEqual({
      contactId: '1',
      type: 'buttons',
      buttons: { text: 'Deal?', buttons: [{ type: 'postback', title: 'Yes', payload: 'Y' }, { type: 'url', title: 'Shop', url: 'https://x.test' }] },
    });
    expect(toNativeSend('telegram', 'sendtemplate', { contact: { id: '1' }, workspace: { id: 'w' }, textMessage: 'Just text', buttons: [] }).body).toEqual({
      contactId: '1',
      type: 'text',
      text: { body: 'Just text' },
    });
  });

  it('names the field of what is wrong', () => {
    expect(fieldOf(() => toNativeSend('whatsapp', 'sendtext', { contact: { id: '1' }, recepient: { phoneNumber: '+1' }, textMessage: 'x' }))).toBe('contact');
    expect(fieldOf(() => toNativeSend('whatsapp', 'sendtext', { textMessage: 'x' }))).toBe('contact');
    expect(fieldOf(() => toNativeSend('whatsapp', 'sendtext', { recipient: { phoneNumber: '+1' }, textMessage: 'x' }))).toBe('recipient');
    expect(fieldOf(() => toNativeSend('whatsapp', 'sendtext', { contact: { id: 'abc' }, textMessage: 'x' }))).toBe('contact.id');
    expect(fieldOf(() => toNativeSend('messenger', 'sendmedia', { contact: { id: '1' }, mediaUrl: 'https://x.test/a', mimeType: 'jpeg' }))).toBe('mimeType');
    expect(fieldOf(() => toNativeSend('instagram', 'sendtemplate', { contact: { id: '1' }, elements: [] }))).toBe('elements');
    expect(fieldOf(() => toNativeSend('telegram', 'sendtemplate', { contact: { id: '1' }, textMessage: 'x', buttons: [{ text: 'A' }] }))).toBe('buttons[0]');
    expect(fieldOf(() => toNativeSend('whatsapp', 'sendtext', { contact: { id: '1' } }))).toBe('textMessage');
    // A field of another send, or one Herald does not carry, is refused by name, never dropped.
    expect(fieldOf(() => toNativeSend('whatsapp', 'sendtext', { recepient: { phoneNumber: '+1' }, textMessage: 'x', template: 'a' }))).toBe('template');
    expect(fieldOf(() => toNativeSend('whatsapp', 'sendtemplate', { recepient: { phoneNumber: '+1' }, template: 'a', textMessage: 'x' }))).toBe('textMessage');
    expect(fieldOf(() => toNativeSend('messenger', 'sendmedia', { contact: { id: '1' }, mediaUrl: 'https://x.test/a', mimeType: 'image/png', elements: [] }))).toBe('elements');
    expect(fieldOf(() => toNativeSend('messenger', 'sendtemplate', { contact: { id: '1' }, elements: [{ title: 'A', default_action: { type: 'web_url' } }] }))).toBe('elements[0].default_action');
    expect(fieldOf(() => toNativeSend('messenger', 'sendtemplate', { contact: { id: '1' }, elements: [{ title: 'A', buttons: [{ type: 'web_url', url: 'https://x.test', title: 'Go', webview_height_ratio: 'tall' }] }] }))).toBe(
      'elements[0].buttons[0].webview_height_ratio',
    );
  });
});
