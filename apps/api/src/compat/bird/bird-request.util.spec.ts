import { describe, expect, it } from '@jest/globals';
import { HeraldError } from '@herald/common';
import { renderBirdError } from './bird-error.shape';
import { birdStatus, contactRef, identifierKeyOf, languageFor, templateComponents, toBirdSend, toNativeParts, type TemplateNeeds } from './bird-request.util';

const TO = { receiver: { contacts: [{ identifierKey: 'phonenumber', identifierValue: '+31612345678' }] } };
const IMG = 'https://example.com/a.png';
const refusal = (f: () => unknown): { code: string; details: readonly { field?: string; issue: string }[] } => {
  try {
    f();
  } catch (error) {
    if (error instanceof HeraldError) return { code: error.code, details: error.details };
    throw error;
  }
  throw new Error('expected a refusal');
};

describe(toBirdSend.name, () => {
  it('reads one receiver by identifierValue (a number on WhatsApp, an identity elsewhere) or by Herald contact id', () => {
    expect(toBirdSend('whatsapp', { ...TO, body: { type: 'text', text: { text: 'Hi' } } }).recipient).toEqual({ to: { number: '+31612345678' } });
    expect(toBirdSend('messenger', { receiver: { contacts: [{ identifierKey: 'facebookid-1', identifierValue: '720197540012345' }] }, body: { type: 'text', text: { text: 'Hi' } } }).recipient).toEqual({
      to: '720197540012345',
    });
    expect(toBirdSend('whatsapp', { receiver: { contacts: [{ id: '1042', identifierValue: '+3161' }] }, body: { type: 'text', text: { text: 'Hi' } } }).recipient).toEqual({ contactId: '1042' });
  });

  it('refuses what Herald cannot honour, naming the field', () => {
    const two = refusal(() => toBirdSend('whatsapp', { receiver: { contacts: [{ identifierValue: '+31612345678' }, { identifierValue: '+31612345679' }] }, body: { type: 'text', text: { text: 'x' } } }));
    expect(two).toMatchObject({ code: 'unsupported', details: [{ field: 'receiver.contacts' }] });
    expect(refusal(() => toBirdSend('whatsapp', { receiver: { contacts: [{ identifierKey: 'emailaddress', identifierValue: 'a@b.c' }] }, body: {} })).details[0]!.field).toBe('receiver.contacts[0].identifierKey');
    expect(refusal(() => toBirdSend('whatsapp', { ...TO })).details[0]!.field).toBe('body');
    expect(refusal(() => toBirdSend('whatsapp', { ...TO, body: { type: 'text', text: { text: 'x' } }, capFrequency: true })).details[0]!.field).toBe('capFrequency');
    expect(refusal(() => toBirdSend('whatsapp', { ...TO, body: { type: 'text', text: { text: 'x' } }, shortLinks: { domain: 'brand.example' } })).code).toBe('unsupported');
    expect(refusal(() => toBirdSend('whatsapp', { ...TO, body: { type: 'text', text: { text: 'x' } }, replyTo: { id: 'a', type: 'click' } })).code).toBe('unsupported');
    expect(refusal(() => toBirdSend('telegram', { ...TO, template: { projectId: 'p', version: 'latest' } })).details[0]!.field).toBe('template');
    expect(refusal(() => toBirdSend('whatsapp', { ...TO, body: { type: 'text', text: { text: 'x' } }, reciever: {} })).details[0]!.field).toBe('reciever');
  });

  it("maps the send options onto the native ones: capFrequency only with a marketing useCase, link tracking, reference and extraInformation kept", () => {
    const send = toBirdSend('whatsapp', {
      ...TO,
      body: { type: 'text', text: { text: 'x' } },
      reference: 'my-own-identifier',
      meta: { extraInformation: { useCase: 'marketing' } },
      capFrequency: true,
      ignoreQuietHours: true,
      enableLinkTracking: true,
      tags: ['Orders'],
      scheduledFor: '2026-12-24T09:00:00Z',
      validity: 600,
      notification: { url: 'https://example.com/events' },
      replyTo: { id: '1e7b70ab-3dcc-48f4-a6f6-63a493f6134c', type: 'message' },
    });
    expect(send.options).toEqual({
      scheduledFor: '2026-12-24T09:00:00Z',
      validity: 600,
      tags: ['Orders'],
      ignoreQuietHours: true,
      useFrequencyCapping: true,
      trackLinks: true,
      customArgs: { reference: 'my-own-identifier', extraInformation: { useCase: 'marketing' } },
      callbackUrl: 'https://example.com/events',
    });
    expect(send.replyTo).toBe('1e7b70ab-3dcc-48f4-a6f6-63a493f6134c');
    expect(toBirdSend('whatsapp', { ...TO, body: { type: 'text', text: { text: 'x' } }, shortLinks: { domain: 'default' } }).options).toEqual({ trackLinks: true });
  });

  it('reads a template reference: projectId, version, locale and typed parameters as text', () => {
    const send = toBirdSend('whatsapp', { ...TO, template: { projectId: 'ce6a2fd6-b2fa-4f5a-a2cd-f3bd15883318', version: 'latest', locale: 'en', parameters: [{ type: 'string', key: 'name', value: 'Robert' }, { type: 'number', key: 'n', value: 3 }] } });
    expect(send.template).toEqual({ projectId: 'ce6a2fd6-b2fa-4f5a-a2cd-f3bd15883318', version: 'latest', locale: 'en', parameters: [{ key: 'name', value: 'Robert' }, { key: 'n', value: '3' }] });
    expect(refusal(() => toBirdSend('whatsapp', { ...TO, template: { projectId: 'x', parameters: [{ type: 'sectionList', key: 'k', value: {} }] } })).code).toBe('unsupported');
  });
});

