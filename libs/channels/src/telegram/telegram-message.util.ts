import type { ActionButton, OutboundMessage } from '../channel-provider.types';
import type { PlatformMessageCheck } from '../platform.types';
import { isRecord } from '../whatsapp/graph-error.util';
import type { FieldIssue } from '../whatsapp/outbound-message.util';
import { TELEGRAM_LIMITS as L } from './telegram.constants';

/** A JSON body of a Bot API method. */
export type TelegramJson = { readonly [key: string]: TelegramJsonValue };
export type TelegramJsonValue = string | number | boolean | null | TelegramJson | readonly TelegramJsonValue[];

/** One Bot API call: the method (the last segment of `/bot<token>/<method>`) and its JSON body. */
export interface TelegramCall {
  readonly method: string;
  readonly body: TelegramJson;
}

const PARSE_MODES: ReadonlySet<string> = new Set(['MarkdownV2', 'HTML']);
/** Herald's provider message ids for Telegram, `<chat id>:<message id>` (see `telegramMessageId`). */
const MESSAGE_ID = /^(-?\d{1,20}):(\d{1,20})$/;

/**
 * Telegram message ids count up per chat, so the same number names a different message in every chat: Herald's id
 * for one is the chat's id and the message's, `<chat id>:<message id>` (e.g. `1111111:1365`).
 */
export function telegramMessageId(chatId: string | number, messageId: string | number): string {
  return `${chatId}:${messageId}`;
}

/** The chat and message of an id made by `telegramMessageId`; undefined for anything else. */
export function parseTelegramMessageId(id: string): { readonly chatId: string; readonly messageId: number } | undefined {
  const match = MESSAGE_ID.exec(id);
  if (match === null) return undefined;
  const messageId = Number(match[2]);
  return Number.isSafeInteger(messageId) ? { chatId: match[1]!, messageId } : undefined;
}

/**
 * Checks a message against what Telegram's Bot API carries, and names every problem by its field. Lengths count
 * characters (Unicode code points), except `callback_data`, which Telegram bounds in UTF-8 bytes.
 *
 * Refused, with the reason on the field:
 * - `template`, `interactive` and `cards`: WhatsApp's and Meta's shapes; on Telegram a text with buttons is `buttons`.
 * - `quickReplies` and `tag`: Messenger and Instagram features (Telegram has no 24-hour window to tag around).
 * - `document.filename`: a file sent by URL takes its name from the URL; the Bot API has no field for it.
 * - a location with only one of `name` and `address`: `sendVenue` needs both, `sendLocation` takes neither.
 * - a sticker whose URL does not end in `.webp`: the only sticker Telegram fetches from a URL is a static WEBP
 *   (animated .TGS and video .WEBM stickers must be uploaded). Stickers are carried rather than refused, since
 *   WhatsApp's stickers are WEBP too.
 * Documents by URL work for GIF, PDF and ZIP files only; the URL does not reliably tell the type, so others are left
 * to Telegram, which refuses them as a Bad Request (invalid_request).
 */
