// POST /_sim/inbound: a WhatsApp user "sends" the business a message, delivered as a signed `messages` webhook.
import type { StoredMedia } from './media-store.service';
import type { Parsed } from './phone-number.util';
import { recipientDigits } from './send-request.util';
import { MEDIA_TYPES, type MediaType } from './simulator.constants';
import type { PhoneNumberRegistration } from './simulator.types';
import { unixSeconds } from './webhook-payload.util';

export type InboundContent =
  | { type: 'text'; body: string }
  | { type: 'button'; payload: string; text: string }
  | { type: 'button_reply'; id: string; title: string }
  | { type: 'list_reply'; id: string; title: string; description: string | undefined }
  /** A file: stored by the simulator (its media id goes into the webhook) and served by GET /{media-id}. */
  | { type: 'media'; kind: MediaType; mimeType: string; caption?: string; filename?: string; voice?: boolean; animated?: boolean; bytes: Buffer }
  | { type: 'location'; latitude: number; longitude: number; name?: string; address?: string; url?: string }
  /** Contact cards in Meta's shape, passed through as given. */
  | { type: 'contacts'; cards: Array<Record<string, unknown>> }
  /** `emoji` undefined: the user removed their reaction (Meta then sends no emoji). */
  | { type: 'reaction'; messageId: string; emoji: string | undefined };

/** The MIME type a file gets when the request names none. */
const DEFAULT_MIME: Record<MediaType, string> = {
  image: 'image/jpeg',
  video: 'video/mp4',
  audio: 'audio/ogg',
  document: 'application/pdf',
  sticker: 'image/webp',
};
/** Largest file `sizeBytes` may ask for (the admin body limit bounds `data`, given as base64, to under 1 MB). */
export const MAX_SIMULATED_MEDIA_BYTES = 16 * 1024 * 1024;
const KINDS = ['text', 'button', 'buttonReply', 'listReply', ...MEDIA_TYPES, 'location', 'contacts', 'reaction'] as const;

export interface InboundRequest {
  phoneNumberId: string;
  /** The user's wa_id (digits). */
  from: string;
  profileName: string;
  content: InboundContent;
  /** The wamid of the business message this answers (`context.id`). */
  contextMessageId: string | undefined;
}

const FIELDS = new Set([
  'phoneNumberId',
  'from',
  'profileName',
  'text',
  'button',
  'buttonReply',
  'listReply',
  ...MEDIA_TYPES,
  'location',
  'contacts',
  'reaction',
  'contextMessageId',
]);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmpty(value: unknown, max: number): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= max;
}

/**
 * Reads `{phoneNumberId, from, profileName?, contextMessageId?}` plus exactly one of `text` (string),
 * `button` ({payload, text}: a template quick-reply tap, needs contextMessageId), `buttonReply` ({id, title}) or
 * `listReply` ({id, title, description?}).
 */