describe(toNativeParts.name, () => {
  const reply = (text: string) => ({ type: 'reply', reply: { text } });
  const postback = (text: string, payload?: string) => ({ type: 'postback', postback: { text, ...(payload ? { payload } : {}) } });

  it('turns a text with reply and postback actions into WhatsApp reply buttons (a postback answers its payload, a reply its text)', () => {
    expect(toNativeParts('whatsapp', { type: 'text', text: { text: 'Pick', actions: [postback('Postback action 1', 'postback-payload-1'), reply('Reply action 1')] } })).toEqual([
      {
        type: 'interactive',
        interactive: {
          type: 'button',
          body: { text: 'Pick' },
          action: { buttons: [{ type: 'reply', reply: { id: 'postback-payload-1', title: 'Postback action 1' } }, { type: 'reply', reply: { id: 'Reply action 1', title: 'Reply action 1' } }] },
        },
      },
    ]);
  });

  it('turns actions into quick replies (Messenger, Instagram) or buttons (Telegram, Messenger postbacks and links)', () => {
    expect(toNativeParts('instagram', { type: 'text', text: { text: 'Pick', actions: [reply('Yes')] } })).toEqual([{ type: 'text', text: { body: 'Pick' }, quickReplies: [{ title: 'Yes', payload: 'Yes' }] }]);
    expect(toNativeParts('telegram', { type: 'text', text: { text: 'Pick', actions: [postback('Go', 'GO'), { type: 'link', link: { text: 'Site', url: 'https://example.com' } }] } })).toEqual([
      { type: 'buttons', buttons: { text: 'Pick', buttons: [{ type: 'postback', title: 'Go', payload: 'GO' }, { type: 'url', title: 'Site', url: 'https://example.com' }] } },
    ]);
  });

  it("refuses a location request button, reading Bird's own example (no type, no text wrapper) as a text body", () => {
    const r = refusal(() => toNativeParts('whatsapp', { text: 'Single text message with location request', actions: [{ type: 'locationRequest' }] }));
    expect(r).toMatchObject({ code: 'unsupported', details: [{ field: 'body.text.actions[0].type' }] });
  });

  it('sends several images as one message each, the labels as captions and the text and buttons with the last', () => {
    const parts = toNativeParts('whatsapp', {
      type: 'image',
      image: { images: [{ altText: 'First', mediaUrl: IMG }, { altText: 'Second', mediaUrl: 'https://example.com/b.png' }], text: 'Both', actions: [postback('Go', 'GO')] },
    });
    expect(parts).toEqual([
      { type: 'image', image: { link: IMG, caption: 'First' } },
      {
        type: 'interactive',
        interactive: { type: 'button', header: { type: 'image', image: { link: 'https://example.com/b.png' } }, body: { text: 'Both' }, action: { buttons: [{ type: 'reply', reply: { id: 'GO', title: 'Go' } }] } },
      },
    ]);
    expect(toNativeParts('whatsapp', { type: 'image', image: { images: [{ altText: 'Label', mediaUrl: IMG }], text: 'Caption' } })).toEqual([{ type: 'image', image: { link: IMG, caption: 'Caption' } }]);
  });

  it('sends files by their content type (video, document with its filename), a postback without payload answering its text', () => {
    const parts = toNativeParts('whatsapp', {
      type: 'file',
      file: {
        text: 'Files',
        files: [
          { contentType: 'video/mp4', mediaUrl: 'https://example.com/v.mp4' },
          { contentType: 'application/pdf', mediaUrl: 'https://example.com/d.pdf', filename: 'passport.pdf' },
        ],
        actions: [postback('Postback action')],
      },
    });
    expect(parts).toEqual([
      { type: 'video', video: { link: 'https://example.com/v.mp4' } },
      {
        type: 'interactive',
        interactive: {
          type: 'button',
          header: { type: 'document', document: { link: 'https://example.com/d.pdf', filename: 'passport.pdf' } },
          body: { text: 'Files' },
          action: { buttons: [{ type: 'reply', reply: { id: 'Postback action', title: 'Postback action' } }] },
        },
      },
    ]);
  });

  it('maps a location and a list (sections, row descriptions, the button label; a default label without one)', () => {
    expect(toNativeParts('whatsapp', { type: 'location', location: { coordinates: { latitude: 52.34, longitude: 4.9 }, location: { address: 'Street 1', label: 'Office' } } })).toEqual([
      { type: 'location', location: { latitude: 52.34, longitude: 4.9, name: 'Office', address: 'Street 1' } },
    ]);
    const list = toNativeParts('whatsapp', {
      type: 'list',
      list: {
        items: [{ title: 'Section 1', actions: [{ type: 'postback', postback: { payload: 'p1', text: 'Action 1', metadata: { description: { label: 'About 1' } } } }] }],
        title: 'List title',
        altText: 'List alt text',
        text: 'List text',
        metadata: { button: { label: 'Show options' } },
      },
    });
    expect(list).toEqual([
      {
        type: 'interactive',
        interactive: { type: 'list', header: { type: 'text', text: 'List title' }, body: { text: 'List text' }, action: { button: 'Show options', sections: [{ title: 'Section 1', rows: [{ id: 'p1', title: 'Action 1', description: 'About 1' }] }] } },
      },
    ]);
    const plain = toNativeParts('whatsapp', { type: 'list', list: { items: [{ actions: [postback('A', 'a')] }], text: 'T' } })[0] as { interactive: { action: { button: string } } };
    expect(plain.interactive.action.button).toBe('Options');
  });

  it('refuses body types Herald does not have', () => {
    expect(refusal(() => toNativeParts('whatsapp', { type: 'html', html: { text: 'x' } }))).toMatchObject({ code: 'unsupported', details: [{ field: 'body.type' }] });
    expect(refusal(() => toNativeParts('whatsapp', { type: 'carousel', carousel: { items: [] } })).code).toBe('unsupported');
  });
});