export const validateTelegramMessage: PlatformMessageCheck = (message: OutboundMessage): FieldIssue[] => {
  const v = new Issues();
  const m: unknown = message;
  if (!isRecord(m)) return [{ field: '', issue: 'must be an object' }];
  if (m['tag'] !== undefined)
    v.add('tag', 'message tags are Messenger and Instagram only; Telegram has no 24-hour window to tag around');
  if (m['replyTo'] !== undefined && (typeof m['replyTo'] !== 'string' || parseTelegramMessageId(m['replyTo']) === undefined)) {
    v.add('replyTo', 'must be a Telegram message id as Herald gives them: <chat id>:<message id>');
  }
  if (m['quickReplies'] !== undefined) {
    v.add('quickReplies', 'Telegram has no quick replies; send a buttons message (an inline keyboard) instead');
  }
  const type = m['type'];
  switch (type) {
    case 'text': {
      const text = v.object(m['text'], 'text');
      if (text === undefined) break;
      const parseMode = text['parseMode'];
      if (parseMode !== undefined && (typeof parseMode !== 'string' || !PARSE_MODES.has(parseMode))) {
        v.add('text.parseMode', 'must be MarkdownV2 or HTML');
      }
      v.text(text['body'], 'text.body', L.text, parseMode === 'MarkdownV2' || parseMode === 'HTML' ? parseMode : undefined);
      if (text['previewUrl'] !== undefined && typeof text['previewUrl'] !== 'boolean')
        v.add('text.previewUrl', 'must be true or false');
      break;
    }
    case 'image':
    case 'video':
    case 'document': {
      const media = v.object(m[type], type);
      if (media === undefined) break;
      v.httpUrl(media['link'], `${type}.link`);
      if (media['caption'] !== undefined) v.text(media['caption'], `${type}.caption`, L.caption, undefined, 0);
      if (type === 'document' && media['filename'] !== undefined) {
        v.add('document.filename', 'cannot be set on Telegram: a document sent by URL takes its name from the URL');
      }
      break;
    }
    case 'audio': {
      const media = v.object(m['audio'], 'audio');
      if (media !== undefined) v.httpUrl(media['link'], 'audio.link');
      break;
    }
    case 'sticker': {
      const media = v.object(m['sticker'], 'sticker');
      const url = media === undefined ? undefined : v.httpUrl(media['link'], 'sticker.link');
      if (url !== undefined && !url.pathname.toLowerCase().endsWith('.webp')) {
        v.add('sticker.link', 'must be a .webp file: Telegram fetches only static WEBP stickers from a URL');
      }
      break;
    }
    case 'location': {
      const location = v.object(m['location'], 'location');
      if (location === undefined) break;
      v.number(location['latitude'], 'location.latitude', -90, 90);
      v.number(location['longitude'], 'location.longitude', -180, 180);
      const name = v.optionalText(location['name'], 'location.name');
      const address = v.optionalText(location['address'], 'location.address');
      if (name !== undefined && address === undefined && location['address'] === undefined) {
        v.add('location.name', 'needs an address too: Telegram sends a named place as a venue, which takes both');
      }
      if (address !== undefined && name === undefined && location['name'] === undefined) {
        v.add('location.address', 'needs a name too: Telegram sends a named place as a venue, which takes both');
      }
      break;
    }
    case 'buttons': {
      const content = v.object(m['buttons'], 'buttons');
      if (content === undefined) break;
      v.text(content['text'], 'buttons.text', L.text);
      const buttons = content['buttons'];
      if (!Array.isArray(buttons)) {
        v.add('buttons.buttons', buttons === undefined ? 'is required' : 'must be an array');
        break;
      }
      if (buttons.length === 0) v.add('buttons.buttons', 'must hold at least 1 button');
      else if (buttons.length > L.buttons)
        v.add('buttons.buttons', `may hold at most ${L.buttons} buttons on Telegram (has ${buttons.length})`);
      buttons.forEach((button: unknown, i) => v.button(button, `buttons.buttons[${i}]`));
      break;
    }
    case 'template':
      v.add('type', "Telegram has no message templates (they are WhatsApp's); send text or buttons");
      break;
    case 'interactive':
      v.add('type', "interactive messages are WhatsApp's; on Telegram send a buttons message (an inline keyboard)");
      break;
    case 'cards':
      v.add('type', "Telegram has no card carousels (they are Messenger's and Instagram's); send buttons or an image");
      break;
    default:
      v.add('type', 'must be text, image, video, audio, document, sticker, location or buttons on Telegram');
  }
  return v.issues;
};

/**
 * The Bot API call that sends `message` to `chatId`, for a message Telegram carries (validated by
 * `validateTelegramMessage`, or built by Herald); undefined for a kind it does not. `chat_id` goes as Herald holds
 * it, a string (the Bot API takes an integer or a string, and a string also carries `@channelusername`).
 */
