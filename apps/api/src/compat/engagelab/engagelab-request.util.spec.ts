import { describe, expect, it } from '@jest/globals';
import { HeraldError } from '@herald/common';
import { engageLabNumber, inEngageLabTerms, toNativeSend } from './engagelab-request.util';

const refusal = (body: unknown): { code: string; message: string; field?: string } => {
  try {
    toNativeSend(body);
  } catch (e) {
    if (e instanceof HeraldError) return { code: e.code, message: e.message, field: e.details[0]?.field };
    throw e;
  }
  throw new Error('not refused');
};

describe('toNativeSend', () => {
  it("reads the document's template example: 00 → +, request_id and custom_args carried, components as Herald's", () => {
    const send = toNativeSend({
      from: '+8613800138000',
      to: ['00447911123456'],
      body: { type: 'template', template: { name: 'code', language: 'zh_CN', components: [{ type: 'body', parameters: [{ type: 'text', text: '12345' }] }] } },
      request_id: '123asdbbqwe9faweg',
      custom_args: { arg1: 'string val', arg2: 123 },
    });
    expect(send).toEqual({
      from: '+8613800138000',
      to: ['+447911123456'],
      message: { type: 'template', template: { name: 'code', language: 'zh_CN', components: [{ type: 'body', parameters: [{ type: 'text', text: '12345' }] }] } },
      requestId: '123asdbbqwe9faweg',
      customArgs: { arg1: 'string val', arg2: 123 },
    });
  });

  it('translates snake_case parameters: header document with filename, currency, date_time (fallback_value only, as Meta renders it), buttons', () => {
    const send = toNativeSend({
      to: ['447911123456'],
      body: {
        type: 'template',
        template: {
          name: 'invoice',
          language: 'en_US',
          components: [
            { type: 'header', parameters: [{ type: 'document', document: { link: 'https://example.com/a.pdf', filename: 'a.pdf' } }] },
            {
              type: 'body',
              parameters: [
                { type: 'currency', currency: { fallback_value: '$100.99', code: 'USD', amount_1000: 100990 } },
                { type: 'date_time', date_time: { fallback_value: 'February 25, 1977', day_of_week: 5, year: 1977, month: 2, hour: 15, minute: 33 } },
                { type: 'date_time', date_time: { fallback_value: 'February 25, 1977', timestamp: 1485470276 } },
                { type: 'text', text: 'Ann', parameter_name: 'first_name' },
              ],
            },
            { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: 'abc' }] },
            { type: 'button', sub_type: 'quick_reply', index: 1, parameters: [{ type: 'payload', payload: 'YES' }] },
          ],
        },
      },
    });
    expect(send.to).toEqual(['+447911123456']);
    expect((send.message['template'] as { components: unknown[] }).components).toEqual([
      { type: 'header', parameters: [{ type: 'document', document: { link: 'https://example.com/a.pdf', filename: 'a.pdf' } }] },
      {
        type: 'body',
        parameters: [
          { type: 'currency', currency: { fallbackValue: '$100.99', code: 'USD', amount1000: 100990 } },
          { type: 'date_time', dateTime: { fallbackValue: 'February 25, 1977' } },
          { type: 'date_time', dateTime: { fallbackValue: 'February 25, 1977' } },
          { type: 'text', text: 'Ann', parameterName: 'first_name' },
        ],
      },
      { type: 'button', subType: 'url', index: '0', parameters: [{ type: 'text', text: 'abc' }] },
      { type: 'button', subType: 'quick_reply', index: 1, parameters: [{ type: 'payload', payload: 'YES' }] },
    ]);
  });

  it.each([
    ['text', { body: 'hi' }, { body: 'hi' }],
    ['image', { link: 'https://x.test/a.png', caption: 'c' }, { link: 'https://x.test/a.png', caption: 'c' }],
    ['video', { link: 'https://x.test/a.mp4' }, { link: 'https://x.test/a.mp4' }],
    ['audio', { link: 'https://x.test/a.mp3' }, { link: 'https://x.test/a.mp3' }],
    ['sticker', { link: 'https://x.test/a.webp' }, { link: 'https://x.test/a.webp' }],
    ['document', { link: 'https://x.test/a.pdf', caption: 'Invoice', filename: 'inv.pdf' }, { link: 'https://x.test/a.pdf', caption: 'Invoice', filename: 'inv.pdf' }],
    ['document', { link: 'https://x.test/a.pdf', caption: 'Invoice' }, { link: 'https://x.test/a.pdf', caption: 'Invoice', filename: 'Invoice' }],
  ])('reads a %s body (a document without filename is named by its caption)', (type, content, native) => {
    // `to` as one string, as the document's per-type examples write it.
    expect(toNativeSend({ from: '8613800138000', to: '8613800138001', body: { type, [type]: content } })).toEqual({
      from: '8613800138000',
      to: ['+8613800138001'],
      message: { type, [type]: native },
    });
  });

  it.each([
    ['no to', { body: { type: 'text', text: { body: 'x' } } }, 'validation_failed', 'to'],
    ['an empty to', { to: [], body: { type: 'text', text: { body: 'x' } } }, 'validation_failed', 'to'],
    ['a number without country code', { to: ['07400 123456'], body: { type: 'text', text: { body: 'x' } } }, 'validation_failed', 'to[0]'],
    ['a number that is not a string', { to: [447911123456], body: { type: 'text', text: { body: 'x' } } }, 'validation_failed', 'to[0]'],
    ['no body', { to: ['+447911123456'] }, 'validation_failed', 'body'],
    ['an unknown type', { to: ['+447911123456'], body: { type: 'location', location: {} } }, 'validation_failed', 'body.type'],
    ['type template without template', { to: ['+447911123456'], body: { type: 'template', text: { body: 'x' } } }, 'validation_failed', 'body.text'],
    ['type template with no object', { to: ['+447911123456'], body: { type: 'template' } }, 'validation_failed', 'body.template'],
    ['an unknown top-level field', { to: ['+447911123456'], sendno: 'x', body: { type: 'text', text: { body: 'x' } } }, 'validation_failed', 'sendno'],
    ['a media id', { to: ['+447911123456'], body: { type: 'image', image: { id: '1234567890' } } }, 'unsupported', 'body.image.id'],
    ['a media object without link', { to: ['+447911123456'], body: { type: 'sticker', sticker: {} } }, 'validation_failed', 'body.sticker.link'],
    ['a template name that cannot exist', { to: ['+447911123456'], body: { type: 'template', template: { name: 'your-template-name', language: 'zh_CN' } } }, 'template_not_found', 'body.template.name'],
    ['a footer component', { to: ['+447911123456'], body: { type: 'template', template: { name: 'a', language: 'en', components: [{ type: 'footer', parameters: [] }] } } }, 'unsupported', 'body.template.components[0].type'],
    ['a media parameter in the body', { to: ['+447911123456'], body: { type: 'template', template: { name: 'a', language: 'en', components: [{ type: 'body', parameters: [{ type: 'image', image: { link: 'https://x.test/a.png' } }] }] } } }, 'validation_failed', 'body.template.components[0].parameters[0].type'],
    ['a request_id that is not a string', { to: ['+447911123456'], body: { type: 'text', text: { body: 'x' } }, request_id: 12 }, 'validation_failed', 'request_id'],
    ['custom_args that are not an object', { to: ['+447911123456'], body: { type: 'text', text: { body: 'x' } }, custom_args: [1] }, 'validation_failed', 'custom_args'],
  ])('refuses %s, naming the field', (_name, body, code, field) => {
    expect(refusal(body)).toMatchObject({ code, field });
  });
});

