import { HeraldError } from '@herald/common';

/** WhautoChat's Messages API: which platforms take which of its three kinds of send (its document lists nine). */
export const WHAUTOCHAT_ROUTES: Readonly<Record<string, readonly string[]>> = {
  whatsapp: ['sendtext', 'sendmedia', 'sendtemplate'],
  messenger: ['sendtext', 'sendmedia', 'sendtemplate'],
  instagram: ['sendtext', 'sendtemplate'],
  telegram: ['sendtemplate'],
};

export type WhautoChatPlatform = 'whatsapp' | 'messenger' | 'instagram' | 'telegram';
export type WhautoChatKind = 'sendtext' | 'sendmedia' | 'sendtemplate';

/** What a WhautoChat send becomes: a body for `POST /v1/messages` (channel chosen by the caller), and a template name to resolve. */
export interface NativeSend {
  readonly body: Record<string, unknown>;
  /** WhatsApp's sendtemplate names a template only: its language is the one the channel's account has. */
  readonly templateName?: string;
}

const invalid = (field: string, issue: string) => new HeraldError('invalid', 'validation_failed', `${field} ${issue}.`, [{ field, issue }]);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The native message type of a media file by its MIME type (WhatsApp and Messenger take images, video, audio, files). */
export function mediaTypeOf(mimeType: string): 'image' | 'video' | 'audio' | 'document' {
  const major = mimeType.toLowerCase().split('/')[0];
  return major === 'image' || major === 'video' || major === 'audio' ? major : 'document';
}

/**
 * A button as WhautoChat's callers write it for Messenger, Instagram or Telegram — Meta's (`web_url` / `postback`),
 * Telegram's (`text` + `url` / `callback_data`) or Herald's own (`url` / `postback`) — as Herald's ActionButton.
 */
function button(raw: unknown, field: string): Record<string, string> {
  if (!isRecord(raw)) throw invalid(field, 'must be an object');
  for (const key of Object.keys(raw)) if (!BUTTON_FIELDS.includes(key)) throw invalid(`${field}.${key}`, `is not supported (a button has ${BUTTON_FIELDS.join(', ')})`);
  const title = typeof raw['title'] === 'string' ? raw['title'] : typeof raw['text'] === 'string' ? raw['text'] : undefined;
  if (title === undefined) throw invalid(`${field}.title`, 'is required (or text)');
  const url = raw['url'];
  if (typeof url === 'string' && (raw['type'] === undefined || raw['type'] === 'web_url' || raw['type'] === 'url')) return { type: 'url', title, url };
  const payload = typeof raw['payload'] === 'string' ? raw['payload'] : typeof raw['callback_data'] === 'string' ? raw['callback_data'] : undefined;
  if (payload !== undefined && (raw['type'] === undefined || raw['type'] === 'postback')) return { type: 'postback', title, payload };
  throw invalid(field, 'must be a URL button (url) or a postback button (payload or callback_data)');
}

function buttons(raw: unknown, field: string): Array<Record<string, string>> {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw invalid(field, 'must be an array');
  return raw.map((b, i) => button(b, `${field}[${i}]`));
}

/**
 * The fields of one of WhautoChat's request schemas: the recipient, `workspace` and `scheduleDateTime` on every send
 * (Herald schedules any message), and the content fields of that kind. A field of another kind (`template` on a
 * sendtext) is refused, never dropped.
 */
export function fieldsOf(platform: WhautoChatPlatform, kind: WhautoChatKind): readonly string[] {
  const common = ['contact', 'recepient', 'workspace', 'scheduleDateTime'];
  if (kind === 'sendtext') return [...common, 'textMessage'];
  if (kind === 'sendmedia') return [...common, 'mediaUrl', 'mimeType'];
  if (platform === 'whatsapp') return [...common, 'template'];
  if (platform === 'telegram') return [...common, 'textMessage', 'buttons'];
  return [...common, 'elements'];
}

const ELEMENT_FIELDS = ['title', 'subtitle', 'image_url', 'imageUrl', 'buttons'];
const BUTTON_FIELDS = ['type', 'title', 'text', 'url', 'payload', 'callback_data'];

/**
 * Reads one of WhautoChat's nine sends into Herald's native message body: `contact{id}` XOR `recepient{phoneNumber}`
 * (its spelling), `textMessage`, `mediaUrl` + `mimeType`, `template` (WhatsApp), `elements` (Messenger and Instagram:
 * cards), `buttons` + `textMessage` (Telegram), `scheduleDateTime`. `workspace` is checked by the caller.
 */
