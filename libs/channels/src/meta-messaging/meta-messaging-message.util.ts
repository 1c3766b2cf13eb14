import { MESSAGING_TAGS, type ActionButton, type MessagingTag, type OutboundMessage, type OutboundMessageType } from '../channel-provider.types';
import type { MetaMessagingPlatform, PlatformMessageCheck } from '../platform.types';
import { isRecord } from '../whatsapp/graph-error.util';
import type { FieldIssue } from '../whatsapp/outbound-message.util';

/**
 * What Meta documents for Messenger's and Instagram's Send API content. Lengths are characters (Unicode code
 * points) except Instagram's text, which Meta bounds in UTF-8 bytes (an emoji is 4 of them).
 */
export const META_MESSAGING_LIMITS = {
  /** Messenger text: "UTF-8, under 2000 characters" (Send API reference). */
  messengerText: 2_000,
  /** Instagram text: at most 1,000 bytes of UTF-8 (Instagram Messaging, "Send a Message"). */
  instagramTextBytes: 1_000,
  quickReplies: 13,
  quickReplyTitle: 20,
  /** Quick-reply and postback payloads. */
  payload: 1_000,
  /** Button template text. */
  buttonsText: 640,
  buttonsMin: 1,
  buttonsMax: 3,
  buttonTitle: 20,
  cardsMin: 1,
  cardsMax: 10,
  cardTitle: 80,
  cardSubtitle: 80,
  cardButtons: 3,
} as const;

/** The kinds each platform carries, in Herald's names (Meta's Send API messages, media by URL only). */
export const META_MESSAGE_TYPES: Readonly<Record<MetaMessagingPlatform, readonly OutboundMessageType[]>> = {
  messenger: ['text', 'image', 'video', 'audio', 'document', 'buttons', 'cards'],
  instagram: ['text', 'image', 'cards'],
};

/** Instagram takes only HUMAN_AGENT; the other three tags are "not available for Instagram Messaging API". */
export const META_MESSAGING_TAGS: Readonly<Record<MetaMessagingPlatform, readonly MessagingTag[]>> = {
  messenger: MESSAGING_TAGS,
  instagram: ['HUMAN_AGENT'],
};

const PLATFORM_NAMES: Readonly<Record<MetaMessagingPlatform, string>> = { messenger: 'Messenger', instagram: 'Instagram' };

/**
 * Checks a message against what the platform carries and returns every problem with its field path
 * (`cards.elements[0].title`); empty when it can be sent. Meant for content that came from an API caller, so it
 * reads the message defensively (wrong types are reported, not trusted). Nothing is dropped silently: what the
 * platform cannot show (a caption, a filename, a link preview switch, a quoted reply) is refused here.
 */
