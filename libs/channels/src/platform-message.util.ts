import {
  MESSAGING_TAGS,
  OUTBOUND_MESSAGE_TYPES,
  WHATSAPP_MESSAGE_TYPES,
  type ActionButton,
  type Card,
  type ChannelKind,
  type OutboundMessage,
  type QuickReply,
} from './channel-provider.types';
import type { PlatformMessageCheck } from './platform.types';
import { validateMetaMessage } from './meta-messaging';
import { validateTelegramMessage } from './telegram';
import { validateOutboundMessage, type FieldIssue, type OutboundMessageValidation } from './whatsapp/outbound-message.util';

/** What each channel kind carries, for the 400 that names the field when a message asks for more. */
export const MESSAGE_TYPES_BY_CHANNEL: Readonly<Record<ChannelKind, readonly string[]>> = {
  whatsapp: WHATSAPP_MESSAGE_TYPES,
  messenger: ['text', 'image', 'video', 'audio', 'document', 'buttons', 'cards'],
  instagram: ['text', 'image', 'cards'],
  telegram: ['text', 'image', 'video', 'audio', 'document', 'location', 'buttons'],
};

/** The fields of a message body beside the content named by its type. */
export const MESSAGE_OPTION_FIELDS = ['quickReplies', 'tag'] as const;

const PLATFORM_CHECKS: Readonly<Record<Exclude<ChannelKind, 'whatsapp'>, PlatformMessageCheck>> = {
  messenger: (m) => validateMetaMessage('messenger', m),
  instagram: (m) => validateMetaMessage('instagram', m),
  telegram: (m) => validateTelegramMessage(m),
};

/**
 * Reads the content of a `POST /v1/messages` body for a channel of `kind`: WhatsApp's by Meta's Cloud API rules
 * (`validateOutboundMessage`), the others' into Herald's neutral shapes and then against what that platform
 * carries (its adapter's check). Every problem names its field; nothing is dropped silently.
 */
export function parseMessageFor(kind: ChannelKind, input: unknown): OutboundMessageValidation {
  if (kind === 'whatsapp') {
    if (isRecord(input)) {
      const extra = MESSAGE_OPTION_FIELDS.filter((f) => input[f] !== undefined);
      if (extra.length > 0) return { ok: false, errors: extra.map((f) => ({ field: f, issue: 'is not carried by WhatsApp (Messenger, Instagram only)' })) };
    }
    return validateOutboundMessage(input);
  }
  const parsed = parseNeutral(kind, input);
  if (!parsed.ok) return parsed;
  const issues = PLATFORM_CHECKS[kind](parsed.message);
  return issues.length > 0 ? { ok: false, errors: issues } : parsed;
}

/** What a platform says of a message Herald built itself (a campaign's): the issues, each naming its field. */
export function checkMessageFor(kind: ChannelKind, message: OutboundMessage): FieldIssue[] {
  if (kind === 'whatsapp') {
    const checked = validateOutboundMessage(message);
    return checked.ok ? [] : checked.errors;
  }
  return PLATFORM_CHECKS[kind](message);
}