export function toNativeSend(platform: WhautoChatPlatform, kind: WhautoChatKind, body: unknown): NativeSend {
  if (!isRecord(body)) throw invalid('body', 'must be a JSON object');
  const known = fieldsOf(platform, kind);
  for (const key of Object.keys(body)) if (!known.includes(key)) throw invalid(key, `is not a field of WhautoChat's ${platform}/${kind} (its fields: ${known.join(', ')})`);
  const contact = body['contact'];
  const recipient = body['recepient'];
  if ((contact === undefined) === (recipient === undefined)) throw invalid('contact', 'give either contact (with id) or recepient (with phoneNumber), not both');
  const who: Record<string, unknown> = {};
  if (contact !== undefined) {
    const id = isRecord(contact) ? contact['id'] : undefined;
    if ((typeof id !== 'string' && typeof id !== 'number') || !/^[0-9]{1,18}$/.test(String(id))) throw invalid('contact.id', "must be a contact's id");
    who['contactId'] = String(id);
  } else {
    const phone = isRecord(recipient) ? recipient['phoneNumber'] : undefined;
    if (typeof phone !== 'string' || phone.trim() === '') throw invalid('recepient.phoneNumber', 'must be a phone number');
    who['to'] = platform === 'whatsapp' ? { number: phone } : phone.trim().startsWith('+') ? phone.trim() : `+${phone.trim()}`;
  }
  const schedule = body['scheduleDateTime'] === undefined || body['scheduleDateTime'] === null || body['scheduleDateTime'] === '' ? {} : { scheduleDateTime: body['scheduleDateTime'] };
  const text = body['textMessage'];
  const needText = (): string => {
    if (typeof text !== 'string' || text === '') throw invalid('textMessage', 'must be a non-empty string');
    return text;
  };
  switch (kind) {
    case 'sendtext':
      return { body: { ...who, ...schedule, type: 'text', text: { body: needText() } } };
    case 'sendmedia': {
      const url = body['mediaUrl'];
      const mime = body['mimeType'];
      if (typeof url !== 'string' || url === '') throw invalid('mediaUrl', 'must be the media file URL');
      if (typeof mime !== 'string' || !/^[a-z]+\/[a-z0-9.+-]+$/i.test(mime)) throw invalid('mimeType', 'must be a MIME type such as image/jpeg');
      const type = mediaTypeOf(mime);
      return { body: { ...who, ...schedule, type, [type]: { link: url } } };
    }
    case 'sendtemplate': {
      if (platform === 'whatsapp') {
        const name = body['template'];
        if (typeof name !== 'string' || name === '') throw invalid('template', "must be the name of one of the account's approved templates");
        return { body: { ...who, ...schedule, type: 'template' }, templateName: name };
      }
      if (platform === 'telegram') {
        // Text with buttons (an inline keyboard); with no buttons, the text alone.
        const list = buttons(body['buttons'], 'buttons');
        return { body: { ...who, ...schedule, ...(list.length > 0 ? { type: 'buttons', buttons: { text: needText(), buttons: list } } : { type: 'text', text: { body: needText() } }) } };
      }
      const elements = body['elements'];
      if (!Array.isArray(elements) || elements.length === 0) throw invalid('elements', 'must hold at least one element');
      const cards = elements.map((e, i) => {
        if (!isRecord(e) || typeof e['title'] !== 'string') throw invalid(`elements[${i}].title`, 'is required');
        for (const key of Object.keys(e)) if (!ELEMENT_FIELDS.includes(key)) throw invalid(`elements[${i}].${key}`, `is not supported (an element has ${ELEMENT_FIELDS.join(', ')})`);
        const card: Record<string, unknown> = { title: e['title'] };
        if (typeof e['subtitle'] === 'string') card['subtitle'] = e['subtitle'];
        const image = e['image_url'] ?? e['imageUrl'];
        if (typeof image === 'string') card['imageUrl'] = image;
        const list = buttons(e['buttons'], `elements[${i}].buttons`);
        if (list.length > 0) card['buttons'] = list;
        return card;
      });
      return { body: { ...who, ...schedule, type: 'cards', cards: { elements: cards } } };
    }
  }
}