describe(templateComponents.name, () => {
  const needs = (n: Partial<TemplateNeeds>): TemplateNeeds => ({ header: { kind: 'none' }, body: { count: 0 }, buttons: [], ...n });

  it('fills named body variables by key', () => {
    expect(templateComponents('hello', needs({ body: { count: 1, names: ['name'] } }), [{ key: 'name', value: 'Robert' }])).toEqual([
      { type: 'body', parameters: [{ type: 'text', text: 'Robert', parameterName: 'name' }] },
    ]);
  });

  it('fills a media header from the one URL parameter, and a URL button from the one left', () => {
    expect(
      templateComponents('promo', needs({ header: { kind: 'media', format: 'image' }, body: { count: 1, names: ['name'] }, buttons: [{ index: 0, type: 'url' }] }), [
        { key: 'imageURL', value: IMG },
        { key: 'name', value: 'Robert' },
        { key: 'url', value: '?campaignid=123456' },
      ]),
    ).toEqual([
      { type: 'header', parameters: [{ type: 'image', image: { link: IMG } }] },
      { type: 'body', parameters: [{ type: 'text', text: 'Robert', parameterName: 'name' }] },
      { type: 'button', subType: 'url', index: 0, parameters: [{ type: 'text', text: '?campaignid=123456' }] },
    ]);
  });

  it('refuses a missing variable and a parameter that matches none', () => {
    expect(refusal(() => templateComponents('t', needs({ body: { count: 2 } }), [{ key: '1', value: 'a' }])).details[0]!.issue).toContain('"2"');
    expect(refusal(() => templateComponents('t', needs({}), [{ key: 'name', value: 'a' }])).details[0]!.field).toBe('template.parameters[0].key');
  });
});