export function validateMetaMessage(platform: MetaMessagingPlatform, message: OutboundMessage): FieldIssue[] {
  const v = new Checker();
  const input: unknown = message;
  if (!isRecord(input)) return [{ field: '', issue: 'must be an object' }];
  const type = input['type'];
  const carried = META_MESSAGE_TYPES[platform];
  const name = PLATFORM_NAMES[platform];
  if (typeof type !== 'string' || !(carried as readonly string[]).includes(type)) {
    return [{ field: 'type', issue: `must be one of ${carried.join(', ')} on ${name}` }];
  }
  const kind = type as OutboundMessageType;
  const topLevel = ['type', kind, 'tag', ...(kind === 'text' ? ['quickReplies'] : [])];
  for (const key of Object.keys(input)) {
    if (topLevel.includes(key) || input[key] === undefined) continue;
    if (key === 'replyTo') v.add('replyTo', `${name}'s Send API cannot quote an earlier message`);
    else if (key === 'quickReplies') v.add('quickReplies', 'quick replies ride only on a text message');
    else v.add(key, `must not be given when type is ${kind}`);
  }
  if (input['tag'] !== undefined) {
    const tags = META_MESSAGING_TAGS[platform];
    if (typeof input['tag'] !== 'string' || !(tags as readonly string[]).includes(input['tag'])) {
      v.add('tag', `must be one of ${tags.join(', ')} on ${name}`);
    }
  }
  const content = v.object(input[kind], kind);
  if (content === undefined) return v.issues;
  switch (kind) {
    case 'text':
      checkText(v, platform, content, input['quickReplies']);
      break;
    case 'image':
    case 'video':
    case 'audio':
    case 'document':
      checkMedia(v, kind, content);
      break;
    case 'buttons':
      v.known(content, 'buttons', ['text', 'buttons']);
      v.string(content['text'], 'buttons.text', { max: META_MESSAGING_LIMITS.buttonsText });
      checkButtons(v, content['buttons'], 'buttons.buttons', META_MESSAGING_LIMITS.buttonsMin, META_MESSAGING_LIMITS.buttonsMax);
      break;
    case 'cards':
      checkCards(v, content);
      break;
    // Types no Meta platform carries were refused above; listed so a new type must be placed here.
    case 'template':
    case 'sticker':
    case 'interactive':
    case 'location':
      break;
  }
  return v.issues;
}

/** Messenger's check, as the channel registry takes it. */
export const validateMessengerMessage: PlatformMessageCheck = (message) => validateMetaMessage('messenger', message);
/** Instagram's check, as the channel registry takes it. */
export const validateInstagramMessage: PlatformMessageCheck = (message) => validateMetaMessage('instagram', message);

function checkText(v: Checker, platform: MetaMessagingPlatform, content: Record<string, unknown>, quickReplies: unknown): void {
  if (content['previewUrl'] !== undefined) v.add('text.previewUrl', 'is WhatsApp only: Meta decides link previews on this platform');
  if (content['parseMode'] !== undefined) v.add('text.parseMode', 'is Telegram only: this platform sends plain text');
  v.known(content, 'text', ['body', 'previewUrl', 'parseMode']);
  if (platform === 'instagram') {
    const body = v.string(content['body'], 'text.body', {});
    const bytes = body === undefined ? 0 : Buffer.byteLength(body, 'utf8');
    if (bytes > META_MESSAGING_LIMITS.instagramTextBytes) {
      v.add('text.body', `must be at most ${META_MESSAGING_LIMITS.instagramTextBytes} bytes of UTF-8 on Instagram (is ${bytes})`);
    }
  } else {
    v.string(content['body'], 'text.body', { max: META_MESSAGING_LIMITS.messengerText });
  }
  if (quickReplies === undefined) return;
  const items = v.array(quickReplies, 'quickReplies', 1, META_MESSAGING_LIMITS.quickReplies);
  items?.forEach((item, i) => {
    const at = `quickReplies[${i}]`;
    const reply = v.object(item, at);
    if (reply === undefined) return;
    v.known(reply, at, ['title', 'payload']);
    v.string(reply['title'], `${at}.title`, { max: META_MESSAGING_LIMITS.quickReplyTitle });
    v.string(reply['payload'], `${at}.payload`, { max: META_MESSAGING_LIMITS.payload });
  });
}

function checkMedia(v: Checker, kind: 'image' | 'video' | 'audio' | 'document', content: Record<string, unknown>): void {
  if (content['caption'] !== undefined) {
    v.add(`${kind}.caption`, 'cannot ride along on this platform: send the text as its own message');
  }
  if (content['filename'] !== undefined) v.add(`${kind}.filename`, 'cannot be set on this platform: the file is named from its URL');
  v.known(content, kind, ['link', 'caption', 'filename']);
  v.link(content['link'], `${kind}.link`);
}