export function parseInboundRequest(body: unknown): Parsed<InboundRequest> {
  if (!isObject(body)) return { ok: false, problems: ['the body must be a JSON object'] };
  const problems: string[] = [];
  for (const key of Object.keys(body)) if (!FIELDS.has(key)) problems.push(`${key}: unknown field`);
  if (!nonEmpty(body.phoneNumberId, 64)) problems.push('phoneNumberId: required');
  const from = typeof body.from === 'string' ? recipientDigits(body.from) : undefined;
  if (!from) problems.push('from: required, the user\'s phone number with country code, e.g. "+15551234567"');
  if (body.profileName !== undefined && !nonEmpty(body.profileName, 256))
    problems.push('profileName: must be a non-empty string');
  const contextMessageId = body.contextMessageId;
  if (contextMessageId !== undefined && !nonEmpty(contextMessageId, 256))
    problems.push('contextMessageId: must be a message id (wamid…)');

  const kinds = KINDS.filter((key) => body[key] !== undefined);
  let content: InboundContent | undefined;
  const kind = kinds[0];
  if (kinds.length !== 1 || kind === undefined) {
    problems.push(`give exactly one of ${KINDS.join(', ')}`);
  } else if ((MEDIA_TYPES as readonly string[]).includes(kind)) {
    content = parseMedia(kind as MediaType, body[kind], problems);
  } else if (kind === 'location') {
    content = parseLocation(body.location, problems);
  } else if (kind === 'contacts') {
    const cards = body.contacts;
    if (Array.isArray(cards) && cards.length > 0 && cards.length <= 257 && cards.every((c) => isObject(c) && isObject(c.name))) {
      content = { type: 'contacts', cards: cards as Array<Record<string, unknown>> };
    } else problems.push('contacts: must be 1–257 contact cards in Meta\'s shape, each with a "name" object');
  } else if (kind === 'reaction') {
    const reaction = body.reaction;
    if (isObject(reaction) && nonEmpty(reaction.messageId, 256) && (reaction.emoji === undefined || nonEmpty(reaction.emoji, 16))) {
      content = { type: 'reaction', messageId: reaction.messageId, emoji: reaction.emoji as string | undefined };
    } else problems.push('reaction: must be {"messageId": the wamid reacted to, "emoji"?: string} (no emoji: the reaction was removed)');
  } else if (body.text !== undefined) {
    if (nonEmpty(body.text, 4096)) content = { type: 'text', body: body.text };
    else problems.push('text: must be a string of 1–4096 characters');
  } else if (body.button !== undefined) {
    const button = body.button;
    if (isObject(button) && nonEmpty(button.payload, 256) && nonEmpty(button.text, 256)) {
      content = { type: 'button', payload: button.payload, text: button.text };
    } else problems.push('button: must be {"payload": string, "text": string}');
    if (contextMessageId === undefined)
      problems.push('contextMessageId: required for a button reply (the template message it answers)');
  } else if (body.buttonReply !== undefined) {
    const reply = body.buttonReply;
    if (isObject(reply) && nonEmpty(reply.id, 256) && nonEmpty(reply.title, 20)) {
      content = { type: 'button_reply', id: reply.id, title: reply.title };
    } else problems.push('buttonReply: must be {"id": string, "title": string of at most 20}');
  } else {
    const reply = body.listReply;
    if (
      isObject(reply) &&
      nonEmpty(reply.id, 200) &&
      nonEmpty(reply.title, 24) &&
      (reply.description === undefined || nonEmpty(reply.description, 72))
    ) {
      content = { type: 'list_reply', id: reply.id, title: reply.title, description: reply.description as string | undefined };
    } else
      problems.push('listReply: must be {"id": string, "title": string of at most 24, "description"?: string of at most 72}');
  }
  if (problems.length > 0 || !content || !from) return { ok: false, problems };
  return {
    ok: true,
    value: {
      phoneNumberId: body.phoneNumberId as string,
      from,
      profileName: (body.profileName as string | undefined) ?? `User ${from.slice(-4)}`,
      content,
      contextMessageId: contextMessageId as string | undefined,
    },
  };
}

/** `{mimeType?, caption?, filename?, voice?, animated?, data? (base64), sizeBytes?}`: the file a user sends. */
function parseMedia(kind: MediaType, value: unknown, problems: string[]): InboundContent | undefined {
  const hint = `${kind}: must be {"mimeType"?, "caption"?, "filename"?, "data"? (base64), "sizeBytes"?}`;
  if (!isObject(value)) return void problems.push(hint);
  const before = problems.length;
  for (const key of Object.keys(value)) {
    if (!['mimeType', 'caption', 'filename', 'voice', 'animated', 'data', 'sizeBytes'].includes(key)) problems.push(`${kind}.${key}: unknown field`);
  }
  const { mimeType, caption, filename, voice, animated, data, sizeBytes } = value;
  if (mimeType !== undefined && !(typeof mimeType === 'string' && /^[a-z]+\/[A-Za-z0-9.+-]+(;.*)?$/.test(mimeType))) problems.push(`${kind}.mimeType: must be a MIME type`);
  if (caption !== undefined && (!nonEmpty(caption, 1024) || kind === 'audio' || kind === 'sticker')) {
    problems.push(`${kind}.caption: ${kind === 'audio' || kind === 'sticker' ? `a ${kind} has no caption` : 'must be 1–1024 characters'}`);
  }
  if (filename !== undefined && (!nonEmpty(filename, 240) || kind !== 'document')) problems.push(`${kind}.filename: only a document has one (1–240 characters)`);
  if (voice !== undefined && (typeof voice !== 'boolean' || kind !== 'audio')) problems.push(`${kind}.voice: only audio has it, true or false`);
  if (animated !== undefined && (typeof animated !== 'boolean' || kind !== 'sticker')) problems.push(`${kind}.animated: only a sticker has it, true or false`);
  if (data !== undefined && sizeBytes !== undefined) problems.push(`${kind}: give data or sizeBytes, not both`);
  let bytes: Buffer | undefined;
  if (data !== undefined) {
    if (typeof data === 'string' && data.length > 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(data)) bytes = Buffer.from(data, 'base64');
    else problems.push(`${kind}.data: must be the file's bytes in base64`);
  } else if (sizeBytes !== undefined) {
    if (typeof sizeBytes === 'number' && Number.isInteger(sizeBytes) && sizeBytes >= 1 && sizeBytes <= MAX_SIMULATED_MEDIA_BYTES) {
      bytes = Buffer.alloc(sizeBytes);
      for (let i = 0; i < sizeBytes; i++) bytes[i] = i % 251;
    } else problems.push(`${kind}.sizeBytes: must be a whole number from 1 to ${MAX_SIMULATED_MEDIA_BYTES}`);
  } else bytes = Buffer.from(`Herald simulator ${kind} file`, 'utf8');
  if (problems.length > before || bytes === undefined) return undefined;
  return {
    type: 'media',
    kind,
    mimeType: (mimeType as string | undefined) ?? DEFAULT_MIME[kind],
    bytes,
    ...(caption === undefined ? {} : { caption: caption as string }),
    ...(filename === undefined ? {} : { filename: filename as string }),
    ...(voice === undefined ? {} : { voice: voice as boolean }),
    ...(animated === undefined ? {} : { animated: animated as boolean }),
  };
}

