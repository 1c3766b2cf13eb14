import { HeraldError } from '@herald/common';

/**
 * Meta's Cloud API `POST /{version}/{phone-number-id}/messages` body, read into Herald's native `POST /v1/messages`
 * body. Herald's native content is Meta's already, in camelCase: this only renames (snake_case keys to camelCase,
 * `template.language.code` to `template.language`, `context.message_id` to `replyTo`), and refuses what Herald does
 * not carry, naming it. Whether the content is valid is decided once, by the messaging library's parser.
 */

/** Every message type of the Cloud API. */
export const CLOUD_MESSAGE_TYPES = ['text', 'image', 'video', 'audio', 'document', 'sticker', 'location', 'contacts', 'interactive', 'template', 'reaction'] as const;
/** The ones Herald sends on WhatsApp (its native types). */
export const CARRIED_TYPES: readonly string[] = ['text', 'image', 'video', 'audio', 'document', 'sticker', 'location', 'interactive', 'template'];
/** The interactive kinds Herald sends: reply buttons and lists. */
export const CARRIED_INTERACTIVE_TYPES: readonly string[] = ['button', 'list'];

/** The Cloud API keys beside the content; the ones Herald does not carry are refused with why. */
const ENVELOPE = new Set(['messaging_product', 'recipient_type', 'to', 'type', 'context', 'biz_opaque_callback_data']);
const NOT_CARRIED: Readonly<Record<string, string>> = {
  recipient: 'business-scoped user ids are not carried by Herald: give to, a phone number',
  status: 'marking a message as read (status: read) is not carried by Herald',
  message_id: 'marking a message as read is not carried by Herald',
  typing_indicator: 'typing indicators are not carried by Herald',
  category: "Direct Send's category is not carried by Herald: a free-form message goes in the customer-service window, else send a template",
  ttl_seconds: 'ttl_seconds is not carried by Herald',
};
const MEDIA_KEYS = new Set(['image', 'video', 'audio', 'document', 'sticker']);
/** Meta's limit on biz_opaque_callback_data. */
export const MAX_CALLBACK_DATA = 512;

/** Graph's codes for a problem found here (PROVIDER-FACTS.md, Meta's error-code reference). */
export const GRAPH_CODE = { invalidParameter: 100, unsupportedType: 131051 } as const;