export function toTelegramCall(chatId: string, message: OutboundMessage): TelegramCall | undefined {
  const reply = replyParameters(chatId, message.replyTo);
  const common = { chat_id: chatId, ...(reply === undefined ? {} : { reply_parameters: reply }) };
  switch (message.type) {
    case 'text':
      return {
        method: 'sendMessage',
        body: {
          ...common,
          text: message.text.body,
          ...(message.text.parseMode === undefined ? {} : { parse_mode: message.text.parseMode }),
          ...(message.text.previewUrl === false ? { link_preview_options: { is_disabled: true } } : {}),
        },
      };
    case 'image':
      return { method: 'sendPhoto', body: { ...common, photo: message.image.link, ...caption(message.image.caption) } };
    case 'video':
      return { method: 'sendVideo', body: { ...common, video: message.video.link, ...caption(message.video.caption) } };
    case 'document':
      return {
        method: 'sendDocument',
        body: { ...common, document: message.document.link, ...caption(message.document.caption) },
      };
    case 'audio':
      return { method: 'sendAudio', body: { ...common, audio: message.audio.link } };
    case 'sticker':
      return { method: 'sendSticker', body: { ...common, sticker: message.sticker.link } };
    case 'location': {
      const { latitude, longitude, name, address } = message.location;
      return name !== undefined && address !== undefined
        ? { method: 'sendVenue', body: { ...common, latitude, longitude, title: name, address } }
        : { method: 'sendLocation', body: { ...common, latitude, longitude } };
    }
    case 'buttons':
      return {
        method: 'sendMessage',
        body: {
          ...common,
          text: message.buttons.text,
          // One button a row: titles stay readable on a phone, and the order is the order given.
          reply_markup: { inline_keyboard: message.buttons.buttons.map((button) => [inlineButton(button)]) },
        },
      };
    case 'template':
    case 'interactive':
    case 'cards':
      return undefined;
  }
}

/**
 * `reply_parameters` for a reply to an earlier message. `allow_sending_without_reply` lets the message go out when
 * the quoted one was deleted (a campaign should not fail over that). A message of another chat is named with its
 * chat. An id Herald did not make is left out here; validation refuses it for content from API callers.
 */
function replyParameters(chatId: string, replyTo: string | undefined): TelegramJson | undefined {
  if (replyTo === undefined) return undefined;
  const quoted = parseTelegramMessageId(replyTo);
  if (quoted === undefined) return undefined;
  return {
    message_id: quoted.messageId,
    ...(quoted.chatId === chatId ? {} : { chat_id: quoted.chatId }),
    allow_sending_without_reply: true,
  };
}

function inlineButton(button: ActionButton): TelegramJson {
  return button.type === 'url' ? { text: button.title, url: button.url } : { text: button.title, callback_data: button.payload };
}

function caption(value: string | undefined): TelegramJson {
  return value === undefined || value === '' ? {} : { caption: value };
}

/**
 * A lower bound on the length Telegram counts for `text` once it parsed the entities out (its limits apply after
 * parsing): tags and character references for HTML; link targets, code-block languages, escapes and unescaped
 * markup characters for MarkdownV2. Never more than the real count, so a valid formatted text is never refused;
 * a text over the limit that this misses gets Telegram's own "message is too long" (invalid_request).
 */
export function visibleLength(text: string, parseMode: 'MarkdownV2' | 'HTML' | undefined): number {
  if (parseMode === 'HTML') {
    return codePoints(text.replace(/<[^>]*>/g, '').replace(/&(#\d{1,7}|#x[0-9a-f]{1,6}|[a-z]{2,8});/gi, '_'));
  }
  if (parseMode === 'MarkdownV2') {
    const stripped = text
      .replace(/```[^\s`]*/g, '') // fences and the language after an opening one
      .replace(/\]\((?:\\.|[^)\\])*\)/g, ']'); // link and custom-emoji targets
    let n = 0;
    for (let i = 0; i < stripped.length; i += 1) {
      const c = stripped[i]!;
      if (c === '\\' && i + 1 < stripped.length) {
        n += 1;
        i += /[\uD800-\uDBFF]/.test(stripped[i + 1]!) ? 2 : 1;
      } else if (MARKDOWN_V2_RESERVED.has(c)) {
        // Unescaped, it is markup (or a parse error Telegram reports): invisible either way.
      } else if (!/[\uDC00-\uDFFF]/.test(c)) {
        n += 1;
      }
    }
    return n;
  }
  return codePoints(text);
}

