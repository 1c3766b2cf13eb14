import { describe, expect, it } from '@jest/globals';
import type { OutboundMessage } from '../channel-provider.types';
import { messagingLimitFromGraph, toGraphMessage, toGraphTemplateDefinition, variableNames } from './graph-payload.util';

// Expected bodies are written out as in Meta's "Send messages" reference examples
// (business-messaging/whatsapp/messages/*), plus Herald's biz_opaque_callback_data.
const TO = '+16505551234';
const CALLBACK = 'msg_01HZX';

function send(message: OutboundMessage): unknown {
  return toGraphMessage(TO, message, CALLBACK);
}

describe(toGraphMessage.name, () => {
  it('builds a text message with link preview', () => {
    expect(
      send({
        type: 'text',
        text: { body: "As requested, here's the link: https://www.meta.com/quest/quest-3/", previewUrl: true },
      }),
    ).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '+16505551234',
      type: 'text',
      text: { preview_url: true, body: "As requested, here's the link: https://www.meta.com/quest/quest-3/" },
      biz_opaque_callback_data: 'msg_01HZX',
    });
  });

  it('leaves preview_url out when not asked for', () => {
    expect(send({ type: 'text', text: { body: 'Hi' } })).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '+16505551234',
      type: 'text',
      text: { body: 'Hi' },
      biz_opaque_callback_data: 'msg_01HZX',
    });
  });

  it('builds a reply with context.message_id', () => {
    expect(
      send({
        type: 'text',
        text: { body: "You're welcome, Pablo!" },
        replyTo: 'wamid.HBgLMTY0NjcwNDM1OTUVAgASGBQzQTdCNTg5RjY1MEMyRjlGMjRGNgA=',
      }),
    ).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '+16505551234',
      context: { message_id: 'wamid.HBgLMTY0NjcwNDM1OTUVAgASGBQzQTdCNTg5RjY1MEMyRjlGMjRGNgA=' },
      type: 'text',
      text: { body: "You're welcome, Pablo!" },
      biz_opaque_callback_data: 'msg_01HZX',
    });
  });

  it('builds image and video messages by link with a caption', () => {
    expect(
      send({
        type: 'image',
        image: { link: 'https://www.luckyshrub.com/assets/succulents/aloe.png', caption: 'The best succulent ever?' },
      }),
    ).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '+16505551234',
      type: 'image',
      image: { link: 'https://www.luckyshrub.com/assets/succulents/aloe.png', caption: 'The best succulent ever?' },
      biz_opaque_callback_data: 'msg_01HZX',
    });
    expect(
      send({ type: 'video', video: { link: 'https://www.luckyshrub.com/media/ringing-bell.mp4', caption: 'Ring the bell!' } }),
    ).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '+16505551234',
      type: 'video',
      video: { link: 'https://www.luckyshrub.com/media/ringing-bell.mp4', caption: 'Ring the bell!' },
      biz_opaque_callback_data: 'msg_01HZX',
    });
  });

  it('builds audio and sticker messages with a link only', () => {
    expect(send({ type: 'audio', audio: { link: 'https://www.luckyshrub.com/media/welcome.ogg' } })).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '+16505551234',
      type: 'audio',
      audio: { link: 'https://www.luckyshrub.com/media/welcome.ogg' },
      biz_opaque_callback_data: 'msg_01HZX',
    });
    expect(send({ type: 'sticker', sticker: { link: 'https://www.luckyshrub.com/assets/animated-smiling-plant.webp' } })).toEqual(
      {
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        to: '+16505551234',
        type: 'sticker',
        sticker: { link: 'https://www.luckyshrub.com/assets/animated-smiling-plant.webp' },
        biz_opaque_callback_data: 'msg_01HZX',
      },
    );
  });

  it('builds a document message with caption and filename', () => {
    expect(
      send({
        type: 'document',
        document: {
          link: 'https://www.luckyshrub.com/invoices/FmOzfD9cKf/lucky-shrub-invoice.pdf',
          caption: 'Lucky Shrub Invoice',
          filename: 'lucky-shrub-invoice.pdf',
        },
      }),
    ).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '+16505551234',
      type: 'document',
      document: {
        link: 'https://www.luckyshrub.com/invoices/FmOzfD9cKf/lucky-shrub-invoice.pdf',
        caption: 'Lucky Shrub Invoice',
        filename: 'lucky-shrub-invoice.pdf',
      },
      biz_opaque_callback_data: 'msg_01HZX',
    });
  });

  it('builds a location message', () => {
    expect(
      send({
        type: 'location',
        location: {
          latitude: 37.44216251868683,
          longitude: -122.16153582049394,
          name: 'Philz Coffee',
          address: '101 Forest Ave, Palo Alto, CA 94301',
        },
      }),
    ).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '+16505551234',
      type: 'location',
      location: {
        latitude: 37.44216251868683,
        longitude: -122.16153582049394,
        name: 'Philz Coffee',
        address: '101 Forest Ave, Palo Alto, CA 94301',
      },
      biz_opaque_callback_data: 'msg_01HZX',
    });
  });

  it('turns template params into body text parameters', () => {
    expect(
      send({ type: 'template', template: { name: 'order_confirmation', language: 'en_US', params: ['Pablo', '860198-230332'] } }),
    ).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '+16505551234',
      type: 'template',
      template: {
        name: 'order_confirmation',
        language: { code: 'en_US' },
        components: [
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'Pablo' },
              { type: 'text', text: '860198-230332' },
            ],
          },
        ],
      },
      biz_opaque_callback_data: 'msg_01HZX',
    });
  });

  it('sends a template without variables with no components', () => {
    expect(send({ type: 'template', template: { name: 'hello_world', language: 'en_US', params: [] } })).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '+16505551234',
      type: 'template',
      template: { name: 'hello_world', language: { code: 'en_US' } },
      biz_opaque_callback_data: 'msg_01HZX',
    });
  });

  it('builds a template with a media header, currency and date_time body parameters and buttons', () => {
    expect(
      send({
        type: 'template',
        template: {
          name: 'seasonal_promo',
          language: 'en_US',
          components: [
            { type: 'header', parameters: [{ type: 'image', image: { link: 'https://www.luckyshrub.com/assets/promo.png' } }] },
            {
              type: 'body',
              parameters: [
                { type: 'text', text: 'Pablo' },
                { type: 'currency', currency: { fallbackValue: '$100.99', code: 'USD', amount1000: 100990 } },
                { type: 'date_time', dateTime: { fallbackValue: 'February 25, 1977' } },
              ],
            },
            { type: 'button', subType: 'quick_reply', index: 0, parameters: [{ type: 'payload', payload: 'unsubscribe-promo' }] },
            { type: 'button', subType: 'url', index: 1, parameters: [{ type: 'text', text: 'summer2026' }] },
          ],
        },
      }),
    ).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '+16505551234',
      type: 'template',
      template: {
        name: 'seasonal_promo',
        language: { code: 'en_US' },
        components: [
          { type: 'header', parameters: [{ type: 'image', image: { link: 'https://www.luckyshrub.com/assets/promo.png' } }] },
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'Pablo' },
              { type: 'currency', currency: { fallback_value: '$100.99', code: 'USD', amount_1000: 100990 } },
              { type: 'date_time', date_time: { fallback_value: 'February 25, 1977' } },
            ],
          },
          {
            type: 'button',
            sub_type: 'quick_reply',
            index: '0',
            parameters: [{ type: 'payload', payload: 'unsubscribe-promo' }],
          },
          { type: 'button', sub_type: 'url', index: '1', parameters: [{ type: 'text', text: 'summer2026' }] },
        ],
      },
      biz_opaque_callback_data: 'msg_01HZX',
    });
  });

  it('builds named template parameters and a text header and document header', () => {
    const named = send({
      type: 'template',
      template: {
        name: 'order_pickup',
        language: 'en',
        components: [
          { type: 'header', parameters: [{ type: 'text', parameterName: 'order_number', text: '860198-230332' }] },
          { type: 'body', parameters: [{ type: 'text', parameterName: 'first_name', text: 'Jessica' }] },
        ],
      },
    }) as { template: unknown };
    expect(named.template).toEqual({
      name: 'order_pickup',
      language: { code: 'en' },
      components: [
        { type: 'header', parameters: [{ type: 'text', parameter_name: 'order_number', text: '860198-230332' }] },
        { type: 'body', parameters: [{ type: 'text', parameter_name: 'first_name', text: 'Jessica' }] },
      ],
    });
    const doc = send({
      type: 'template',
      template: {
        name: 'invoice',
        language: 'en_US',
        components: [
          {
            type: 'header',
            parameters: [{ type: 'document', document: { link: 'https://x.example/i.pdf', filename: 'invoice.pdf' } }],
          },
        ],
      },
    }) as { template: unknown };
    expect(doc.template).toEqual({
      name: 'invoice',
      language: { code: 'en_US' },
      components: [
        {
          type: 'header',
          parameters: [{ type: 'document', document: { link: 'https://x.example/i.pdf', filename: 'invoice.pdf' } }],
        },
      ],
    });
  });

  it('builds interactive reply buttons with an image header and footer', () => {
    expect(
      send({
        type: 'interactive',
        interactive: {
          type: 'button',
          header: { type: 'image', image: { link: 'https://www.luckyshrub.com/assets/workshop.png' } },
          body: {
            text: 'Hi Pablo! Your gardening workshop is scheduled for 9am tomorrow. Use the buttons if you need to reschedule. Thank you!',
          },
          footer: { text: 'Lucky Shrub: Your gateway to succulents!™' },
          action: {
            buttons: [
              { type: 'reply', reply: { id: 'change-button', title: 'Change' } },
              { type: 'reply', reply: { id: 'cancel-button', title: 'Cancel' } },
            ],
          },
        },
      }),
    ).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '+16505551234',
      type: 'interactive',
      interactive: {
        type: 'button',
        header: { type: 'image', image: { link: 'https://www.luckyshrub.com/assets/workshop.png' } },
        body: {
          text: 'Hi Pablo! Your gardening workshop is scheduled for 9am tomorrow. Use the buttons if you need to reschedule. Thank you!',
        },
        footer: { text: 'Lucky Shrub: Your gateway to succulents!™' },
        action: {
          buttons: [
            { type: 'reply', reply: { id: 'change-button', title: 'Change' } },
            { type: 'reply', reply: { id: 'cancel-button', title: 'Cancel' } },
          ],
        },
      },
      biz_opaque_callback_data: 'msg_01HZX',
    });
  });

  it('builds an interactive list', () => {
    expect(
      send({
        type: 'interactive',
        interactive: {
          type: 'list',
          header: { type: 'text', text: 'Choose Shipping Option' },
          body: { text: 'Which shipping option do you prefer?' },
          footer: { text: 'Lucky Shrub: Your gateway to succulents™' },
          action: {
            button: 'Shipping Options',
            sections: [
              {
                title: 'I want it ASAP!',
                rows: [
                  { id: 'priority_express', title: 'Priority Mail Express', description: 'Next Day to 2 Days' },
                  { id: 'priority_mail', title: 'Priority Mail', description: '1–3 Days' },
                ],
              },
              { title: 'I can wait a bit', rows: [{ id: 'ground_advantage', title: 'Ground Advantage' }] },
            ],
          },
        },
      }),
    ).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '+16505551234',
      type: 'interactive',
      interactive: {
        type: 'list',
        header: { type: 'text', text: 'Choose Shipping Option' },
        body: { text: 'Which shipping option do you prefer?' },
        footer: { text: 'Lucky Shrub: Your gateway to succulents™' },
        action: {
          button: 'Shipping Options',
          sections: [
            {
              title: 'I want it ASAP!',
              rows: [
                { id: 'priority_express', title: 'Priority Mail Express', description: 'Next Day to 2 Days' },
                { id: 'priority_mail', title: 'Priority Mail', description: '1–3 Days' },
              ],
            },
            { title: 'I can wait a bit', rows: [{ id: 'ground_advantage', title: 'Ground Advantage' }] },
          ],
        },
      },
      biz_opaque_callback_data: 'msg_01HZX',
    });
  });
});

