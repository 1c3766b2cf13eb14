import type { PlatformInbound, PlatformUnreachable, PlatformWebhook } from '../platform.types';
import { isRecord } from '../whatsapp/graph-error.util';
import type { InboundContactCard, InboundLocation, InboundMedia } from '../whatsapp/whatsapp.types';
import { telegramMessageId } from './telegram-message.util';
import { providerDate } from '../provider-time.util';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type Report = (path: string, issue: string) => void;

/** Content a user sent that Herald keeps only as "the user sent something" (type `unsupported`). */
const UNSUPPORTED_CONTENT = ['poll', 'dice', 'game', 'story', 'paid_media', 'invoice', 'checklist', 'giveaway'] as const;

/**
 * Reads one Telegram `Update` (Telegram POSTs one update a request) into Herald's platform webhook shape.
 *
 * - `message` in a private chat → an inbound message from the chat's id (in a private chat, the user's id), with
 *   id `<chat id>:<message id>` (Telegram message ids are unique only within a chat). `/start PAYLOAD` (a deep link)
 *   is text like any other.
 * - `callback_query` (a press of an inline button) → an inbound `button` with the button's `callback_data` as payload
 *   and its text found on the message's keyboard, id `cq:<query id>`, and `callbackQueryId` to answer.
 * - `my_chat_member` in a private chat whose new status is `kicked` → the user blocked the bot: unreachable.
 * - anything else (edits, channel posts, group and channel chats, other update kinds) is skipped with a `problems`
 *   entry; so is anything malformed. It never throws.
 *
 * Telegram reports no delivery or read (no such update exists), so `statuses` and `watermarks` stay empty.
 *
 * `receivedAt` stamps button presses: a `CallbackQuery` carries no time of its own, and the date on its `message` is
 * when the bot sent that message, possibly days earlier. Telegram delivers a press within seconds (the user's client
 * shows a progress bar until it is answered), so the time the webhook arrived is the press time within that. Callers
 * pass the request's arrival time (their clock), tests a fixed one.
 */
export function parseTelegramUpdate(payload: unknown, botId: string, receivedAt: Date = new Date()): PlatformWebhook {
  const out: Mutable<PlatformWebhook> = { statuses: [], watermarks: [], inbound: [], unreachable: [], problems: [] };
  const problem: Report = (path, issue) => void out.problems.push({ path, issue });
  if (!isRecord(payload)) {
    problem('', 'is not a JSON object');
    return out;
  }
  const kinds = Object.keys(payload).filter((key) => key !== 'update_id');
  if (kinds.length === 0) problem('', 'holds no update (only update_id, or nothing)');
  for (const kind of kinds) {
    const value = payload[kind];
    switch (kind) {
      case 'message': {
        const inbound = readMessage(value, kind, botId, problem);
        if (inbound !== undefined) out.inbound.push(inbound);
        break;
      }
      case 'callback_query': {
        const inbound = readCallbackQuery(value, kind, botId, receivedAt, problem);
        if (inbound !== undefined) out.inbound.push(inbound);
        break;
      }
      case 'my_chat_member': {
        const unreachable = readMyChatMember(value, kind, problem);
        if (unreachable !== undefined) out.unreachable.push(unreachable);
        break;
      }
      default:
        problem(kind, `${kind} updates are not handled`);
    }
  }
  return out;
}

function readMessage(value: unknown, at: string, botId: string, problem: Report): PlatformInbound | undefined {
  if (!isRecord(value)) return void problem(at, 'is not an object');
  const chat = privateChat(value['chat'], `${at}.chat`, problem);
  if (chat === undefined) return undefined;
  const messageId = integerId(value['message_id']);
  if (messageId === undefined) return void problem(`${at}.message_id`, 'is missing or not an integer');
  const timestamp = unixDate(value['date']);
  if (timestamp === undefined) return void problem(`${at}.date`, 'is missing or not a Unix time');
  const content = readContent(value, at, problem);
  if (content === undefined) return undefined;
  const reply = isRecord(value['reply_to_message']) ? integerId(value['reply_to_message']['message_id']) : undefined;
  const profileName = nameOf(value['from']) ?? nameOf(chat.raw);
  return {
    providerMessageId: telegramMessageId(chat.id, messageId),
    from: chat.id,
    phoneNumberId: botId,
    timestamp,
    ...content,
    // `reply_to_message` is a message of the same chat (a reply across chats comes as `external_reply`).
    ...(reply === undefined ? {} : { contextMessageId: telegramMessageId(chat.id, reply) }),
    ...(profileName === undefined ? {} : { profileName }),
  };
}

type Content = Pick<PlatformInbound, 'type' | 'text' | 'media' | 'location' | 'contacts'>;