/** Characters MarkdownV2 requires escaped with '\' to show as themselves. */
const MARKDOWN_V2_RESERVED: ReadonlySet<string> = new Set('_*[]()~`>#+-=|{}.!'.split(''));

function codePoints(value: string): number {
  let n = 0;
  for (const _ of value) n += 1;
  return n;
}

/** Collects field issues; each check returns the value when valid. */
class Issues {
  readonly issues: FieldIssue[] = [];

  add(field: string, issue: string): void {
    this.issues.push({ field, issue });
  }

  object(value: unknown, field: string): Record<string, unknown> | undefined {
    if (isRecord(value)) return value;
    this.add(field, value === undefined ? 'is required' : 'must be an object');
    return undefined;
  }

  /** A string of `min` to `max` characters as Telegram counts them (after entity parsing when `parseMode` is set). */
  text(value: unknown, field: string, max: number, parseMode?: 'MarkdownV2' | 'HTML', min = 1): string | undefined {
    if (typeof value !== 'string') {
      this.add(field, value === undefined ? 'is required' : 'must be a string');
      return undefined;
    }
    if (min > 0 && value.trim() === '') {
      this.add(field, 'must not be empty');
      return undefined;
    }
    const n = visibleLength(value, parseMode);
    if (n > max) {
      this.add(
        field,
        `must be at most ${max} characters${parseMode === undefined ? '' : ' after formatting is parsed'} (is ${n})`,
      );
      return undefined;
    }
    return value;
  }

  optionalText(value: unknown, field: string): string | undefined {
    return value === undefined ? undefined : this.text(value, field, Number.MAX_SAFE_INTEGER);
  }

  number(value: unknown, field: string, min: number, max: number): void {
    if (typeof value !== 'number' || !Number.isFinite(value))
      this.add(field, value === undefined ? 'is required' : 'must be a number');
    else if (value < min || value > max) this.add(field, `must be from ${min} to ${max}`);
  }

  /** An absolute http(s) URL Telegram can fetch. */
  httpUrl(value: unknown, field: string): URL | undefined {
    const url = this.url(value, field);
    if (url === undefined) return undefined;
    if (url.protocol === 'http:' || url.protocol === 'https:') return url;
    this.add(field, 'must be an http(s) URL');
    return undefined;
  }

  button(value: unknown, at: string): void {
    const button = this.object(value, at);
    if (button === undefined) return;
    this.text(button['title'], `${at}.title`, Number.MAX_SAFE_INTEGER);
    if (button['type'] === 'url') {
      const url = this.url(button['url'], `${at}.url`);
      // InlineKeyboardButton.url: "HTTP or tg:// URL to be opened when the button is pressed".
      if (url !== undefined && url.protocol !== 'http:' && url.protocol !== 'https:' && url.protocol !== 'tg:') {
        this.add(`${at}.url`, 'must be an http(s) or tg:// URL');
      }
    } else if (button['type'] === 'postback') {
      const payload = button['payload'];
      if (typeof payload !== 'string' || payload === '') {
        this.add(`${at}.payload`, payload === undefined ? 'is required' : 'must be a non-empty string');
      } else {
        const bytes = Buffer.byteLength(payload, 'utf8');
        if (bytes > L.callbackDataBytes) {
          this.add(`${at}.payload`, `must be at most ${L.callbackDataBytes} bytes in UTF-8 on Telegram (is ${bytes})`);
        }
      }
    } else {
      this.add(`${at}.type`, 'must be url or postback');
    }
  }

  private url(value: unknown, field: string): URL | undefined {
    if (typeof value !== 'string' || value.trim() === '') {
      this.add(field, value === undefined ? 'is required' : 'must be a non-empty string');
      return undefined;
    }
    try {
      return new URL(value);
    } catch {
      this.add(field, 'must be an absolute URL');
      return undefined;
    }
  }
}