describe(toGraphTemplateDefinition.name, () => {
  it('builds a positional template with a text header, body examples, footer and all button kinds', () => {
    expect(
      toGraphTemplateDefinition({
        name: 'seasonal_promotion',
        language: 'en_US',
        category: 'MARKETING',
        header: { format: 'text', text: 'Our {{1}} is on!', example: 'Summer Sale' },
        body: {
          text: 'Shop now through {{1}} and use code {{2}} to get {{3}} off of all merchandise.',
          examples: ['the end of August', '25OFF', '25%'],
        },
        footer: { text: 'Use the buttons below to manage your marketing subscriptions' },
        buttons: [
          { type: 'quick_reply', text: 'Unsubscribe from Promos' },
          {
            type: 'url',
            text: 'Shop Now',
            url: 'https://www.luckyshrub.com/shop?promo={{1}}',
            example: 'https://www.luckyshrub.com/shop?promo=summer2026',
          },
          { type: 'phone_number', text: 'Call', phoneNumber: '15550051310' },
        ],
      }),
    ).toEqual({
      name: 'seasonal_promotion',
      language: 'en_US',
      category: 'MARKETING',
      components: [
        { type: 'HEADER', format: 'TEXT', text: 'Our {{1}} is on!', example: { header_text: ['Summer Sale'] } },
        {
          type: 'BODY',
          text: 'Shop now through {{1}} and use code {{2}} to get {{3}} off of all merchandise.',
          example: { body_text: [['the end of August', '25OFF', '25%']] },
        },
        { type: 'FOOTER', text: 'Use the buttons below to manage your marketing subscriptions' },
        {
          type: 'BUTTONS',
          buttons: [
            { type: 'QUICK_REPLY', text: 'Unsubscribe from Promos' },
            {
              type: 'URL',
              text: 'Shop Now',
              url: 'https://www.luckyshrub.com/shop?promo={{1}}',
              example: ['https://www.luckyshrub.com/shop?promo=summer2026'],
            },
            { type: 'PHONE_NUMBER', text: 'Call', phone_number: '15550051310' },
          ],
        },
      ],
    });
  });

  it('builds a named-parameter template with an image header handle', () => {
    expect(
      toGraphTemplateDefinition({
        name: 'order_confirmation',
        language: 'en_US',
        category: 'UTILITY',
        parameterFormat: 'named',
        header: { format: 'image', exampleHandle: '4::aW1hZ2UvcG5n:ARb' },
        body: {
          text: 'Thank you, {{first_name}}! Your order {{order_number}} is confirmed.',
          examples: ['Pablo', '860198-230332'],
        },
      }),
    ).toEqual({
      name: 'order_confirmation',
      language: 'en_US',
      category: 'UTILITY',
      parameter_format: 'named',
      components: [
        { type: 'HEADER', format: 'IMAGE', example: { header_handle: ['4::aW1hZ2UvcG5n:ARb'] } },
        {
          type: 'BODY',
          text: 'Thank you, {{first_name}}! Your order {{order_number}} is confirmed.',
          example: {
            body_text_named_params: [
              { param_name: 'first_name', example: 'Pablo' },
              { param_name: 'order_number', example: '860198-230332' },
            ],
          },
        },
      ],
    });
  });

  it('reads variable names in order', () => {
    expect(variableNames('Hi {{ first_name }}, {{2}} and {{order_id}}')).toEqual(['first_name', '2', 'order_id']);
  });
});

describe(messagingLimitFromGraph.name, () => {
  it.each([
    ['TIER_50', 50],
    ['TIER_250', 250],
    ['TIER_1K', 1_000],
    ['TIER_2K', 2_000],
    ['TIER_10K', 10_000],
    ['TIER_100K', 100_000],
    ['TIER_UNLIMITED', null],
    ['UNLIMITED', null],
    ['10000', 10_000],
  ])('reads %s as %p unique users per 24 h', (raw, limit) => {
    expect(messagingLimitFromGraph(raw)).toEqual({ limit, raw });
  });

  it('reads a plain number', () => {
    expect(messagingLimitFromGraph(2000)).toEqual({ limit: 2_000, raw: '2000' });
  });

  it('gives nothing for what it does not know, rather than a wrong limit', () => {
    for (const value of ['TIER_NEW', '', 'TIER_', '2M', -1, 1.5, null, undefined, { tier: 'TIER_2K' }]) {
      expect(messagingLimitFromGraph(value)).toBeUndefined();
    }
  });
});