/** What the user sent, by the field Telegram fills for it; undefined (with a problem) for a service message. */
function readContent(m: Record<string, unknown>, at: string, problem: Report): Content | undefined {
  const caption = str(m['caption']);
  const withCaption = (media: InboundMedia): InboundMedia => (caption === undefined ? media : { ...media, caption });
  if (typeof m['text'] === 'string') return { type: 'text', text: m['text'] };
  if (Array.isArray(m['photo'])) {
    const largest = largestPhoto(m['photo']);
    if (largest === undefined) return void problem(`${at}.photo`, 'holds no size with a file_id');
    // Telegram re-encodes photos as JPEG; PhotoSize has no mime_type.
    return { type: 'image', media: withCaption({ id: largest, mimeType: 'image/jpeg' }) };
  }
  // An animation also fills `document` (for old clients): read it first, as the video it is.
  const files: ReadonlyArray<readonly [string, string, Partial<InboundMedia>]> = [
    ['animation', 'video', {}],
    ['video', 'video', {}],
    ['video_note', 'video', {}],
    ['voice', 'audio', { voice: true }],
    ['audio', 'audio', {}],
    ['document', 'document', {}],
    ['sticker', 'sticker', {}],
  ];
  for (const [field, type, extra] of files) {
    const file = m[field];
    if (file === undefined) continue;
    const media = fileMedia(file, field);
    if (media === undefined) return void problem(`${at}.${field}`, 'has no file_id');
    return { type, media: withCaption({ ...media, ...extra }) };
  }
  if (m['venue'] !== undefined || m['location'] !== undefined) {
    const location = readLocation(m);
    if (location === undefined)
      return void problem(`${at}.${m['venue'] !== undefined ? 'venue' : 'location'}`, 'has no latitude and longitude');
    return { type: 'location', location };
  }
  if (isRecord(m['contact'])) {
    const card = contactCard(m['contact']);
    if (card === undefined) return void problem(`${at}.contact`, 'has no phone number');
    return { type: 'contacts', contacts: [card] };
  }
  if (UNSUPPORTED_CONTENT.some((field) => m[field] !== undefined)) return { type: 'unsupported' };
  return void problem(at, 'carries no content Herald reads (a service message)');
}

function readCallbackQuery(
  value: unknown,
  at: string,
  botId: string,
  receivedAt: Date,
  problem: Report,
): PlatformInbound | undefined {
  if (!isRecord(value)) return void problem(at, 'is not an object');
  const id = str(value['id']);
  if (id === undefined) return void problem(`${at}.id`, 'is missing');
  const data = value['data'];
  // Without data it is a game's button (game_short_name): Herald never sends those.
  if (typeof data !== 'string' || data === '')
    return void problem(`${at}.data`, 'is missing: not a press of a button Herald sent');
  const user = isRecord(value['from']) ? value['from'] : undefined;
  // A message older than 48 hours comes as an InaccessibleMessage ({chat, message_id, date: 0}): still this chat.
  const message = isRecord(value['message']) ? value['message'] : undefined;
  let from: string | undefined;
  let context: string | undefined;
  if (message !== undefined) {
    const chat = privateChat(message['chat'], `${at}.message.chat`, problem);
    if (chat === undefined) return undefined;
    from = chat.id;
    const messageId = integerId(message['message_id']);
    if (messageId !== undefined) context = telegramMessageId(chat.id, messageId);
  } else {
    // A button on a message sent in inline mode (`inline_message_id`): only the user is known.
    from = integerId(user?.['id']);
  }
  if (from === undefined) return void problem(`${at}.from.id`, 'is missing');
  const profileName = nameOf(user);
  return {
    providerMessageId: `cq:${id}`,
    from,
    phoneNumberId: botId,
    timestamp: receivedAt,
    type: 'button',
    button: { payload: data, text: pressedButtonText(message, data) ?? data },
    callbackQueryId: id,
    ...(context === undefined ? {} : { contextMessageId: context }),
    ...(profileName === undefined ? {} : { profileName }),
  };
}

function readMyChatMember(value: unknown, at: string, problem: Report): PlatformUnreachable | undefined {
  if (!isRecord(value)) return void problem(at, 'is not an object');
  const chat = privateChat(value['chat'], `${at}.chat`, problem);
  if (chat === undefined) return undefined;
  const when = unixDate(value['date']);
  if (when === undefined) return void problem(`${at}.date`, 'is missing or not a Unix time');
  const member = isRecord(value['new_chat_member']) ? value['new_chat_member'] : undefined;
  const status = str(member?.['status']);
  if (status === undefined) return void problem(`${at}.new_chat_member.status`, 'is missing');
  // In a private chat the bot's status turns `kicked` when the user blocks it and `member` when they unblock it.
  if (status === 'kicked') return { recipientId: chat.id, at: when, reason: 'blocked the bot' };
  return void problem(
    `${at}.new_chat_member.status`,
    status === 'member' ? 'is member: the user unblocked the bot; Herald records nothing for that' : `is ${status}: not a block`,
  );
}