function checkCards(v: Checker, content: Record<string, unknown>): void {
  v.known(content, 'cards', ['elements']);
  const elements = v.array(content['elements'], 'cards.elements', META_MESSAGING_LIMITS.cardsMin, META_MESSAGING_LIMITS.cardsMax);
  elements?.forEach((item, i) => {
    const at = `cards.elements[${i}]`;
    const card = v.object(item, at);
    if (card === undefined) return;
    v.known(card, at, ['title', 'subtitle', 'imageUrl', 'defaultUrl', 'buttons']);
    v.string(card['title'], `${at}.title`, { max: META_MESSAGING_LIMITS.cardTitle });
    if (card['subtitle'] !== undefined) v.string(card['subtitle'], `${at}.subtitle`, { max: META_MESSAGING_LIMITS.cardSubtitle });
    if (card['imageUrl'] !== undefined) v.link(card['imageUrl'], `${at}.imageUrl`);
    if (card['defaultUrl'] !== undefined) v.link(card['defaultUrl'], `${at}.defaultUrl`);
    if (card['buttons'] !== undefined) checkButtons(v, card['buttons'], `${at}.buttons`, 0, META_MESSAGING_LIMITS.cardButtons);
  });
}

function checkButtons(v: Checker, value: unknown, at: string, min: number, max: number): void {
  const items = v.array(value, at, min, max);
  items?.forEach((item, i) => {
    const bat = `${at}[${i}]`;
    const button = v.object(item, bat);
    if (button === undefined) return;
    const type = button['type'];
    if (type === 'url') {
      v.known(button, bat, ['type', 'title', 'url']);
      v.string(button['title'], `${bat}.title`, { max: META_MESSAGING_LIMITS.buttonTitle });
      v.link(button['url'], `${bat}.url`);
    } else if (type === 'postback') {
      v.known(button, bat, ['type', 'title', 'payload']);
      v.string(button['title'], `${bat}.title`, { max: META_MESSAGING_LIMITS.buttonTitle });
      v.string(button['payload'], `${bat}.payload`, { max: META_MESSAGING_LIMITS.payload });
    } else {
      v.add(`${bat}.type`, 'must be url or postback');
    }
  });
}

/** Collects field issues; each check returns the value when it passed. */
class Checker {
  readonly issues: FieldIssue[] = [];

  add(field: string, issue: string): void {
    this.issues.push({ field, issue });
  }

  object(value: unknown, field: string): Record<string, unknown> | undefined {
    if (isRecord(value)) return value;
    this.add(field, value === undefined ? 'is required' : 'must be an object');
    return undefined;
  }

  array(value: unknown, field: string, min: number, max: number): unknown[] | undefined {
    if (!Array.isArray(value)) {
      this.add(field, value === undefined ? 'is required' : 'must be an array');
      return undefined;
    }
    if (value.length < min) this.add(field, `must hold at least ${min} item${min === 1 ? '' : 's'}`);
    else if (value.length > max) this.add(field, `may hold at most ${max} item${max === 1 ? '' : 's'}`);
    return value;
  }

  /** Reports keys Herald does not know (Meta's snake_case `image_url` instead of `imageUrl`, say). */
  known(value: Record<string, unknown>, field: string, keys: readonly string[]): void {
    for (const key of Object.keys(value)) {
      if (!keys.includes(key)) this.add(`${field}.${key}`, `is not a known field (known: ${keys.join(', ')})`);
    }
  }

  /** A required, non-blank string of at most `max` characters (code points). */
  string(value: unknown, field: string, rule: { readonly max?: number }): string | undefined {
    if (value === undefined || value === null) {
      this.add(field, 'is required');
      return undefined;
    }
    if (typeof value !== 'string') {
      this.add(field, 'must be a string');
      return undefined;
    }
    if (value.trim() === '') {
      this.add(field, 'must not be empty');
      return undefined;
    }
    const n = [...value].length;
    if (rule.max !== undefined && n > rule.max) {
      this.add(field, `must be at most ${rule.max} characters (is ${n})`);
      return undefined;
    }
    return value;
  }