/** `{latitude, longitude, name?, address?, url?}`. */
function parseLocation(value: unknown, problems: string[]): InboundContent | undefined {
  const hint = 'location: must be {"latitude": -90..90, "longitude": -180..180, "name"?, "address"?, "url"?}';
  if (!isObject(value)) return void problems.push(hint);
  const { latitude, longitude, name, address, url } = value;
  const inRange = (n: unknown, bound: number) => typeof n === 'number' && Number.isFinite(n) && Math.abs(n) <= bound;
  if (!inRange(latitude, 90) || !inRange(longitude, 180)) return void problems.push(hint);
  for (const [key, v] of Object.entries({ name, address, url })) {
    if (v !== undefined && !nonEmpty(v, 1000)) return void problems.push(`location.${key}: must be a non-empty string`);
  }
  return {
    type: 'location',
    latitude: latitude as number,
    longitude: longitude as number,
    ...(name === undefined ? {} : { name: name as string }),
    ...(address === undefined ? {} : { address: address as string }),
    ...(url === undefined ? {} : { url: url as string }),
  };
}

/** The `messages[]` item Meta would post for this inbound message; `media` is the stored file of a media message. */
export function inboundMessage(
  request: InboundRequest,
  phone: PhoneNumberRegistration,
  wamid: string,
  atMs: number,
  media?: StoredMedia,
): Record<string, unknown> {
  const message: Record<string, unknown> = {};
  if (request.contextMessageId !== undefined) {
    message.context = { from: phone.displayPhoneNumber, id: request.contextMessageId };
  }
  message.from = request.from;
  message.id = wamid;
  message.timestamp = unixSeconds(atMs);
  const content = request.content;
  switch (content.type) {
    case 'text':
      message.type = 'text';
      message.text = { body: content.body };
      break;
    case 'button':
      message.type = 'button';
      message.button = { payload: content.payload, text: content.text };
      break;
    case 'button_reply':
      message.type = 'interactive';
      message.interactive = { type: 'button_reply', button_reply: { id: content.id, title: content.title } };
      break;
    case 'list_reply': {
      const listReply: Record<string, string> = { id: content.id, title: content.title };
      if (content.description !== undefined) listReply.description = content.description;
      message.type = 'interactive';
      message.interactive = { type: 'list_reply', list_reply: listReply };
      break;
    }
    case 'media': {
      // Meta's media object (webhooks reference, messages/image…): caption and filename as sent, mime_type, sha256, id.
      const object: Record<string, unknown> = {};
      if (content.caption !== undefined) object.caption = content.caption;
      if (content.filename !== undefined) object.filename = content.filename;
      object.mime_type = media?.mimeType ?? content.mimeType;
      object.sha256 = media?.sha256 ?? '';
      object.id = media?.id ?? '';
      if (content.voice !== undefined) object.voice = content.voice;
      if (content.animated !== undefined) object.animated = content.animated;
      message.type = content.kind;
      message[content.kind] = object;
      break;
    }
    case 'location': {
      const location: Record<string, unknown> = {};
      if (content.address !== undefined) location.address = content.address;
      location.latitude = content.latitude;
      location.longitude = content.longitude;
      if (content.name !== undefined) location.name = content.name;
      if (content.url !== undefined) location.url = content.url;
      message.type = 'location';
      message.location = location;
      break;
    }
    case 'contacts':
      message.type = 'contacts';
      message.contacts = content.cards;
      break;
    case 'reaction':
      message.type = 'reaction';
      message.reaction = content.emoji === undefined ? { message_id: content.messageId } : { message_id: content.messageId, emoji: content.emoji };
      break;
  }
  return message;
}