/** A Cloud API send as Herald's native body (the caller adds `channelId`), and the number as the caller wrote it. */
export interface NativeCloudSend {
  readonly body: Record<string, unknown>;
  readonly input: string;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function refuse(field: string, issue: string, graphCode: number = GRAPH_CODE.invalidParameter): HeraldError {
  return new HeraldError('invalid', 'validation_failed', `${field} ${issue}.`, [{ field, issue, graphCode }]);
}

/** snake_case → camelCase for one key: `preview_url` → `previewUrl`, `amount_1000` → `amount1000`. */
export function camelKey(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** Every key of a JSON value in camelCase (values untouched: ids, titles and texts are the caller's). */
export function camelKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelKeys);
  if (!isRecord(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [camelKey(k), camelKeys(v)]));
}

/** The first media object (image, video, audio, document, sticker) that names an uploaded media id, by its path. */
function mediaIdAt(value: unknown, path: string): string | undefined {
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = mediaIdAt(item, `${path}[${i}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (!isRecord(value)) return undefined;
  for (const [key, child] of Object.entries(value)) {
    const at = path === '' ? key : `${path}.${key}`;
    if (MEDIA_KEYS.has(key) && isRecord(child) && child['id'] !== undefined) return `${at}.id`;
    const found = mediaIdAt(child, at);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The content of `type`, in Herald's native names. */
function contentOf(type: string, raw: unknown): unknown {
  if (!isRecord(raw)) return raw; // the native parser says what is wrong with it
  const mediaId = mediaIdAt({ [type]: raw }, '');
  if (mediaId !== undefined) {
    throw refuse(mediaId, 'is not carried by Herald: media goes by link (a public https URL), uploaded media ids are not supported');
  }
  if (type === 'audio' && raw['voice'] !== undefined) throw refuse('audio.voice', 'is not carried by Herald: audio is sent as a file');
  if (type === 'interactive' && typeof raw['type'] === 'string' && !CARRIED_INTERACTIVE_TYPES.includes(raw['type'])) {
    throw refuse('interactive.type', `${raw['type']} is not carried by Herald: it sends interactive messages of type ${CARRIED_INTERACTIVE_TYPES.join(' and ')}`, GRAPH_CODE.unsupportedType);
  }
  if (type === 'template') {
    for (const key of Object.keys(raw)) if (!['name', 'language', 'components'].includes(key)) throw refuse(`template.${key}`, 'is not a parameter of a template message');
    const { language, ...rest } = raw;
    if (language === undefined) throw refuse('template.language', 'is required');
    if (!isRecord(language)) throw refuse('template.language', 'must be an object: {code, policy?}');
    for (const key of Object.keys(language)) if (key !== 'code' && key !== 'policy') throw refuse(`template.language.${key}`, 'is not a parameter of language');
    if (language['policy'] !== undefined && language['policy'] !== 'deterministic') throw refuse('template.language.policy', 'must be deterministic');
    if (language['code'] === undefined) throw refuse('template.language.code', 'is required');
    // Meta's `language: {code, policy?}` (deterministic is the only policy); Herald's is the code itself.
    return { ...(camelKeys(rest) as Record<string, unknown>), language: language['code'] };
  }
  if (type === 'location') {
    // Meta's own examples give coordinates as strings as well as numbers.
    const loc = camelKeys(raw) as Record<string, unknown>;
    for (const k of ['latitude', 'longitude']) {
      const v = loc[k];
      if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) loc[k] = Number(v);
    }
    return loc;
  }
  return camelKeys(raw);
}

/**
 * Reads a Cloud API message body into Herald's native one. Refuses at once (with Graph's code for it in the detail)
 * what the Cloud API has and Herald does not: contacts and reaction messages, interactive kinds other than buttons
 * and lists, media by uploaded id, business-scoped recipients, read receipts, group recipients.
 */
export function toNativeMessage(body: unknown): NativeCloudSend {
  if (!isRecord(body)) throw refuse('body', 'must be a JSON object');
  for (const key of Object.keys(body)) {
    const why = NOT_CARRIED[key];
    if (why !== undefined) throw refuse(key, why);
  }
  if (body['messaging_product'] === undefined) throw refuse('messaging_product', 'is required');
  if (body['messaging_product'] !== 'whatsapp') throw refuse('messaging_product', 'must be whatsapp');
  const recipientType = body['recipient_type'];
  if (recipientType !== undefined && recipientType !== 'individual') {
    throw refuse('recipient_type', recipientType === 'group' ? 'group is not carried by Herald: it sends to individuals' : 'must be individual');
  }
  const to = body['to'];
  if (to === undefined) throw refuse('to', 'is required');
  if (typeof to !== 'string' || to.trim() === '') throw refuse('to', 'must be a phone number with its country code');
  // Meta takes the number with or without '+' (a WhatsApp id is the digits alone); Herald reads '+' numbers as E.164.
  const number = /^\d/.test(to.trim()) ? `+${to.trim()}` : to.trim();

  // Meta's default type is text.
  const type = body['type'] ?? 'text';
  if (typeof type !== 'string' || !(CLOUD_MESSAGE_TYPES as readonly string[]).includes(type)) {
    throw refuse('type', `must be one of ${CLOUD_MESSAGE_TYPES.join(', ')}`);
  }
  if (!CARRIED_TYPES.includes(type)) {
    throw refuse('type', `${type} is not carried by Herald: it sends ${CARRIED_TYPES.join(', ')} messages`, GRAPH_CODE.unsupportedType);
  }
  for (const key of Object.keys(body)) {
    if (ENVELOPE.has(key) || key === type) continue;
    if ((CLOUD_MESSAGE_TYPES as readonly string[]).includes(key)) throw refuse(key, `must not be given when type is ${type}`);
    throw refuse(key, 'is not a parameter of a Cloud API message');
  }

  const native: Record<string, unknown> = { to: { number }, type, [type]: contentOf(type, body[type]) };
  const context = body['context'];
  if (context !== undefined) {
    if (!isRecord(context) || typeof context['message_id'] !== 'string' || context['message_id'] === '') throw refuse('context.message_id', 'must be the id of the message replied to');
    for (const key of Object.keys(context)) if (key !== 'message_id') throw refuse(`context.${key}`, 'is not a parameter of context');
    native['replyTo'] = context['message_id'];
  }
  const callbackData = body['biz_opaque_callback_data'];
  if (callbackData !== undefined) {
    if (typeof callbackData !== 'string' || callbackData.length > MAX_CALLBACK_DATA) throw refuse('biz_opaque_callback_data', `must be a string of at most ${MAX_CALLBACK_DATA} characters`);
    // Kept with the message (customArgs): returned by GET /v1/messages/:id and in each of its callback events.
    native['customArgs'] = { biz_opaque_callback_data: callbackData };
  }
  return { body: native, input: to };
}

/** Herald's native field names that Meta spells otherwise, for errors in the caller's terms. */
const CLOUD_NAMES: ReadonlyArray<[RegExp, string]> = [
  [/\bpreviewUrl\b/g, 'preview_url'],
  [/\bsubType\b/g, 'sub_type'],
  [/\bparameterName\b/g, 'parameter_name'],
  [/\bfallbackValue\b/g, 'fallback_value'],
  [/\bamount1000\b/g, 'amount_1000'],
  [/\bdateTime\b/g, 'date_time'],
  [/\breplyTo\b/g, 'context.message_id'],
  [/\bcustomArgs\b/g, 'biz_opaque_callback_data'],
];

/** A field path or text of Herald's native parser, in the Cloud API's names (`text.previewUrl` → `text.preview_url`). */
export function cloudNames(text: string): string {
  let out = text;
  for (const [pattern, name] of CLOUD_NAMES) out = out.replace(pattern, name);
  return out;
}

/** A native field path as the Cloud API caller wrote it. */
export function cloudField(field: string): string {
  // The recipient: Herald's parser names it to.number, the contacts library (normalising it) number.
  if (field === 'to.number' || field === 'number' || field === 'contactId') return 'to';
  if (field === 'template.language') return 'template.language.code';
  return cloudNames(field);
}