  /** An absolute http(s) URL: Meta fetches media and opens buttons from it. */
  link(value: unknown, field: string): string | undefined {
    const raw = this.string(value, field, {});
    if (raw === undefined) return undefined;
    if (!isHttpUrl(raw)) {
      this.add(field, 'must be an http(s) URL');
      return undefined;
    }
    return raw;
  }
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------------------
// The wire payload
// ---------------------------------------------------------------------------------------------------------

export type MetaJson = string | number | boolean | null | MetaJson[] | { [key: string]: MetaJson };

export type MetaMessagingType = 'RESPONSE' | 'UPDATE' | 'MESSAGE_TAG';

/**
 * The Send API's `message` object for a message the platform carries (see `validateMetaMessage`), undefined for a
 * kind no Meta platform carries. `is_reusable: false` goes on Messenger's media (Herald sends each file once); it
 * is left off Instagram's, whose documented payload is `{url}` alone.
 */
export function toMetaMessage(platform: MetaMessagingPlatform, message: OutboundMessage): { [key: string]: MetaJson } | undefined {
  switch (message.type) {
    case 'text':
      return {
        text: message.text.body,
        ...(message.quickReplies === undefined || message.quickReplies.length === 0
          ? {}
          : { quick_replies: message.quickReplies.map((r) => ({ content_type: 'text', title: r.title, payload: r.payload })) }),
      };
    case 'image':
      return attachment(platform, 'image', message.image.link);
    case 'video':
      return attachment(platform, 'video', message.video.link);
    case 'audio':
      return attachment(platform, 'audio', message.audio.link);
    case 'document':
      return attachment(platform, 'file', message.document.link);
    case 'buttons':
      return {
        attachment: {
          type: 'template',
          payload: { template_type: 'button', text: message.buttons.text, buttons: message.buttons.buttons.map(toMetaButton) },
        },
      };
    case 'cards':
      return {
        attachment: {
          type: 'template',
          payload: {
            template_type: 'generic',
            elements: message.cards.elements.map((card) => ({
              title: card.title,
              ...(card.subtitle === undefined ? {} : { subtitle: card.subtitle }),
              ...(card.imageUrl === undefined ? {} : { image_url: card.imageUrl }),
              ...(card.defaultUrl === undefined ? {} : { default_action: { type: 'web_url', url: card.defaultUrl } }),
              ...(card.buttons === undefined || card.buttons.length === 0 ? {} : { buttons: card.buttons.map(toMetaButton) }),
            })),
          },
        },
      };
    case 'template':
    case 'sticker':
    case 'interactive':
    case 'location':
      return undefined;
  }
}

/**
 * The whole Send API body: `{recipient: {id}, messaging_type, tag?, message}`. The tag goes out only with
 * `MESSAGE_TAG`: inside the window a tag is not needed, and Meta reads a tag as a claim about the content.
 */
export function toMetaSendBody(
  platform: MetaMessagingPlatform,
  to: string,
  messagingType: MetaMessagingType,
  message: OutboundMessage,
): { [key: string]: MetaJson } | undefined {
  const wire = toMetaMessage(platform, message);
  if (wire === undefined) return undefined;
  return {
    recipient: { id: to },
    messaging_type: messagingType,
    ...(messagingType === 'MESSAGE_TAG' && message.tag !== undefined ? { tag: message.tag } : {}),
    message: wire,
  };
}

function attachment(platform: MetaMessagingPlatform, type: 'image' | 'video' | 'audio' | 'file', url: string): { [key: string]: MetaJson } {
  return { attachment: { type, payload: platform === 'messenger' ? { url, is_reusable: false } : { url } } };
}

function toMetaButton(button: ActionButton): { [key: string]: MetaJson } {
  return button.type === 'url'
    ? { type: 'web_url', url: button.url, title: button.title }
    : { type: 'postback', title: button.title, payload: button.payload };
}
