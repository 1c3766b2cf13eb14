import { describe, expect, it } from '@jest/globals';
import { validateOutboundMessage, type FieldIssue } from './outbound-message.util';

function issues(input: unknown): FieldIssue[] {
  const result = validateOutboundMessage(input);
  return result.ok ? [] : result.errors;
}
function fields(input: unknown): string[] {
  return issues(input).map((i) => i.field);
}
const rows = (n: number, prefix = 'r') => Array.from({ length: n }, (_, i) => ({ id: `${prefix}${i}`, title: `Row ${i}` }));
const buttons = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ type: 'reply', reply: { id: `b${i}`, title: `Button ${i}` } }));

describe(validateOutboundMessage.name, () => {
  it.each([
    ['text', { type: 'text', text: { body: 'Hello', previewUrl: true } }],
    ['image', { type: 'image', image: { link: 'https://example.com/a.png', caption: 'A' } }],
    ['video', { type: 'video', video: { link: 'http://example.com/a.mp4' } }],
    ['audio', { type: 'audio', audio: { link: 'https://example.com/a.ogg' } }],
    ['document', { type: 'document', document: { link: 'https://example.com/a.pdf', caption: 'Invoice', filename: 'a.pdf' } }],
    ['sticker', { type: 'sticker', sticker: { link: 'https://example.com/a.webp' } }],
    [
      'location',
      { type: 'location', location: { latitude: 37.44, longitude: -122.16, name: 'Philz', address: '101 Forest Ave' } },
    ],
    [
      'template with params',
      { type: 'template', template: { name: 'order_update', language: 'en_US', params: ['Pablo', '42'] } },
    ],
    ['template without variables', { type: 'template', template: { name: 'hello_world', language: 'en' } }],
    [
      'template with components',
      {
        type: 'template',
        template: {
          name: 'promo',
          language: 'pt_BR',
          components: [
            { type: 'header', parameters: [{ type: 'image', image: { link: 'https://example.com/h.png' } }] },
            {
              type: 'body',
              parameters: [
                { type: 'text', text: 'Ana', parameterName: 'first_name' },
                { type: 'currency', currency: { fallbackValue: 'R$10', code: 'BRL', amount1000: 10000 } },
                { type: 'date_time', dateTime: { fallbackValue: 'May 1' } },
              ],
            },
            { type: 'button', subType: 'url', index: 0, parameters: [{ type: 'text', text: 'abc' }] },
            { type: 'button', subType: 'quick_reply', index: '1', parameters: [{ type: 'payload', payload: 'stop' }] },
          ],
        },
      },
    ],
    [
      'reply buttons',
      { type: 'interactive', interactive: { type: 'button', body: { text: 'Pick' }, action: { buttons: buttons(3) } } },
    ],
    [
      'list',
      {
        type: 'interactive',
        interactive: {
          type: 'list',
          header: { type: 'text', text: 'Menu' },
          body: { text: 'Pick' },
          footer: { text: 'Thanks' },
          action: {
            button: 'Options',
            sections: [
              { title: 'A', rows: rows(5) },
              { title: 'B', rows: rows(5, 's') },
            ],
          },
        },
      },
    ],
  ])('accepts a valid %s message', (_case, input) => {
    expect(issues(input)).toEqual([]);
  });

  it('returns only the known fields, with replyTo, and ignores the rest of the request body', () => {
    expect(validateOutboundMessage({ to: '+15551234567', type: 'text', text: { body: 'Hi' }, replyTo: 'wamid.X' })).toEqual({
      ok: true,
      message: { type: 'text', text: { body: 'Hi' }, replyTo: 'wamid.X' },
    });
    const template = validateOutboundMessage({
      type: 'template',
      template: {
        name: 'promo',
        language: 'en',
        components: [{ type: 'button', subType: 'quick_reply', index: '2', parameters: [{ type: 'payload', payload: 'p' }] }],
      },
    });
    expect(template).toEqual({
      ok: true,
      message: {
        type: 'template',
        template: {
          name: 'promo',
          language: 'en',
          components: [{ type: 'button', subType: 'quick_reply', index: 2, parameters: [{ type: 'payload', payload: 'p' }] }],
        },
      },
    });
  });

  it('requires a known type', () => {
    expect(issues({ text: { body: 'x' } })).toEqual([
      { field: 'type', issue: 'must be one of text, template, image, video, audio, document, sticker, interactive, location on WhatsApp' },
    ]);
    expect(fields({ type: 'reaction', reaction: {} })).toEqual(['type']);
    expect(issues('text')).toEqual([{ field: '', issue: 'must be an object' }]);
  });

  it('requires the body under the key named like the type, and no other type key', () => {
    expect(issues({ type: 'image' })).toEqual([{ field: 'image', issue: 'is required' }]);
    expect(fields({ type: 'text', text: { body: 'x' }, image: { link: 'https://e.com/a.png' } })).toEqual(['image']);
  });

  it('limits text to 4,096 characters, counting emoji as one', () => {
    expect(issues({ type: 'text', text: { body: 'a'.repeat(4096) } })).toEqual([]);
    expect(issues({ type: 'text', text: { body: '😀'.repeat(4096) } })).toEqual([]);
    expect(issues({ type: 'text', text: { body: 'a'.repeat(4097) } })).toEqual([
      { field: 'text.body', issue: 'must be at most 4096 characters (is 4097)' },
    ]);
    expect(issues({ type: 'text', text: { body: '   ' } })).toEqual([{ field: 'text.body', issue: 'must not be empty' }]);
    expect(issues({ type: 'text', text: { body: 'x', previewUrl: 'yes' } })).toEqual([
      { field: 'text.previewUrl', issue: 'must be true or false' },
    ]);
  });

  it("names Meta's snake_case keys as unknown fields", () => {
    expect(issues({ type: 'text', text: { body: 'x', preview_url: true } })).toEqual([
      { field: 'text.preview_url', issue: 'is not a known field (known: body, previewUrl)' },
    ]);
  });

  it('limits captions to 1,024 characters and refuses captions on audio and stickers', () => {
    expect(fields({ type: 'image', image: { link: 'https://e.com/a.png', caption: 'c'.repeat(1025) } })).toEqual([
      'image.caption',
    ]);
    expect(fields({ type: 'document', document: { link: 'https://e.com/a.pdf', caption: 'c'.repeat(1025) } })).toEqual([
      'document.caption',
    ]);
    expect(issues({ type: 'audio', audio: { link: 'https://e.com/a.ogg', caption: 'x' } })).toContainEqual({
      field: 'audio.caption',
      issue: 'audio messages take no caption',
    });
    expect(fields({ type: 'sticker', sticker: { link: 'https://e.com/a.webp', caption: 'x' } })).toContain('sticker.caption');
  });

  it.each([
    ['ftp://e.com/a.png', 'must be an http(s) URL'],
    ['file:///etc/passwd', 'must be an http(s) URL'],
    ['/relative/a.png', 'must be an absolute http(s) URL'],
    ['', 'must not be empty'],
  ])('refuses the media link %j', (link, issue) => {
    expect(issues({ type: 'image', image: { link } })).toEqual([{ field: 'image.link', issue }]);
  });

  it('checks location coordinates', () => {
    expect(issues({ type: 'location', location: { latitude: 91, longitude: 0 } })).toEqual([
      { field: 'location.latitude', issue: 'must be from -90 to 90' },
    ]);
    expect(fields({ type: 'location', location: { latitude: '1', longitude: 200 } })).toEqual([
      'location.latitude',
      'location.longitude',
    ]);
  });

  describe('templates', () => {
    it('takes params or components, not both', () => {
      expect(issues({ type: 'template', template: { name: 't', language: 'en', params: ['a'], components: [] } })).toEqual([
        { field: 'template', issue: 'give params or components, not both' },
      ]);
    });

    it('checks name, language and params', () => {
      expect(fields({ type: 'template', template: { name: 'Order Update', language: 'english' } })).toEqual([
        'template.name',
        'template.language',
      ]);
      expect(
        issues({ type: 'template', template: { name: 't', language: 'en', params: ['ok', '', 7, 'a\nb', 'a     b'] } }),
      ).toEqual([
        { field: 'template.params[1]', issue: 'must not be empty' },
        { field: 'template.params[2]', issue: 'must be a string' },
        { field: 'template.params[3]', issue: 'must not contain new lines, tabs or more than 4 spaces in a row' },
        { field: 'template.params[4]', issue: 'must not contain new lines, tabs or more than 4 spaces in a row' },
      ]);
    });

    it('checks components', () => {
      const bad = {
        type: 'template',
        template: {
          name: 't',
          language: 'en',
          components: [
            {
              type: 'header',
              parameters: [
                { type: 'text', text: 'a' },
                { type: 'text', text: 'b' },
              ],
            },
            { type: 'body', parameters: [{ type: 'currency', currency: { fallbackValue: '$1', code: 'usd', amount1000: 1.5 } }] },
            { type: 'button', subType: 'call', index: 12, parameters: [] },
            { type: 'footer' },
          ],
        },
      };
      expect(issues(bad)).toEqual([
        { field: 'template.components[0].parameters', issue: 'may hold at most 1 item' },
        { field: 'template.components[1].parameters[0].currency.code', issue: 'must be an ISO 4217 code such as USD' },
        {
          field: 'template.components[1].parameters[0].currency.amount1000',
          issue: 'must be a whole number (the amount times 1000)',
        },
        { field: 'template.components[2].subType', issue: 'must be quick_reply or url' },
        { field: 'template.components[2].index', issue: 'must be a whole number from 0 to 9' },
        { field: 'template.components[2].parameters', issue: 'must hold at least 1 item' },
        { field: 'template.components[3].type', issue: 'must be header, body or button' },
      ]);
    });

    it('matches button parameter types to the button kind', () => {
      const input = {
        type: 'template',
        template: {
          name: 't',
          language: 'en',
          components: [{ type: 'button', subType: 'quick_reply', index: 0, parameters: [{ type: 'text', text: 'x' }] }],
        },
      };
      expect(fields(input)).toContain('template.components[0].parameters[0].type');
    });
  });

  describe('interactive', () => {
    const replyButtons = (action: unknown, extra: Record<string, unknown> = {}) => ({
      type: 'interactive',
      interactive: { type: 'button', body: { text: 'Pick one' }, action, ...extra },
    });

    it('takes 1 to 3 reply buttons with labels of at most 20 characters', () => {
      expect(issues(replyButtons({ buttons: [] }))).toEqual([
        { field: 'interactive.action.buttons', issue: 'must hold at least 1 item' },
      ]);
      expect(issues(replyButtons({ buttons: buttons(4) }))).toEqual([
        { field: 'interactive.action.buttons', issue: 'may hold at most 3 items' },
      ]);
      expect(issues(replyButtons({ buttons: [{ type: 'reply', reply: { id: 'a', title: 'x'.repeat(21) } }] }))).toEqual([
        { field: 'interactive.action.buttons[0].reply.title', issue: 'must be at most 20 characters (is 21)' },
      ]);
    });

    it('wants unique button ids and titles and a 1,024-character body', () => {
      const dup = [
        { type: 'reply', reply: { id: 'a', title: 'Yes' } },
        { type: 'reply', reply: { id: 'a', title: 'Yes' } },
      ];
      expect(fields(replyButtons({ buttons: dup }))).toEqual([
        'interactive.action.buttons[1].reply.id',
        'interactive.action.buttons[1].reply.title',
      ]);
      expect(
        fields({
          type: 'interactive',
          interactive: { type: 'button', body: { text: 'x'.repeat(1025) }, action: { buttons: buttons(1) } },
        }),
      ).toEqual(['interactive.body.text']);
    });

    it('checks header and footer lengths and media header links', () => {
      expect(
        fields(
          replyButtons(
            { buttons: buttons(1) },
            { header: { type: 'text', text: 'h'.repeat(61) }, footer: { text: 'f'.repeat(61) } },
          ),
        ),
      ).toEqual(['interactive.footer.text', 'interactive.header.text']);
      expect(fields(replyButtons({ buttons: buttons(1) }, { header: { type: 'image', image: { link: 'ftp://x' } } }))).toEqual([
        'interactive.header.image.link',
      ]);
    });

    it('keeps lists within 10 sections and 10 rows in all, with row limits', () => {
      const list = (sections: unknown, header?: unknown) => ({
        type: 'interactive',
        interactive: {
          type: 'list',
          body: { text: 'Pick' },
          action: { button: 'Options', sections },
          ...(header === undefined ? {} : { header }),
        },
      });
      expect(
        issues(
          list([
            { title: 'A', rows: rows(6) },
            { title: 'B', rows: rows(5, 's') },
          ]),
        ),
      ).toEqual([{ field: 'interactive.action.sections', issue: 'may hold at most 10 rows in all' }]);
      expect(fields(list(Array.from({ length: 11 }, (_, i) => ({ title: `S${i}`, rows: rows(1, `s${i}-`) }))))).toContain(
        'interactive.action.sections',
      );
      expect(
        issues(
          list([
            {
              rows: [
                { id: 'a', title: 't'.repeat(25), description: 'd'.repeat(73) },
                { id: 'a', title: 'ok' },
              ],
            },
          ]),
        ),
      ).toEqual([
        { field: 'interactive.action.sections[0].rows[0].title', issue: 'must be at most 24 characters (is 25)' },
        { field: 'interactive.action.sections[0].rows[0].description', issue: 'must be at most 72 characters (is 73)' },
        { field: 'interactive.action.sections[0].rows[1].id', issue: 'must be unique among all rows' },
      ]);
      expect(fields(list([{ rows: rows(1) }, { rows: rows(1, 's') }]))).toEqual([
        'interactive.action.sections[0].title',
        'interactive.action.sections[1].title',
      ]);
      expect(fields(list([{ rows: rows(1) }], { type: 'image', image: { link: 'https://e.com/a.png' } }))).toEqual([
        'interactive.header.type',
      ]);
    });

    it('labels the list button with at most 20 characters', () => {
      const input = {
        type: 'interactive',
        interactive: { type: 'list', body: { text: 'x' }, action: { button: 'b'.repeat(21), sections: [{ rows: rows(1) }] } },
      };
      expect(fields(input)).toEqual(['interactive.action.button']);
    });

    it('wants button or list', () => {
      expect(issues({ type: 'interactive', interactive: { type: 'carousel' } })).toEqual([
        { field: 'interactive.type', issue: 'must be button or list' },
      ]);
    });
  });
});
