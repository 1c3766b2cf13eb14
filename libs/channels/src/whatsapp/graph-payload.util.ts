import type {
  InteractiveHeader,
  ListContent,
  OutboundMessage,
  ReplyButtonsContent,
  TemplateBodyParameter,
  TemplateButtonParameter,
  TemplateComponent,
  TemplateDefinition,
  TemplateHeaderParameter,
  TemplateMessage,
  TemplateTextParameter,
} from '../channel-provider.types';

/** A JSON object as sent to the Graph API. */
export type GraphJson = { [key: string]: GraphValue };
type GraphValue = string | number | boolean | GraphJson | GraphValue[];

/**
 * The body of `POST /{phone-number-id}/messages` for a message to `to` (E.164 with '+'), carrying
 * `callbackData` as `biz_opaque_callback_data` so every status webhook names Herald's message.
 */
export function toGraphMessage(to: string, message: OutboundMessage, callbackData: string): GraphJson {
  const body: GraphJson = {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    to,
    type: message.type,
  };
  if (message.replyTo !== undefined) body['context'] = { message_id: message.replyTo };
  body[message.type] = content(message);
  body['biz_opaque_callback_data'] = callbackData;
  return body;
}

function content(message: OutboundMessage): GraphJson {
  switch (message.type) {
    case 'text':
      return compact({ preview_url: message.text.previewUrl, body: message.text.body });
    case 'image':
      return compact({ link: message.image.link, caption: message.image.caption });
    case 'video':
      return compact({ link: message.video.link, caption: message.video.caption });
    case 'audio':
      return { link: message.audio.link };
    case 'sticker':
      return { link: message.sticker.link };
    case 'document':
      return compact({ link: message.document.link, caption: message.document.caption, filename: message.document.filename });
    case 'location':
      return compact({ ...message.location });
    case 'template':
      return template(message.template);
    case 'interactive':
      return message.interactive.type === 'button' ? replyButtons(message.interactive) : list(message.interactive);
    case 'buttons':
    case 'cards':
      // Refused by validateOutboundMessage before any send: WhatsApp's own kinds are `interactive` and `template`.
      throw new TypeError(`WhatsApp carries no ${message.type} message`);
  }
}

function template(t: TemplateMessage['template']): GraphJson {
  const out: GraphJson = { name: t.name, language: { code: t.language } };
  if (t.params !== undefined && t.params.length > 0) {
    out['components'] = [{ type: 'body', parameters: t.params.map((text) => ({ type: 'text', text })) }];
  } else if (t.components !== undefined && t.components.length > 0) {
    out['components'] = t.components.map(component);
  }
  return out;
}

function component(c: TemplateComponent): GraphJson {
  switch (c.type) {
    case 'header':
      return { type: 'header', parameters: c.parameters.map(headerParameter) };
    case 'body':
      return { type: 'body', parameters: c.parameters.map(bodyParameter) };
    case 'button':
      return { type: 'button', sub_type: c.subType, index: String(c.index), parameters: c.parameters.map(buttonParameter) };
  }
}

function textParameter(p: TemplateTextParameter): GraphJson {
  return compact({ type: 'text', parameter_name: p.parameterName, text: p.text });
}

function headerParameter(p: TemplateHeaderParameter): GraphJson {
  switch (p.type) {
    case 'text':
      return textParameter(p);
    case 'image':
      return { type: 'image', image: { link: p.image.link } };
    case 'video':
      return { type: 'video', video: { link: p.video.link } };
    case 'document':
      return { type: 'document', document: compact({ link: p.document.link, filename: p.document.filename }) };
  }
}

function bodyParameter(p: TemplateBodyParameter): GraphJson {
  switch (p.type) {
    case 'text':
      return textParameter(p);
    case 'currency':
      return {
        type: 'currency',
        currency: { fallback_value: p.currency.fallbackValue, code: p.currency.code, amount_1000: p.currency.amount1000 },
      };
    case 'date_time':
      return { type: 'date_time', date_time: { fallback_value: p.dateTime.fallbackValue } };
  }
}

function buttonParameter(p: TemplateButtonParameter): GraphJson {
  return p.type === 'payload' ? { type: 'payload', payload: p.payload } : { type: 'text', text: p.text };
}

function interactiveHeader(h: InteractiveHeader): GraphJson {
  switch (h.type) {
    case 'text':
      return { type: 'text', text: h.text };
    case 'image':
      return { type: 'image', image: { link: h.image.link } };
    case 'video':
      return { type: 'video', video: { link: h.video.link } };
    case 'document':
      return { type: 'document', document: compact({ link: h.document.link, filename: h.document.filename }) };
  }
}