function parseNeutral(kind: ChannelKind, input: unknown): OutboundMessageValidation {
  const v = new Reader();
  if (!isRecord(input)) return { ok: false, errors: [{ field: '', issue: 'must be an object' }] };
  const carried = MESSAGE_TYPES_BY_CHANNEL[kind];
  const type = input['type'];
  if (typeof type !== 'string' || !carried.includes(type)) {
    return { ok: false, errors: [{ field: 'type', issue: `must be one of ${carried.join(', ')} on ${kind}` }] };
  }
  for (const other of OUTBOUND_MESSAGE_TYPES) {
    if (other !== type && input[other] !== undefined) v.add(other, `must not be given when type is ${type}`);
  }
  const content = v.object(input[type], type);
  const replyTo = v.optionalString(input, 'replyTo', 'replyTo');
  let tag: (typeof MESSAGING_TAGS)[number] | undefined;
  if (input['tag'] !== undefined) {
    if (typeof input['tag'] !== 'string' || !(MESSAGING_TAGS as readonly string[]).includes(input['tag'])) v.add('tag', `must be one of ${MESSAGING_TAGS.join(', ')}`);
    else tag = input['tag'] as (typeof MESSAGING_TAGS)[number];
  }
  let quickReplies: QuickReply[] | undefined;
  if (input['quickReplies'] !== undefined) {
    if (type !== 'text') v.add('quickReplies', 'go with a text message only');
    else quickReplies = v.list(input['quickReplies'], 'quickReplies', (q, field) => {
      const r = v.object(q, field);
      if (r === undefined) return undefined;
      v.known(r, field, ['title', 'payload']);
      const title = v.string(r, 'title', `${field}.title`);
      const payload = v.string(r, 'payload', `${field}.payload`);
      return title === undefined || payload === undefined ? undefined : { title, payload };
    });
  }
  let message: OutboundMessage | undefined;
  if (content !== undefined) {
    switch (type) {
      case 'text': {
        v.known(content, type, ['body', 'parseMode', 'previewUrl']);
        const body = v.string(content, 'body', 'text.body');
        const parseMode = content['parseMode'];
        if (parseMode !== undefined && parseMode !== 'MarkdownV2' && parseMode !== 'HTML') v.add('text.parseMode', 'must be MarkdownV2 or HTML');
        const previewUrl = content['previewUrl'];
        if (previewUrl !== undefined && typeof previewUrl !== 'boolean') v.add('text.previewUrl', 'must be true or false');
        if (body !== undefined)
          message = {
            type,
            text: {
              body,
              ...(parseMode === 'MarkdownV2' || parseMode === 'HTML' ? { parseMode } : {}),
              ...(typeof previewUrl === 'boolean' ? { previewUrl } : {}),
            },
            ...(quickReplies ? { quickReplies } : {}),
          };
        break;
      }
      case 'image':
      case 'video':
      case 'document': {
        v.known(content, type, type === 'document' ? ['link', 'caption', 'filename'] : ['link', 'caption']);
        const link = v.link(content, `${type}.link`);
        const caption = v.optionalString(content, 'caption', `${type}.caption`);
        const filename = type === 'document' ? v.optionalString(content, 'filename', 'document.filename') : undefined;
        if (link !== undefined) {
          const media = { link, ...(caption === undefined ? {} : { caption }), ...(filename === undefined ? {} : { filename }) };
          message = type === 'image' ? { type, image: media } : type === 'video' ? { type, video: media } : { type, document: media };
        }
        break;
      }
      case 'audio': {
        v.known(content, type, ['link']);
        const link = v.link(content, 'audio.link');
        if (link !== undefined) message = { type, audio: { link } };
        break;
      }
      case 'location': {
        v.known(content, type, ['latitude', 'longitude', 'name', 'address']);
        const latitude = v.number(content, 'latitude', 'location.latitude', -90, 90);
        const longitude = v.number(content, 'longitude', 'location.longitude', -180, 180);
        const name = v.optionalString(content, 'name', 'location.name');
        const address = v.optionalString(content, 'address', 'location.address');
        if (latitude !== undefined && longitude !== undefined)
          message = { type, location: { latitude, longitude, ...(name === undefined ? {} : { name }), ...(address === undefined ? {} : { address }) } };
        break;
      }
      case 'buttons': {
        v.known(content, type, ['text', 'buttons']);
        const text = v.string(content, 'text', 'buttons.text');
        const buttons = v.list(content['buttons'], 'buttons.buttons', (b, field) => v.button(b, field));
        if (text !== undefined && buttons !== undefined) message = { type, buttons: { text, buttons } };
        break;
      }
      case 'cards': {
        v.known(content, type, ['elements']);
        const elements = v.list(content['elements'], 'cards.elements', (e, field): Card | undefined => {
          const c = v.object(e, field);
          if (c === undefined) return undefined;
          v.known(c, field, ['title', 'subtitle', 'imageUrl', 'defaultUrl', 'buttons']);
          const title = v.string(c, 'title', `${field}.title`);
          const subtitle = v.optionalString(c, 'subtitle', `${field}.subtitle`);
          const imageUrl = c['imageUrl'] === undefined ? undefined : v.link(c, `${field}.imageUrl`, 'imageUrl');
          const defaultUrl = c['defaultUrl'] === undefined ? undefined : v.link(c, `${field}.defaultUrl`, 'defaultUrl');
          const buttons = c['buttons'] === undefined ? undefined : v.list(c['buttons'], `${field}.buttons`, (b, f) => v.button(b, f));
          if (title === undefined) return undefined;
          return {
            title,
            ...(subtitle === undefined ? {} : { subtitle }),
            ...(imageUrl === undefined ? {} : { imageUrl }),
            ...(defaultUrl === undefined ? {} : { defaultUrl }),
            ...(buttons === undefined ? {} : { buttons }),
          };
        });
        if (elements !== undefined) message = { type, cards: { elements } };
        break;
      }
    }
  }
  if (v.errors.length > 0 || message === undefined) return { ok: false, errors: v.errors.length > 0 ? v.errors : [{ field: type, issue: 'is required' }] };
  return { ok: true, message: { ...message, ...(replyTo === undefined ? {} : { replyTo }), ...(tag === undefined ? {} : { tag }) } as OutboundMessage };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Shape checks only (types and presence): each platform's check holds the limits. */
class Reader {
  readonly errors: FieldIssue[] = [];

  add(field: string, issue: string): void {
    this.errors.push({ field, issue });
  }

  object(value: unknown, field: string): Record<string, unknown> | undefined {
    if (isRecord(value)) return value;
    this.add(field, 'must be an object');
    return undefined;
  }

  known(o: Record<string, unknown>, field: string, keys: readonly string[]): void {
    for (const key of Object.keys(o)) if (!keys.includes(key)) this.add(`${field}.${key}`, 'is not a known field');
  }

  string(o: Record<string, unknown>, key: string, field: string): string | undefined {
    const value = o[key];
    if (typeof value === 'string' && value.length > 0) return value;
    this.add(field, 'must be a non-empty string');
    return undefined;
  }

  optionalString(o: Record<string, unknown>, key: string, field: string): string | undefined {
    return o[key] === undefined ? undefined : this.string(o, key, field);
  }

  number(o: Record<string, unknown>, key: string, field: string, min: number, max: number): number | undefined {
    const value = o[key];
    if (typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max) return value;
    this.add(field, `must be a number from ${min} to ${max}`);
    return undefined;
  }

  link(o: Record<string, unknown>, field: string, key = 'link'): string | undefined {
    const value = this.string(o, key, field);
    if (value === undefined) return undefined;
    if (/^https?:\/\/[^\s]+$/i.test(value)) return value;
    this.add(field, 'must be an http(s) URL');
    return undefined;
  }

  list<T>(value: unknown, field: string, item: (value: unknown, field: string) => T | undefined): T[] | undefined {
    if (!Array.isArray(value) || value.length === 0) {
      this.add(field, 'must be a non-empty array');
      return undefined;
    }
    const out: T[] = [];
    value.forEach((x, i) => {
      const parsed = item(x, `${field}[${i}]`);
      if (parsed !== undefined) out.push(parsed);
    });
    return out.length === value.length ? out : undefined;
  }

  button(value: unknown, field: string): ActionButton | undefined {
    const b = this.object(value, field);
    if (b === undefined) return undefined;
    const title = this.string(b, 'title', `${field}.title`);
    if (b['type'] === 'url') {
      this.known(b, field, ['type', 'title', 'url']);
      const url = this.string(b, 'url', `${field}.url`);
      return title === undefined || url === undefined ? undefined : { type: 'url', title, url };
    }
    if (b['type'] === 'postback') {
      this.known(b, field, ['type', 'title', 'payload']);
      const payload = this.string(b, 'payload', `${field}.payload`);
      return title === undefined || payload === undefined ? undefined : { type: 'postback', title, payload };
    }
    this.add(`${field}.type`, 'must be url or postback');
    return undefined;
  }
}