describe('engageLabNumber', () => {
  it('makes 00 and bare international numbers E.164 and refuses what has no country code', () => {
    expect(engageLabNumber('00447911123456', 'to[0]')).toBe('+447911123456');
    expect(engageLabNumber('+44 7911 123-456', 'to[0]')).toBe('+447911123456');
    expect(engageLabNumber('8613800138000', 'to[0]')).toBe('+8613800138000');
    expect(() => engageLabNumber('0447911123456', 'to[0]')).toThrow(HeraldError);
    expect(() => engageLabNumber('+12', 'to[0]')).toThrow(HeraldError);
  });
});

describe('inEngageLabTerms', () => {
  it("names Herald's fields as an EngageLab client wrote them", () => {
    expect(inEngageLabTerms('Invalid message: template.components[0].parameters[0].currency.amount1000 must be a whole number.')).toBe(
      'Invalid message: body.template.components[0].parameters[0].currency.amount_1000 must be a whole number.',
    );
    expect(inEngageLabTerms('Invalid message: text.body must be at most 4096 characters; requestId must be 1-100 characters.')).toBe(
      'Invalid message: body.text.body must be at most 4096 characters; request_id must be 1-100 characters.',
    );
    expect(inEngageLabTerms('body.template.name is required.')).toBe('body.template.name is required.');
  });
});
