import { describe, expect, it } from '@jest/globals';
import { recipientDigits, validateSendRequest } from './send-request.util';
import type { GraphErrorResponse } from './simulator.types';

const base = { messaging_product: 'whatsapp', recipient_type: 'individual', to: '+15551234567' };

function errorOf(body: unknown): { code: number; details: string; httpStatus: number } {
  const result = validateSendRequest(body);
  if (result.ok) throw new Error(`expected a rejection, got ${JSON.stringify(result.send)}`);
  const parsed = JSON.parse((result.error as GraphErrorResponse).body) as {
    error: { code: number; error_data: { details: string } };
  };
  return { code: parsed.error.code, details: parsed.error.error_data.details, httpStatus: result.error.httpStatus };
}

function accepted(body: unknown) {
  const result = validateSendRequest(body);
  if (!result.ok) throw new Error(`expected acceptance, got ${result.error.body}`);
  return result.send;
}

describe(validateSendRequest.name, () => {
  it('accepts a text send and reports the recipient, type and callback data', () => {
    const send = accepted({ ...base, type: 'text', text: { body: 'Hello' }, biz_opaque_callback_data: 'run-1:42' });
    expect(send).toEqual({
      input: '+15551234567',
      waId: '15551234567',
      type: 'text',
      callbackData: 'run-1:42',
      template: undefined,
    });
  });

  it('treats a send without type as text, as Meta does', () => {
    expect(accepted({ ...base, text: { body: 'Hi' } }).type).toBe('text');
  });

  it('answers 100 when messaging_product is missing or not whatsapp', () => {
    expect(errorOf({ to: '+15551234567', text: { body: 'x' } })).toMatchObject({ code: 100, httpStatus: 400 });
    expect(errorOf({ ...base, messaging_product: 'sms', text: { body: 'x' } }).details).toContain('messaging_product');
  });

  it('answers 131008 when the recipient is missing and 100 when it cannot be a phone number', () => {
    expect(errorOf({ messaging_product: 'whatsapp', type: 'text', text: { body: 'x' } })).toMatchObject({ code: 131008 });
    expect(errorOf({ ...base, to: 'not a number', text: { body: 'x' } }).code).toBe(100);
    expect(errorOf({ ...base, to: '0033612345678', text: { body: 'x' } }).code).toBe(100);
    expect(errorOf({ ...base, to: 15551234567, text: { body: 'x' } }).code).toBe(100);
  });

  it('refuses an unknown type with 100', () => {
    expect(errorOf({ ...base, type: 'carrier_pigeon' })).toMatchObject({ code: 100 });
  });

  it('checks text: body required (131008) and at most 4096 characters (100)', () => {
    expect(errorOf({ ...base, type: 'text' }).code).toBe(131008);
    expect(errorOf({ ...base, type: 'text', text: {} }).code).toBe(131008);
    expect(accepted({ ...base, type: 'text', text: { body: 'x'.repeat(4096) } }).type).toBe('text');
    expect(errorOf({ ...base, type: 'text', text: { body: 'x'.repeat(4097) } })).toMatchObject({ code: 100 });
  });

  it('limits biz_opaque_callback_data to 512 characters', () => {
    expect(accepted({ ...base, text: { body: 'x' }, biz_opaque_callback_data: 'c'.repeat(512) }).callbackData).toHaveLength(512);
    expect(errorOf({ ...base, text: { body: 'x' }, biz_opaque_callback_data: 'c'.repeat(513) }).details).toContain('512');
  });

  it('checks media: link must be http(s), a link or an id is required, captions ≤ 1024 only where allowed', () => {
    expect(accepted({ ...base, type: 'image', image: { link: 'https://example.com/a.jpg', caption: 'c' } }).type).toBe('image');
    expect(accepted({ ...base, type: 'document', document: { id: '1234567890', filename: 'a.pdf' } }).type).toBe('document');
    expect(errorOf({ ...base, type: 'image', image: {} }).code).toBe(131008);
    expect(errorOf({ ...base, type: 'image', image: { link: 'ftp://example.com/a.jpg' } }).code).toBe(131009);
    expect(errorOf({ ...base, type: 'video', video: { link: 'https://e.com/v.mp4', caption: 'x'.repeat(1025) } }).code).toBe(100);
    expect(errorOf({ ...base, type: 'audio', audio: { link: 'https://e.com/a.ogg', caption: 'no' } }).code).toBe(100);
  });

  it('checks location coordinates are present and in range', () => {
    expect(accepted({ ...base, type: 'location', location: { latitude: 52.5, longitude: 13.4, name: 'Berlin' } }).type).toBe(
      'location',
    );
    expect(errorOf({ ...base, type: 'location', location: { latitude: 52.5 } }).code).toBe(131008);
    expect(errorOf({ ...base, type: 'location', location: { latitude: 91, longitude: 0 } }).code).toBe(131009);
  });

  it('checks interactive reply buttons: 1 to 3, titles of at most 20, unique', () => {
    const buttons = (titles: string[]) => ({
      ...base,
      type: 'interactive',
      interactive: {
        type: 'button',
        body: { text: 'Pick one' },
        action: { buttons: titles.map((title, i) => ({ type: 'reply', reply: { id: `b${i}`, title } })) },
      },
    });
    expect(accepted(buttons(['Yes', 'No'])).type).toBe('interactive');
    expect(errorOf(buttons([])).details).toContain('Buttons count invalid');
    expect(errorOf(buttons(['a', 'b', 'c', 'd'])).code).toBe(131009);
    expect(errorOf(buttons(['x'.repeat(21)])).details).toContain('Max length: 20');
    expect(errorOf(buttons(['Same', 'Same'])).code).toBe(131009);
    const noBody = buttons(['Yes']);
    delete (noBody.interactive as { body?: unknown }).body;
    expect(errorOf(noBody).code).toBe(131008);
  });

  it('checks interactive lists: a button label, sections with rows, at most 10 rows in all', () => {
    const list = (rowCount: number) => ({
      ...base,
      type: 'interactive',
      interactive: {
        type: 'list',
        body: { text: 'Choose' },
        action: {
          button: 'Options',
          sections: [{ title: 'All', rows: Array.from({ length: rowCount }, (_, i) => ({ id: `r${i}`, title: `Row ${i}` })) }],
        },
      },
    });
    expect(accepted(list(10)).type).toBe('interactive');
    expect(errorOf(list(11)).code).toBe(131009);
    expect(errorOf(list(0)).code).toBe(131009);
  });

  it('collects a template reference with its body and header parameter counts', () => {
    const send = accepted({
      ...base,
      type: 'template',
      biz_opaque_callback_data: 'r:1',
      template: {
        name: 'order_update',
        language: { code: 'en_US' },
        components: [
          { type: 'header', parameters: [{ type: 'image', image: { link: 'https://e.com/h.png' } }] },
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'Ada' },
              { type: 'currency', currency: { fallback_value: '$10', code: 'USD', amount_1000: 10000 } },
            ],
          },
          { type: 'button', sub_type: 'quick_reply', index: '0', parameters: [{ type: 'payload', payload: 'STOP' }] },
        ],
      },
    });
    expect(send.template).toEqual({
      name: 'order_update',
      languageCode: 'en_US',
      bodyParameters: { positional: 2, named: [] },
      headerParameters: 1,
    });
  });

  it('requires a template name and language code (131008) and well-formed parameters', () => {
    expect(errorOf({ ...base, type: 'template', template: { language: { code: 'en' } } }).code).toBe(131008);
    expect(errorOf({ ...base, type: 'template', template: { name: 'x' } }).code).toBe(131008);
    const badParam = {
      ...base,
      type: 'template',
      template: { name: 'x', language: { code: 'en' }, components: [{ type: 'body', parameters: [{ type: 'text' }] }] },
    };
    expect(errorOf(badParam).details).toContain("Parameter 'text' is mandatory");
  });

  it('checks context.message_id of a reply', () => {
    expect(accepted({ ...base, text: { body: 'x' }, context: { message_id: 'wamid.ABC' } }).type).toBe('text');
    expect(errorOf({ ...base, text: { body: 'x' }, context: {} }).code).toBe(131008);
    expect(errorOf({ ...base, text: { body: 'x' }, context: { message_id: 'nope' } }).code).toBe(131009);
  });

  it('checks reactions carry a message id and an emoji', () => {
    expect(accepted({ ...base, type: 'reaction', reaction: { message_id: 'wamid.X', emoji: '👍' } }).type).toBe('reaction');
    expect(errorOf({ ...base, type: 'reaction', reaction: { message_id: 'wamid.X' } }).code).toBe(131008);
  });
});

describe(recipientDigits.name, () => {
  it('reads the usual ways of writing a number', () => {
    expect(recipientDigits('+91 97399 78284')).toBe('919739978284');
    expect(recipientDigits('+1 (202) 555-0143')).toBe('12025550143');
    expect(recipientDigits('15551234567')).toBe('15551234567');
  });

  it('refuses letters, a + in the middle, too few or too many digits', () => {
    expect(recipientDigits('+1555abc4567')).toBeUndefined();
    expect(recipientDigits('1555+1234567')).toBeUndefined();
    expect(recipientDigits('+12345')).toBeUndefined();
    expect(recipientDigits('+1234567890123456')).toBeUndefined();
  });
});
