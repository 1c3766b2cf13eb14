import { describe, expect, it } from '@jest/globals';
import { HeraldError } from '@herald/common';
import { parseMessageFor } from '@herald/channels';
import { camelKeys, cloudField, cloudNames, toNativeMessage } from './cloud-api-request.util';

/** The content as Herald's own parser for WhatsApp reads it (what POST /v1/messages applies). */
function parseSendMessage(body: Record<string, unknown>) {
  const parsed = parseMessageFor('whatsapp', body);
  if (!parsed.ok) throw new HeraldError('invalid', 'validation_failed', 'Invalid message', parsed.errors.map((e) => ({ ...e })));
  return parsed;
}

const base = { messaging_product: 'whatsapp', recipient_type: 'individual', to: '+16505551234' };

/** The refusal a body gets: its field, issue and the Graph code it carries. */
function refusal(body: unknown): { field?: string; issue: string; graphCode?: unknown } {
  try {
    toNativeMessage(body);
  } catch (error) {
    expect(error).toBeInstanceOf(HeraldError);
    const d = (error as HeraldError).details[0]!;
    return { field: d.field, issue: d.issue, graphCode: d['graphCode'] };
  }
  throw new Error('not refused');
}

describe(toNativeMessage.name, () => {
  it("reads Meta's text message into Herald's native body, which Herald's own parser accepts", () => {
    const { body, input } = toNativeMessage({ ...base, type: 'text', text: { preview_url: true, body: 'See https://example.com' } });
    expect(input).toBe('+16505551234');
    expect(body).toEqual({ to: { number: '+16505551234' }, type: 'text', text: { previewUrl: true, body: 'See https://example.com' } });
    expect(parseSendMessage(body).message).toEqual({ type: 'text', text: { previewUrl: true, body: 'See https://example.com' } });
  });

  it('takes a number without "+" (a WhatsApp id), keeps it as written for contacts[].input, and defaults type to text', () => {
    const { body, input } = toNativeMessage({ messaging_product: 'whatsapp', to: '16505551234', text: { body: 'hi' } });
    expect(input).toBe('16505551234');
    expect(body).toMatchObject({ to: { number: '+16505551234' }, type: 'text' });
  });

  it('reads a template with language {code} and snake_case components (sub_type, parameter_name, currency, date_time)', () => {
    const { body } = toNativeMessage({
      ...base,
      type: 'template',
      template: {
        name: 'order_update',
        language: { policy: 'deterministic', code: 'en_US' },
        components: [
          { type: 'header', parameters: [{ type: 'image', image: { link: 'https://example.com/a.jpg' } }] },
          {
            type: 'body',
            parameters: [
              { type: 'text', parameter_name: 'first_name', text: 'Asha' },
              { type: 'currency', currency: { fallback_value: '$10', code: 'USD', amount_1000: 10000 } },
              { type: 'date_time', date_time: { fallback_value: 'Monday' } },
            ],
          },
          { type: 'button', sub_type: 'quick_reply', index: '0', parameters: [{ type: 'payload', payload: 'STOP' }] },
        ],
      },
    });
    const parsed = parseSendMessage(body).message;
    expect(parsed).toEqual({
      type: 'template',
      template: {
        name: 'order_update',
        language: 'en_US',
        components: [
          { type: 'header', parameters: [{ type: 'image', image: { link: 'https://example.com/a.jpg' } }] },
          {
            type: 'body',
            parameters: [
              { type: 'text', parameterName: 'first_name', text: 'Asha' },
              { type: 'currency', currency: { fallbackValue: '$10', code: 'USD', amount1000: 10000 } },
              { type: 'date_time', dateTime: { fallbackValue: 'Monday' } },
            ],
          },
          { type: 'button', subType: 'quick_reply', index: 0, parameters: [{ type: 'payload', payload: 'STOP' }] },
        ],
      },
    });
  });

  it('reads media by link, location with string coordinates, interactive buttons and lists, context and biz_opaque_callback_data', () => {
    const doc = toNativeMessage({ ...base, type: 'document', document: { link: 'https://example.com/a.pdf', caption: 'Invoice', filename: 'a.pdf' }, context: { message_id: 'wamid.ABC' }, biz_opaque_callback_data: 'order-1' }).body;
    expect(doc).toMatchObject({ replyTo: 'wamid.ABC', customArgs: { biz_opaque_callback_data: 'order-1' } });
    expect(parseSendMessage(doc).message).toEqual({ type: 'document', document: { link: 'https://example.com/a.pdf', caption: 'Invoice', filename: 'a.pdf' }, replyTo: 'wamid.ABC' });
    const loc = toNativeMessage({ ...base, type: 'location', location: { latitude: '37.48', longitude: '-122.14', name: 'HQ', address: '1 Hacker Way' } }).body;
    expect(parseSendMessage(loc).message).toEqual({ type: 'location', location: { latitude: 37.48, longitude: -122.14, name: 'HQ', address: '1 Hacker Way' } });
    const list = toNativeMessage({
      ...base,
      type: 'interactive',
      interactive: { type: 'list', body: { text: 'Pick' }, action: { button: 'Options', sections: [{ title: 'A', rows: [{ id: 'r1', title: 'One', description: 'first' }] }] } },
    }).body;
    expect(parseSendMessage(list).message.type).toBe('interactive');
    const buttons = toNativeMessage({
      ...base,
      type: 'interactive',
      interactive: { type: 'button', header: { type: 'image', image: { link: 'https://example.com/a.jpg' } }, body: { text: 'Deal?' }, action: { buttons: [{ type: 'reply', reply: { id: 'yes', title: 'Yes' } }] } },
    }).body;
    expect(parseSendMessage(buttons).message).toMatchObject({ interactive: { type: 'button', action: { buttons: [{ reply: { id: 'yes' } }] } } });
  });

  it('refuses, naming them, the types and parameters Herald does not carry (131051 for a type, 100 for a parameter)', () => {
    expect(refusal({ ...base, type: 'reaction', reaction: { message_id: 'wamid.X', emoji: '👍' } })).toEqual({ field: 'type', issue: expect.stringContaining('reaction is not carried'), graphCode: 131051 });
    expect(refusal({ ...base, type: 'contacts', contacts: [{ name: { formatted_name: 'A' } }] })).toMatchObject({ field: 'type', graphCode: 131051 });
    expect(refusal({ ...base, type: 'interactive', interactive: { type: 'cta_url', body: { text: 'x' }, action: { name: 'cta_url' } } })).toMatchObject({
      field: 'interactive.type',
      issue: expect.stringContaining('cta_url'),
      graphCode: 131051,
    });
    expect(refusal({ ...base, type: 'image', image: { id: '1234567890' } })).toMatchObject({ field: 'image.id', issue: expect.stringContaining('by link'), graphCode: 100 });
    expect(refusal({ ...base, type: 'template', template: { name: 'x', language: { code: 'en' }, components: [{ type: 'header', parameters: [{ type: 'image', image: { id: '1' } }] }] } })).toMatchObject({
      field: 'template.components[0].parameters[0].image.id',
    });
    expect(refusal({ ...base, type: 'audio', audio: { link: 'https://example.com/a.ogg', voice: true } })).toMatchObject({ field: 'audio.voice' });
    expect(refusal({ messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.X' })).toMatchObject({ field: 'status', issue: expect.stringContaining('read') });
    expect(refusal({ messaging_product: 'whatsapp', recipient: 'US.123', type: 'text', text: { body: 'x' } })).toMatchObject({ field: 'recipient' });
    expect(refusal({ ...base, recipient_type: 'group', text: { body: 'x' } })).toMatchObject({ field: 'recipient_type', issue: expect.stringContaining('group') });
  });

  it('refuses a body that is not a Cloud API message, naming the field', () => {
    expect(refusal({ to: '+16505551234', text: { body: 'x' } })).toEqual({ field: 'messaging_product', issue: 'is required', graphCode: 100 });
    expect(refusal({ messaging_product: 'sms', to: '+1', text: { body: 'x' } })).toMatchObject({ field: 'messaging_product' });
    expect(refusal({ messaging_product: 'whatsapp', text: { body: 'x' } })).toMatchObject({ field: 'to', issue: 'is required' });
    expect(refusal({ ...base, type: 'fax' })).toMatchObject({ field: 'type', graphCode: 100 });
    expect(refusal({ ...base, type: 'text', text: { body: 'x' }, image: { link: 'https://example.com' } })).toMatchObject({ field: 'image', issue: 'must not be given when type is text' });
    expect(refusal({ ...base, type: 'text', text: { body: 'x' }, channelId: 'x' })).toMatchObject({ field: 'channelId' });
    expect(refusal({ ...base, type: 'template', template: { name: 'x', language: 'en_US' } })).toMatchObject({ field: 'template.language' });
    expect(refusal({ ...base, type: 'template', template: { name: 'x', language: {} } })).toMatchObject({ field: 'template.language.code', issue: 'is required' });
    expect(refusal({ ...base, type: 'template', template: { name: 'x', language: { code: 'en' }, params: ['a'] } })).toMatchObject({ field: 'template.params' });
    expect(refusal({ ...base, text: { body: 'x' }, context: { id: 'wamid' } })).toMatchObject({ field: 'context.message_id' });
    expect(refusal({ ...base, text: { body: 'x' }, biz_opaque_callback_data: 'x'.repeat(513) })).toMatchObject({ field: 'biz_opaque_callback_data' });
  });

  it("leaves the content's validity to Herald's parser (which names the native field)", () => {
    const { body } = toNativeMessage({ ...base, type: 'text', text: { preview_url: 'yes' } });
    expect(() => parseSendMessage(body)).toThrow(HeraldError);
  });
});

describe(camelKeys.name, () => {
  it('renames keys at every depth and never values', () => {
    expect(camelKeys({ sub_type: 'quick_reply', parameters: [{ amount_1000: 1, text: 'snake_case_value' }] })).toEqual({ subType: 'quick_reply', parameters: [{ amount1000: 1, text: 'snake_case_value' }] });
  });
});

describe(cloudField.name, () => {
  it("names Herald's native fields as the Cloud API spells them", () => {
    expect(cloudField('text.previewUrl')).toBe('text.preview_url');
    expect(cloudField('template.components[2].subType')).toBe('template.components[2].sub_type');
    expect(cloudField('template.components[1].parameters[0].currency.amount1000')).toBe('template.components[1].parameters[0].currency.amount_1000');
    expect(cloudField('template.language')).toBe('template.language.code');
    expect(cloudField('to.number')).toBe('to');
    expect(cloudField('number')).toBe('to');
    expect(cloudField('replyTo')).toBe('context.message_id');
    expect(cloudNames('is not a known field (known: body, previewUrl)')).toBe('is not a known field (known: body, preview_url)');
  });
});