describe('Bird answers', () => {
  it('picks the translation of a BCP 47 locale', () => {
    expect(languageFor('en', ['en'])).toBe('en');
    expect(languageFor('en-US', ['en_US', 'fr'])).toBe('en_US');
    expect(languageFor('en', ['en_US', 'fr'])).toBe('en_US');
    expect(languageFor('en', ['en_US', 'en_GB'])).toBeUndefined();
  });

  it("answers Bird's statuses and identifier keys", () => {
    expect(['queued', 'scheduled', 'accepted', 'held', 'sent', 'read', 'failed', 'skipped', 'expired', 'cancelled'].map(birdStatus)).toEqual(['accepted', 'scheduled', 'processing', 'processing', 'sent', 'delivered', 'sending_failed', 'skipped', 'delivery_failed', 'deleted']);
    expect(identifierKeyOf('messenger', '164849000012345')).toBe('facebookid-164849000012345');
  });

  it('reads the contact of a channel-details request: an identifier value, a Herald id, or a +number', () => {
    expect(contactRef('1042', undefined)).toBe('id:1042');
    expect(contactRef('1042', '+31612345678')).toBe('+31612345678');
    expect(contactRef('+31612345678', '')).toBe('+31612345678');
    expect(refusal(() => contactRef('1', '720197540012345abc')).code).toBe('unsupported');
  });

  it("renders errors as Bird's RequestError, and field errors as its 422 ValidationError", () => {
    const body = (code: string, message: string, details: Array<{ field?: string; issue: string }> = []) => ({ error: { code, message, details } });
    expect(renderBirdError({ status: 401, unexpected: false, body: body('api_key_invalid', 'The API key is unknown.') })).toEqual({ status: 401, body: { code: 'api_key_invalid', message: 'The API key is unknown.' }, headers: { 'WWW-Authenticate': 'AccessKey realm="herald"' } });
    expect(renderBirdError({ status: 400, unexpected: false, body: body('validation_failed', 'tags bad.', [{ field: 'tags[0]', issue: 'bad' }, { field: 'tags[0]', issue: 'worse' }]) })).toEqual({
      status: 422,
      body: { code: 'validation_failed', message: 'tags bad.', details: { 'tags[0]': ['bad', 'worse'] } },
    });
    // Fields named like what every object has: each its own list (they found Object.prototype's and answered 500).
    const named = renderBirdError({ status: 400, unexpected: false, body: body('validation_failed', 'x.', [{ field: 'toString', issue: 'unknown' }, { field: '__proto__', issue: 'reserved' }]) });
    expect(JSON.parse(JSON.stringify(named.body))).toEqual({ code: 'validation_failed', message: 'x.', details: JSON.parse('{"toString": ["unknown"], "__proto__": ["reserved"]}') });
  });
});
