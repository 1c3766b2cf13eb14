import { describe, expect, it } from '@jest/globals';
import { parseWebhook } from './webhook-payload.util';
import { ERROR_CODES_DOCS_URL } from './whatsapp.constants';

// Payloads follow Meta's webhook reference (webhooks/reference/messages/status, …/messages/text, …).
function envelope(value: unknown, field = 'messages') {
  return {
    object: 'whatsapp_business_account',
    entry: [{ id: '102290129340398', changes: [{ value, field }] }],
  };
}
const METADATA = { display_phone_number: '15550783881', phone_number_id: '106540352242922' };

describe(parseWebhook.name, () => {
  it('reads a batch of statuses with callback data and pricing', () => {
    const parsed = parseWebhook(
      envelope({
        messaging_product: 'whatsapp',
        metadata: METADATA,
        statuses: [
          {
            id: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJDQjZCMzlEQUE4OTJBMTE4RTUA',
            status: 'sent',
            timestamp: '1750263773',
            recipient_id: '16505551234',
            biz_opaque_callback_data: 'msg_01HZX',
            pricing: { billable: true, pricing_model: 'PMP', type: 'regular', category: 'marketing' },
          },
          {
            id: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJDQjZCMzlEQUE4OTJBMTE4RTUA',
            status: 'delivered',
            timestamp: '1750263775',
            recipient_id: '16505551234',
            biz_opaque_callback_data: 'msg_01HZX',
          },
          { id: 'wamid.other', status: 'read', timestamp: '1750263780', recipient_id: '16505550000' },
        ],
      }),
    );
    expect(parsed.problems).toEqual([]);
    expect(parsed.phoneNumberId).toBe('106540352242922');
    expect(parsed.statuses).toEqual([
      {
        providerMessageId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJDQjZCMzlEQUE4OTJBMTE4RTUA',
        status: 'sent',
        timestamp: new Date('2025-06-18T16:22:53Z'),
        recipientId: '16505551234',
        phoneNumberId: '106540352242922',
        wabaId: '102290129340398',
        callbackData: 'msg_01HZX',
        pricing: { billable: true, pricingModel: 'PMP', type: 'regular', category: 'marketing' },
      },
      {
        providerMessageId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJDQjZCMzlEQUE4OTJBMTE4RTUA',
        status: 'delivered',
        timestamp: new Date('2025-06-18T16:22:55Z'),
        recipientId: '16505551234',
        phoneNumberId: '106540352242922',
        wabaId: '102290129340398',
        callbackData: 'msg_01HZX',
      },
      {
        providerMessageId: 'wamid.other',
        status: 'read',
        timestamp: new Date('2025-06-18T16:23:00Z'),
        recipientId: '16505550000',
        phoneNumberId: '106540352242922',
        wabaId: '102290129340398',
      },
    ]);
  });

  it('maps the errors of a failed status with the same table as the API', () => {
    const parsed = parseWebhook(
      envelope({
        messaging_product: 'whatsapp',
        metadata: METADATA,
        statuses: [
          {
            id: 'wamid.failed',
            status: 'failed',
            timestamp: '1750263773',
            recipient_id: '16505551234',
            biz_opaque_callback_data: 'msg_02',
            errors: [
              {
                code: 131049,
                title: 'This message was not delivered to maintain healthy ecosystem engagement.',
                message: 'This message was not delivered to maintain healthy ecosystem engagement.',
                error_data: {
                  details: 'In order to maintain a healthy ecosystem engagement, the message failed to be delivered.',
                },
                href: '/documentation/business-messaging/whatsapp/support/error-codes',
              },
            ],
          },
        ],
      }),
    );
    expect(parsed.statuses).toHaveLength(1);
    expect(parsed.statuses[0]).toMatchObject({ status: 'failed', callbackData: 'msg_02' });
    expect(parsed.statuses[0]!.errors).toEqual([
      {
        code: '131049',
        title: 'This message was not delivered to maintain healthy ecosystem engagement.',
        details: 'In order to maintain a healthy ecosystem engagement, the message failed to be delivered.',
        retriable: false,
        category: 'marketing_cap',
        docsUrl: ERROR_CODES_DOCS_URL,
        retryAfterMs: 86_400_000,
      },
    ]);
  });

  it('reads inbound text, quick-reply button and interactive replies with their context and profile name', () => {
    const parsed = parseWebhook(
      envelope({
        messaging_product: 'whatsapp',
        metadata: METADATA,
        contacts: [{ profile: { name: 'Sheena Nelson' }, wa_id: '16505551234' }],
        messages: [
          {
            from: '16505551234',
            id: 'wamid.text',
            timestamp: '1749416383',
            type: 'text',
            text: { body: 'Does it come in another color?' },
          },
          {
            context: { from: '15550783881', id: 'wamid.template' },
            from: '16505551234',
            id: 'wamid.button',
            timestamp: '1749416384',
            type: 'button',
            button: { payload: 'unsubscribe-promo', text: 'Unsubscribe from Promos' },
          },
          {
            context: { from: '15550783881', id: 'wamid.buttons' },
            from: '16505551234',
            id: 'wamid.reply',
            timestamp: '1749416385',
            type: 'interactive',
            interactive: { type: 'button_reply', button_reply: { id: 'change-button', title: 'Change' } },
          },
          {
            context: { from: '15550783881', id: 'wamid.list' },
            from: '16505551234',
            id: 'wamid.row',
            timestamp: '1749416386',
            type: 'interactive',
            interactive: {
              type: 'list_reply',
              list_reply: { id: 'priority_express', title: 'Priority Mail Express', description: 'Next Day to 2 Days' },
            },
          },
        ],
      }),
    );
    expect(parsed.problems).toEqual([]);
    const where = {
      phoneNumberId: '106540352242922',
      wabaId: '102290129340398',
      profileName: 'Sheena Nelson',
      from: '16505551234',
    };
    expect(parsed.inbound).toEqual([
      {
        ...where,
        providerMessageId: 'wamid.text',
        timestamp: new Date(1749416383_000),
        type: 'text',
        text: 'Does it come in another color?',
      },
      {
        ...where,
        providerMessageId: 'wamid.button',
        timestamp: new Date(1749416384_000),
        type: 'button',
        button: { payload: 'unsubscribe-promo', text: 'Unsubscribe from Promos' },
        contextMessageId: 'wamid.template',
      },
      {
        ...where,
        providerMessageId: 'wamid.reply',
        timestamp: new Date(1749416385_000),
        type: 'interactive',
        interactive: { type: 'button_reply', id: 'change-button', title: 'Change' },
        contextMessageId: 'wamid.buttons',
      },
      {
        ...where,
        providerMessageId: 'wamid.row',
        timestamp: new Date(1749416386_000),
        type: 'interactive',
        interactive: {
          type: 'list_reply',
          id: 'priority_express',
          title: 'Priority Mail Express',
          description: 'Next Day to 2 Days',
        },
        contextMessageId: 'wamid.list',
      },
    ]);
  });

  it('reads inbound media ids', () => {
    const parsed = parseWebhook(
      envelope({
        metadata: METADATA,
        messages: [
          {
            from: '16505551234',
            id: 'wamid.img',
            timestamp: '1749416383',
            type: 'image',
            image: { caption: 'Look', mime_type: 'image/jpeg', sha256: 'abc', id: '1003383421387256' },
          },
        ],
      }),
    );
    expect(parsed.inbound[0]).toMatchObject({
      type: 'image',
      media: { id: '1003383421387256', mimeType: 'image/jpeg', caption: 'Look' },
    });
  });

  it('reads every media kind with its mime type, sha256, caption, filename and flags', () => {
    const item = (type: string, media: object, id = `wamid.${type}`) => ({ from: '16505551234', id, timestamp: '1749416383', type, [type]: media });
    const parsed = parseWebhook(
      envelope({
        metadata: METADATA,
        messages: [
          item('document', { caption: 'Invoice', filename: 'inv-7.pdf', mime_type: 'application/pdf', sha256: 'c2hhLWRvYw==', id: '1200000000000001' }),
          item('audio', { mime_type: 'audio/ogg; codecs=opus', sha256: 'YXVk', id: 1200000000000002, voice: true }),
          item('video', { caption: 'Clip', mime_type: 'video/mp4', sha256: 'dmlk', id: '1200000000000003' }),
          item('sticker', { mime_type: 'image/webp', sha256: 'c3Rr', id: '1200000000000004', animated: false }),
          item('image', { mime_type: 'image/jpeg', sha256: 'aW1n' }),
        ],
      }),
    );
    expect(parsed.inbound.map((m) => m.media)).toEqual([
      { id: '1200000000000001', mimeType: 'application/pdf', sha256: 'c2hhLWRvYw==', caption: 'Invoice', filename: 'inv-7.pdf' },
      { id: '1200000000000002', mimeType: 'audio/ogg; codecs=opus', sha256: 'YXVk', voice: true },
      { id: '1200000000000003', mimeType: 'video/mp4', sha256: 'dmlk', caption: 'Clip' },
      { id: '1200000000000004', mimeType: 'image/webp', sha256: 'c3Rr', animated: false },
      undefined,
    ]);
    // An image without an id is kept as a message (it was received) and the missing id reported.
    expect(parsed.inbound[4]).toMatchObject({ type: 'image', providerMessageId: 'wamid.image' });
    expect(parsed.problems).toEqual([{ path: 'entry[0].changes[0].value.messages[4].image.id', issue: 'is missing' }]);
  });

  it('reads a shared location, with and without a place', () => {
    const parsed = parseWebhook(
      envelope({
        metadata: METADATA,
        messages: [
          {
            from: '16505551234',
            id: 'wamid.loc1',
            timestamp: '1749416383',
            type: 'location',
            location: { address: '1 Hacker Way, Menlo Park, CA 94025', latitude: 37.483307, longitude: -122.148981, name: 'Main Street Beach', url: 'https://foursquare.com/v/4d7031d35b5df7744' },
          },
          { from: '16505551234', id: 'wamid.loc2', timestamp: '1749416384', type: 'location', location: { latitude: '-33.8688', longitude: '151.2093' } },
          { from: '16505551234', id: 'wamid.loc3', timestamp: '1749416385', type: 'location', location: { latitude: 91, longitude: 0 } },
        ],
      }),
    );
    expect(parsed.inbound.map((m) => m.location)).toEqual([
      {
        latitude: 37.483307,
        longitude: -122.148981,
        name: 'Main Street Beach',
        address: '1 Hacker Way, Menlo Park, CA 94025',
        url: 'https://foursquare.com/v/4d7031d35b5df7744',
      },
      { latitude: -33.8688, longitude: 151.2093 },
    ]);
    expect(parsed.problems).toEqual([{ path: 'entry[0].changes[0].value.messages[2].location', issue: 'has no latitude and longitude in range' }]);
  });

  it('reads shared contact cards compactly: name, phones with wa_id, emails, organisation', () => {
    const parsed = parseWebhook(
      envelope({
        metadata: METADATA,
        messages: [
          {
            from: '16505551234',
            id: 'wamid.cards',
            timestamp: '1749416383',
            type: 'contacts',
            contacts: [
              {
                addresses: [{ city: 'Menlo Park', street: '1 Hacker Way', type: 'WORK' }],
                birthday: '2012-08-18',
                emails: [{ email: 'barbara@example.com', type: 'WORK' }],
                name: { first_name: 'Barbara', last_name: 'Johnson', formatted_name: 'Barbara J. Johnson' },
                org: { company: 'Lucky Shrub', title: 'Manager' },
                phones: [
                  { phone: '+1 (650) 555-1234', wa_id: '16505551234', type: 'WORK' },
                  { phone: '+1 (650) 555-0000', type: 'HOME' },
                ],
                urls: [{ url: 'https://www.luckyshrub.com', type: 'WORK' }],
              },
              { name: { first_name: 'Ann' }, phones: [] },
              { name: {}, phones: [] },
            ],
          },
        ],
      }),
    );
    expect(parsed.problems).toEqual([]);
    expect(parsed.inbound[0]!.contacts).toEqual([
      {
        name: 'Barbara J. Johnson',
        phones: [
          { phone: '+1 (650) 555-1234', waId: '16505551234', type: 'WORK' },
          { phone: '+1 (650) 555-0000', type: 'HOME' },
        ],
        emails: ['barbara@example.com'],
        organization: 'Lucky Shrub',
      },
      { name: 'Ann', phones: [], emails: [] },
    ]);
  });

  it('reads a reaction and its removal (no emoji)', () => {
    const parsed = parseWebhook(
      envelope({
        metadata: METADATA,
        messages: [
          { from: '16505551234', id: 'wamid.r1', timestamp: '1749416383', type: 'reaction', reaction: { message_id: 'wamid.ours', emoji: '\u{1F44D}' } },
          { from: '16505551234', id: 'wamid.r2', timestamp: '1749416390', type: 'reaction', reaction: { message_id: 'wamid.ours' } },
          { from: '16505551234', id: 'wamid.r3', timestamp: '1749416391', type: 'reaction', reaction: { emoji: 'x' } },
        ],
      }),
    );
    expect(parsed.inbound.map((m) => m.reaction)).toEqual([{ messageId: 'wamid.ours', emoji: '\u{1F44D}' }, { messageId: 'wamid.ours' }]);
    expect(parsed.problems).toEqual([{ path: 'entry[0].changes[0].value.messages[2].reaction.message_id', issue: 'is missing' }]);
  });

  it('reads a timestamp past year 9999 (1e308, 13 digits) as no time: the status is skipped and reported, never an invalid Date', () => {
    const parsed = parseWebhook(
      envelope({
        metadata: METADATA,
        statuses: [
          { id: 'wamid.far', status: 'delivered', timestamp: 1e308, recipient_id: '16505551234' },
          { id: 'wamid.farther', status: 'delivered', timestamp: '999999999999', recipient_id: '16505551234' },
          { id: 'wamid.last', status: 'delivered', timestamp: '253402300799', recipient_id: '16505551234' },
        ],
        messages: [{ from: '16505551234', id: 'wamid.in', timestamp: 1e308, type: 'text', text: { body: 'hi' } }],
      }),
    );
    expect(parsed.statuses.map((s) => [s.providerMessageId, s.timestamp.toISOString()])).toEqual([['wamid.last', '9999-12-31T23:59:59.000Z']]);
    expect(parsed.inbound).toEqual([]);
    expect(parsed.problems.map((p) => p.issue)).toEqual(['is not a Unix time', 'is not a Unix time', 'is not a Unix time']);
  });

  it('skips and reports malformed parts, keeping the good ones', () => {
    const parsed = parseWebhook(
      envelope({
        metadata: METADATA,
        statuses: [
          { id: 'wamid.good', status: 'delivered', timestamp: '1750263775', recipient_id: '16505551234' },
          { status: 'delivered', timestamp: '1750263775', recipient_id: '16505551234' },
          { id: 'wamid.weird', status: 'exploded', timestamp: '1750263775', recipient_id: '16505551234' },
          { id: 'wamid.when', status: 'read', timestamp: 'yesterday', recipient_id: '16505551234' },
          'not an object',
        ],
        messages: [{ from: '16505551234', id: 'wamid.t', timestamp: '1749416383', type: 'text' }],
      }),
    );
    expect(parsed.statuses.map((s) => s.providerMessageId)).toEqual(['wamid.good']);
    expect(parsed.inbound).toEqual([]);
    const at = 'entry[0].changes[0].value';
    expect(parsed.problems).toEqual([
      { path: `${at}.statuses[1].id`, issue: 'is missing' },
      { path: `${at}.statuses[2].status`, issue: 'is not one of sent, delivered, read, failed, played' },
      { path: `${at}.statuses[3].timestamp`, issue: 'is not a Unix time' },
      { path: `${at}.statuses[4]`, issue: 'is not an object' },
      { path: `${at}.messages[0].text.body`, issue: 'is missing' },
    ]);
  });

  it.each([
    ['a string', 'hello'],
    ['null', null],
    ['another object type', { object: 'page', entry: [] }],
    ['an entry that is not an array', { object: 'whatsapp_business_account', entry: {} }],
  ])('never throws on %s', (_case, payload) => {
    const parsed = parseWebhook(payload);
    expect(parsed.statuses).toEqual([]);
    expect(parsed.inbound).toEqual([]);
    expect(parsed.problems).toHaveLength(1);
  });

  it('reports a change without a phone number id', () => {
    const parsed = parseWebhook(envelope({ statuses: [{ id: 'w', status: 'sent', timestamp: '1', recipient_id: '1' }] }));
    expect(parsed.statuses).toEqual([]);
    expect(parsed.problems).toEqual([{ path: 'entry[0].changes[0].value.metadata.phone_number_id', issue: 'is missing' }]);
  });

  it('reads template status updates', () => {
    const parsed = parseWebhook(
      envelope(
        {
          event: 'REJECTED',
          message_template_id: 1689556908129832,
          message_template_name: 'order_confirmation',
          message_template_language: 'en_US',
          reason: 'INVALID_FORMAT',
          message_template_category: 'UTILITY',
        },
        'message_template_status_update',
      ),
    );
    expect(parsed.templateStatusUpdates).toEqual([
      {
        wabaId: '102290129340398',
        templateId: '1689556908129832',
        name: 'order_confirmation',
        language: 'en_US',
        status: 'REJECTED',
        providerStatus: 'REJECTED',
        reason: 'INVALID_FORMAT',
        category: 'UTILITY',
      },
    ]);
    const unknown = parseWebhook(envelope({ event: 'FLAGGED', message_template_id: '42' }, 'message_template_status_update'));
    expect(unknown.templateStatusUpdates[0]).toMatchObject({ status: 'UNKNOWN', providerStatus: 'FLAGGED' });
  });

  it('reads account-level errors', () => {
    const parsed = parseWebhook(
      envelope({
        metadata: METADATA,
        errors: [
          { code: 130429, title: 'Rate limit hit', message: 'Rate limit hit', error_data: { details: 'Too many messages' } },
        ],
      }),
    );
    expect(parsed.accountErrors).toEqual([
      {
        phoneNumberId: '106540352242922',
        wabaId: '102290129340398',
        error: expect.objectContaining({ code: '130429', category: 'throttled', retriable: true }),
      },
    ]);
  });
});