/** The chat's id, only for a private chat (a user's chat with the bot); groups and channels are not Herald's. */
function privateChat(
  value: unknown,
  at: string,
  problem: Report,
): { readonly id: string; readonly raw: Record<string, unknown> } | undefined {
  if (!isRecord(value)) return void problem(at, 'is missing');
  const id = integerId(value['id']);
  if (id === undefined) return void problem(`${at}.id`, 'is missing or not an integer');
  const type = value['type'];
  // Telegram's own sample updates once left `type` out; a positive id is a user's private chat.
  const isPrivate = type === 'private' || (type === undefined && !id.startsWith('-'));
  if (!isPrivate) return void problem(`${at}.type`, `is ${String(type ?? 'absent')}: only private chats are handled`);
  return { id, raw: value };
}

/** The file_id of the largest PhotoSize (Telegram lists them small to large; area decides when sizes are given). */
function largestPhoto(sizes: readonly unknown[]): string | undefined {
  let best: { id: string; area: number } | undefined;
  for (const size of sizes) {
    if (!isRecord(size)) continue;
    const id = str(size['file_id']);
    if (id === undefined) continue;
    const width = typeof size['width'] === 'number' ? size['width'] : 0;
    const height = typeof size['height'] === 'number' ? size['height'] : 0;
    const area = width * height;
    if (best === undefined || area >= best.area) best = { id, area };
  }
  return best?.id;
}

function fileMedia(value: unknown, field: string): InboundMedia | undefined {
  if (!isRecord(value)) return undefined;
  const id = str(value['file_id']);
  if (id === undefined) return undefined;
  const mimeType = str(value['mime_type']) ?? (field === 'sticker' ? stickerMimeType(value) : undefined);
  const filename = str(value['file_name']);
  const animated = field === 'sticker' && (value['is_animated'] === true || value['is_video'] === true);
  return {
    id,
    ...(mimeType === undefined ? {} : { mimeType }),
    ...(filename === undefined ? {} : { filename }),
    ...(animated ? { animated } : {}),
  };
}

/** Stickers carry no mime_type: static ones are WEBP, animated ones TGS (Lottie), video ones WEBM. */
function stickerMimeType(sticker: Record<string, unknown>): string {
  if (sticker['is_video'] === true) return 'video/webm';
  if (sticker['is_animated'] === true) return 'application/x-tgsticker';
  return 'image/webp';
}

function readLocation(m: Record<string, unknown>): InboundLocation | undefined {
  const venue = isRecord(m['venue']) ? m['venue'] : undefined;
  const point = isRecord(venue?.['location']) ? venue['location'] : isRecord(m['location']) ? m['location'] : undefined;
  const latitude = point?.['latitude'];
  const longitude = point?.['longitude'];
  if (typeof latitude !== 'number' || typeof longitude !== 'number') return undefined;
  const name = str(venue?.['title']);
  const address = str(venue?.['address']);
  return { latitude, longitude, ...(name === undefined ? {} : { name }), ...(address === undefined ? {} : { address }) };
}

function contactCard(contact: Record<string, unknown>): InboundContactCard | undefined {
  const phone = str(contact['phone_number']);
  if (phone === undefined) return undefined;
  return { name: nameOf(contact) ?? phone, phones: [{ phone }], emails: [] };
}

/** The text of the inline button whose callback_data is `data`, on the message the press came from. */
function pressedButtonText(message: Record<string, unknown> | undefined, data: string): string | undefined {
  const markup = isRecord(message?.['reply_markup']) ? message['reply_markup'] : undefined;
  const rows = markup?.['inline_keyboard'];
  if (!Array.isArray(rows)) return undefined;
  for (const row of rows) {
    if (!Array.isArray(row)) continue;
    for (const button of row) {
      if (isRecord(button) && button['callback_data'] === data) return str(button['text']);
    }
  }
  return undefined;
}

/** "First Last" of a User or private Chat, else its username. */
function nameOf(value: unknown): string | undefined {
  if (!isRecord(value)) return undefined;
  const full = [str(value['first_name']), str(value['last_name'])].filter((part) => part !== undefined).join(' ');
  return full !== '' ? full : str(value['username']);
}

/** Telegram ids are integers up to 52 bits; kept as decimal strings. */
function integerId(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  if (typeof value === 'string' && /^-?\d{1,20}$/.test(value)) return value;
  return undefined;
}

function unixDate(value: unknown): Date | undefined {
  return typeof value === 'number' ? providerDate(value * 1_000) : undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}