function replyButtons(i: ReplyButtonsContent): GraphJson {
  return compactObjects({
    type: 'button',
    header: i.header === undefined ? undefined : interactiveHeader(i.header),
    body: { text: i.body.text },
    footer: i.footer === undefined ? undefined : { text: i.footer.text },
    action: { buttons: i.action.buttons.map((b) => ({ type: 'reply', reply: { id: b.reply.id, title: b.reply.title } })) },
  });
}

function list(i: ListContent): GraphJson {
  return compactObjects({
    type: 'list',
    header: i.header === undefined ? undefined : { type: 'text', text: i.header.text },
    body: { text: i.body.text },
    footer: i.footer === undefined ? undefined : { text: i.footer.text },
    action: {
      button: i.action.button,
      sections: i.action.sections.map((s) =>
        compactObjects({
          title: s.title,
          rows: s.rows.map((r) => compact({ id: r.id, title: r.title, description: r.description })),
        }),
      ),
    },
  });
}

/**
 * The body of `POST /{waba-id}/message_templates`. Example values are given in the order the variables
 * appear; for named parameters their names are read from the text.
 */
export function toGraphTemplateDefinition(d: TemplateDefinition): GraphJson {
  const named = d.parameterFormat === 'named';
  const components: GraphJson[] = [];
  if (d.header !== undefined) {
    const h = d.header;
    if (h.format === 'text') {
      const header: GraphJson = { type: 'HEADER', format: 'TEXT', text: h.text };
      if (h.example !== undefined) {
        const [name] = variableNames(h.text);
        header['example'] = named
          ? { header_text_named_params: [{ param_name: name ?? '', example: h.example }] }
          : { header_text: [h.example] };
      }
      components.push(header);
    } else {
      components.push({ type: 'HEADER', format: h.format.toUpperCase(), example: { header_handle: [h.exampleHandle] } });
    }
  }
  const body: GraphJson = { type: 'BODY', text: d.body.text };
  const examples = d.body.examples ?? [];
  if (examples.length > 0) {
    const names = variableNames(d.body.text);
    body['example'] = named
      ? { body_text_named_params: examples.map((example, i) => ({ param_name: names[i] ?? '', example })) }
      : { body_text: [[...examples]] };
  }
  components.push(body);
  if (d.footer !== undefined) components.push({ type: 'FOOTER', text: d.footer.text });
  if (d.buttons !== undefined && d.buttons.length > 0) {
    components.push({
      type: 'BUTTONS',
      buttons: d.buttons.map((b): GraphJson => {
        switch (b.type) {
          case 'quick_reply':
            return { type: 'QUICK_REPLY', text: b.text };
          case 'url':
            return b.example === undefined
              ? { type: 'URL', text: b.text, url: b.url }
              : { type: 'URL', text: b.text, url: b.url, example: [b.example] };
          case 'phone_number':
            return { type: 'PHONE_NUMBER', text: b.text, phone_number: b.phoneNumber };
        }
      }),
    });
  }
  return {
    name: d.name,
    language: d.language,
    category: d.category,
    ...(named ? { parameter_format: 'named' } : {}),
    components,
  };
}

/**
 * A messaging limit as Graph gives it → unique users per moving 24 h (null = unlimited). Meta documents tiers
 * (`whatsapp_business_manager_messaging_limit`: `TIER_250`, `TIER_2K`, `TIER_10K`, `TIER_100K`, `TIER_UNLIMITED`;
 * the deprecated `messaging_limit_tier` also had `TIER_50` and `TIER_1K`); a plain number is read as such.
 * Undefined for anything else: an unknown limit must not be taken for a known one.
 */
export function messagingLimitFromGraph(value: unknown): { limit: number | null; raw: string } | undefined {
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) && value >= 0 ? { limit: value, raw: String(value) } : undefined;
  }
  if (typeof value !== 'string') return undefined;
  const raw = value;
  const tier = raw
    .trim()
    .toUpperCase()
    .replace(/^TIER_/, '');
  if (tier === 'UNLIMITED') return { limit: null, raw };
  const match = /^(\d{1,9})(K?)$/.exec(tier);
  if (match === null) return undefined;
  return { limit: Number(match[1]) * (match[2] === 'K' ? 1_000 : 1), raw };
}

/** The names of `{{name}}` variables in order of appearance (positional `{{1}}` give their digits). */
export function variableNames(text: string): string[] {
  return [...text.matchAll(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g)].map((m) => m[1]!);
}

function compact(o: Record<string, string | number | boolean | undefined>): GraphJson {
  const out: GraphJson = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out;
}

function compactObjects(o: Record<string, GraphValue | undefined>): GraphJson {
  const out: GraphJson = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out;
}