// Template webhooks, shaped as Meta's webhooks reference shows them (message_template_status_update,
// message_template_quality_update, template_category_update).
describe(`${parseWebhook.name}: template webhooks`, () => {
  const WABA = '102290129340398';
  const timed = (value: unknown, field: string) => ({
    object: 'whatsapp_business_account',
    entry: [{ id: WABA, time: 1_750_000_000, changes: [{ value, field }] }],
  });

  it('carries other_info, disable_info and rejection_info on status updates, with the entry time', () => {
    const parsed = parseWebhook({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: WABA,
          time: 1_750_000_000,
          changes: [
            {
              field: 'message_template_status_update',
              value: {
                event: 'PAUSED',
                message_template_id: 806312974732579,
                message_template_name: 'spring_sale',
                message_template_language: 'en_US',
                reason: 'NONE',
                message_template_category: 'MARKETING',
                other_info: { title: 'FIRST_PAUSE', description: 'Paused for 3 hours because of low quality.' },
              },
            },
            {
              field: 'message_template_status_update',
              value: {
                event: 'DISABLED',
                message_template_id: 806312974732580,
                reason: 'NONE',
                disable_info: { disable_date: 1_750_100_000 },
              },
            },
            {
              field: 'message_template_status_update',
              value: {
                event: 'REJECTED',
                message_template_id: '806312974732581',
                reason: 'INVALID_FORMAT',
                rejection_info: { reason: 'Variables at the end', recommendation: 'Add text after {{1}}.', extra: 1 },
              },
            },
          ],
        },
      ],
    });
    expect(parsed.problems).toEqual([]);
    expect(parsed.templateStatusUpdates).toEqual([
      {
        wabaId: WABA,
        templateId: '806312974732579',
        name: 'spring_sale',
        language: 'en_US',
        status: 'PAUSED',
        providerStatus: 'PAUSED',
        reason: 'NONE',
        category: 'MARKETING',
        otherInfo: { title: 'FIRST_PAUSE', description: 'Paused for 3 hours because of low quality.' },
        at: new Date(1_750_000_000_000),
      },
      {
        wabaId: WABA,
        templateId: '806312974732580',
        status: 'DISABLED',
        providerStatus: 'DISABLED',
        reason: 'NONE',
        disableDate: '1750100000',
        at: new Date(1_750_000_000_000),
      },
      {
        wabaId: WABA,
        templateId: '806312974732581',
        status: 'REJECTED',
        providerStatus: 'REJECTED',
        reason: 'INVALID_FORMAT',
        rejectionInfo: { reason: 'Variables at the end', recommendation: 'Add text after {{1}}.' },
        at: new Date(1_750_000_000_000),
      },
    ]);
  });

  it('reads message_template_quality_update', () => {
    const parsed = parseWebhook(
      timed(
        {
          previous_quality_score: 'GREEN',
          new_quality_score: 'YELLOW',
          message_template_id: 806312974732579,
          message_template_name: 'spring_sale',
          message_template_language: 'en_US',
        },
        'message_template_quality_update',
      ),
    );
    expect(parsed.problems).toEqual([]);
    expect(parsed.templateQualityUpdates).toEqual([
      {
        wabaId: WABA,
        templateId: '806312974732579',
        name: 'spring_sale',
        language: 'en_US',
        previousQualityScore: 'GREEN',
        newQualityScore: 'YELLOW',
        at: new Date(1_750_000_000_000),
      },
    ]);
    expect(parsed.templateStatusUpdates).toEqual([]);
  });

  it('reads a completed template_category_update', () => {
    const parsed = parseWebhook(
      timed(
        {
          message_template_id: 806312974732579,
          message_template_name: 'order_update',
          message_template_language: 'en_US',
          previous_category: 'UTILITY',
          new_category: 'MARKETING',
        },
        'template_category_update',
      ),
    );
    expect(parsed.problems).toEqual([]);
    expect(parsed.templateCategoryUpdates).toEqual([
      {
        wabaId: WABA,
        templateId: '806312974732579',
        name: 'order_update',
        language: 'en_US',
        kind: 'completed',
        previousCategory: 'UTILITY',
        newCategory: 'MARKETING',
        at: new Date(1_750_000_000_000),
      },
    ]);
  });

  it('reads an impending template_category_update: new_category is the current one, correct_category the next', () => {
    const parsed = parseWebhook(
      envelope(
        {
          message_template_id: '806312974732579',
          message_template_name: 'order_update',
          message_template_language: 'en_US',
          correct_category: 'MARKETING',
          new_category: 'UTILITY',
          category_update_timestamp: 1_750_086_400,
        },
        'template_category_update',
      ),
    );
    expect(parsed.problems).toEqual([]);
    expect(parsed.templateCategoryUpdates).toEqual([
      {
        wabaId: WABA,
        templateId: '806312974732579',
        name: 'order_update',
        language: 'en_US',
        kind: 'impending',
        newCategory: 'UTILITY',
        correctCategory: 'MARKETING',
        effectiveAt: new Date(1_750_086_400_000),
      },
    ]);
  });

  it('skips malformed template webhooks and says why', () => {
    const parsed = parseWebhook({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: WABA,
          changes: [
            { field: 'message_template_quality_update', value: { message_template_id: 1, previous_quality_score: 'GREEN' } },
            { field: 'message_template_quality_update', value: { new_quality_score: 'RED' } },
            { field: 'template_category_update', value: { message_template_id: 2, previous_category: 'UTILITY' } },
          ],
        },
        { changes: [{ field: 'template_category_update', value: { message_template_id: 3, new_category: 'MARKETING' } }] },
      ],
    });
    expect(parsed.templateQualityUpdates).toEqual([]);
    expect(parsed.templateCategoryUpdates).toEqual([]);
    expect(parsed.problems).toEqual([
      { path: 'entry[0].changes[0].value.new_quality_score', issue: 'is missing' },
      { path: 'entry[0].changes[1].value.message_template_id', issue: 'is missing' },
      { path: 'entry[0].changes[2].value.new_category', issue: 'is missing' },
      { path: 'entry[1].changes[0].value', issue: 'has no WhatsApp Business Account id (entry.id)' },
    ]);
  });
});
